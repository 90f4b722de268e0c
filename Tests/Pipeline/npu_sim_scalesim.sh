# npu-sim --model scalesim: a topology of many layers | rec-cat --check; the stream decodes with
# the capnp tool; pycapnp reads every systolic record and finds compute cycles = folds × fold
# cycles − 1 and stalls = total − compute; | head ends quietly; random mutations of a topology
# and of a config are refused in one line (exit 1) or timed, never a crash; a failed run leaves
# an existing -o file untouched.
source "$ROOT/Tests/Pipeline/lib.sh"
DATA="$ROOT/Tests/Data/systolic"

{ echo "Layer, M, N, K,"; for i in $(seq 1 200); do echo "g$i, $((i % 37 + 1)), $((i % 23 + 2)), $((i % 41 + 3)),"; done; } > many.csv
for df in ws os is; do
  timeout 120 npu-sim --model scalesim --topology many.csv --dataflow $df --array 8x4 --sram-kb 1,1,1 --bandwidth 3 > $df.sim \
    || fail "$df: npu-sim"
  rec-cat --check $df.sim > check.txt || fail "$df: rec-cat --check: $(cat check.txt)"
  grep -q ': sim v1 (from npu-sim): 200 records, whole$' check.txt || fail "$df: $(cat check.txt)"
  timeout 60 capnp decode --short "$ROOT/Formats/sim.capnp" SimFrame < $df.sim > $df.txt || fail "$df: capnp decode"
  [[ $(grep -c '^(systolic' $df.txt) == 200 ]] || fail "$df: capnp decode shows $(grep -c '^(systolic' $df.txt) layers"
done
timeout 120 python3 - ws.sim os.sim is.sim <<'PY' || fail "pycapnp check of the systolic records"
import os, sys, capnp
root = os.environ["ROOT"]
sim = capnp.load(os.path.join(root, "Formats", "sim.capnp"), imports=[os.path.join(root, "Formats")])
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        frames = list(sim.SimFrame.read_multiple(f, traversal_limit_in_words=1 << 30))
    assert frames[0].which() == "header" and frames[-1].which() == "trailer", path
    for fr in frames[1:-1]:
        s = fr.systolic
        assert s.computeCycles == s.rowFolds * s.colFolds * s.foldCycles - 1, (path, s.name)
        assert s.totalCycles == s.computeCycles + s.stallCycles, (path, s.name)
        assert s.cyclesWithPrefetch > s.totalCycles and s.stallModel in ("exact", "replay"), (path, s.name)
        assert 0 < s.mappingEfficiency <= 1 and 0 < s.computeUtilization <= 1, (path, s.name)
PY

# | head: the reader closes early; the producer ends quietly with 0.
timeout 60 bash -c 'npu-sim --model scalesim --topology many.csv | rec-cat | head -2' > head.txt 2> err.txt
[[ $(wc -l < head.txt) == 2 && ! -s err.txt ]] || fail "| head: $(cat err.txt)"

# Random mutations: one line and exit 1 (or 2 for an option), or a whole stream; never a crash.
seed_random npu_sim_scalesim
for i in $(seq 1 60); do
  for src in "$DATA/conv.csv" "$DATA/scalesim-16x8-user.cfg"; do
    python3 - "$RANDOM" "$src" mutated <<'PY'
import random, sys
random.seed(int(sys.argv[1]))
b = bytearray(open(sys.argv[2], 'rb').read())
for _ in range(random.randint(1, 4)):
    b[random.randrange(len(b))] = random.randrange(32, 127)
open(sys.argv[3], 'wb').write(b)
PY
    if [[ $src == *.csv ]]; then cmd="npu-sim --model scalesim --topology mutated --sram-kb 2,2,2 --bandwidth 4"
    else cmd="npu-sim --model scalesim --topology $DATA/conv.csv --scalesim-config mutated"; fi
    run "$cmd"
    name="mutation $i of $(basename "$src")"
    if [[ $status == 0 ]]; then
      rec-cat --check out.bin > /dev/null || fail "$name: a broken stream"
    elif [[ $status == 1 || $status == 2 ]]; then
      [[ $(wc -l < err.txt) == 1 && $err == npu-sim:* ]] || fail "$name: $err"
    else
      cp mutated "$ROOT/out/npu_sim_scalesim_crash.txt" 2>/dev/null
      fail "$name: exit status $status ($err)"
    fi
  done
done

# -o on failure leaves the old file.
echo old > keep.sim
printf 'Layer, M, N, K,\nok, 4, 4, 4,\nbad, 4, 4,\n' > bad.csv
run "npu-sim --model scalesim --topology bad.csv -o keep.sim"
expect_status 1 "a bad topology line"
[[ $(cat keep.sim) == old ]] || fail "-o replaced the old file on failure"
echo "npu_sim_scalesim: ok"
