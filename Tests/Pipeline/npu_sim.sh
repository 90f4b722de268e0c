# npu-sim: graph-opt | tile-plan | place-route | npu-sim | rec-cat on a generated CNN and
# transformer; the sim stream, the Perfetto trace JSON and the heat map pass the independent
# checker (Tools/sim_check.py: the trace's events add up to the summary); the same input gives
# the same bytes; layer-by-layer and pipelined placements of one model both simulate; bad input
# (wrong kind, truncated, random mutations of a placed stream) is one line and exit 1, and leaves
# no trace or heat map file behind.
source "$ROOT/Tests/Pipeline/lib.sh"
quick=(--max-visits 2000)

timeout 120 python3 "$ROOT/Tools/onnx_models.py" small-cnn cnn.onnx > /dev/null || fail "onnx_models.py small-cnn"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" gpt2 gpt2.onnx > /dev/null || fail "onnx_models.py gpt2"
for m in cnn gpt2; do
  timeout 120 graph-opt -O3 $m.onnx | timeout 120 tile-plan --arch mesh-8x8 --dim batch=1 "${quick[@]}" > $m.tiles || fail "$m: tile-plan"
  for mode in auto layer pipeline; do
    timeout 120 place-route --mode $mode $m.tiles > $m.$mode.placed 2>err.txt || fail "$m --mode $mode: $(cat err.txt)"
    timeout 120 npu-sim --trace $m.$mode.json --heatmap $m.$mode.svg $m.$mode.placed > $m.$mode.sim 2>err.txt \
      || fail "$m --mode $mode: npu-sim: $(cat err.txt)"
    rec-cat --check $m.$mode.sim > check.txt || fail "$m $mode: rec-cat --check: $(cat check.txt)"
    grep -q ': sim v1 (from npu-sim): [0-9]* records, whole$' check.txt || fail "$m $mode: $(cat check.txt)"
    timeout 120 python3 "$ROOT/Tools/sim_check.py" $m.$mode.sim --trace $m.$mode.json --heatmap $m.$mode.svg \
      || fail "$m $mode: the checker refused the simulation"
  done
done

# The pipe the man page shows; the stream decodes with the capnp tool.
timeout 120 graph-opt -O3 cnn.onnx | timeout 120 tile-plan --arch mesh-8x8 --dim batch=1 "${quick[@]}" | timeout 120 place-route \
  | timeout 120 npu-sim | rec-cat --count > n.txt || fail "graph-opt | tile-plan | place-route | npu-sim | rec-cat"
[[ $(cat n.txt) -gt 10 ]] || fail "a sim stream of $(cat n.txt) records"
timeout 60 capnp decode --short "$ROOT/Formats/sim.capnp" SimFrame < cnn.auto.sim > decoded.txt || fail "capnp decode of a sim stream"
grep -q '^(summary = (model = "mesh"' decoded.txt || fail "capnp decode shows no summary"

# --report: the per-group analytic vs simulated table.
timeout 120 npu-sim --report gpt2.auto.placed > report.txt || fail "--report"
grep -q '^group	name	mode	cores	analytic	simulated	error' report.txt || fail "--report has no group table: $(head -3 report.txt)"
grep -q 'simulated [0-9]* cycles, place-route.s cost model' report.txt || fail "--report has no summary line"

# Determinism: the same input gives the same bytes (stream and trace).
# (The header records the arguments, so both runs use the same ones.)
for k in 1 2; do
  timeout 120 npu-sim --trace again.json gpt2.auto.placed > again$k.sim || fail "run $k"
  mv again.json again$k.json
done
cmp -s again1.sim again2.sim || fail "two runs of the same simulation differ"
cmp -s again1.json again2.json || fail "two traces of the same simulation differ"
cmp -s gpt2.auto.json again1.json || fail "--heatmap changed the trace"

# A closed reader ends it quietly.
timeout 60 npu-sim gpt2.auto.placed 2>err.txt | head -c 10 > /dev/null
codes=("${PIPESTATUS[@]}")
[[ ${codes[0]} == 0 ]] || fail "npu-sim | head -c 10: status ${codes[0]}: $(cat err.txt)"

# Failures: wrong kind, truncated input, -o and --trace untouched or not created.
run "npu-sim cnn.tiles"
expect_stderr "npu-sim: cnn.tiles: expected a placed stream, got tiles v1 (from tile-plan)"
expect_status 1
echo old > kept.sim
echo old > kept.json
head -c 3000 cnn.auto.placed > truncated.placed
run "npu-sim -o kept.sim --trace kept.json --heatmap new.svg truncated.placed"
expect_status 1 "npu-sim on a truncated placed stream"
[[ $(wc -l < err.txt) == 1 ]] || fail "truncated: more than one line: $err"
[[ $(cat kept.sim) == old && $(cat kept.json) == old ]] || fail "a failed run changed -o or --trace files"
[[ ! -e new.svg ]] || fail "a failed run left a heat map behind"
run "npu-sim --check cnn.auto.placed"
expect_status 2 "--check without --graph"

# Random byte mutations of a placed stream: exit 0 (and the simulation adds up) or 1 with one line.
seed_random npu_sim
size=$(stat -c %s cnn.auto.placed)
for i in $(seq 1 40); do
  cp cnn.auto.placed mut.placed
  for k in 1 2 3; do
    off=$(( (RANDOM * 32768 + RANDOM) % size ))
    printf "\\x$(printf %02x $(( RANDOM % 256 )))" | dd of=mut.placed bs=1 seek=$off conv=notrunc status=none
  done
  run "npu-sim mut.placed"
  case $status in
    0) cp out.bin mut.sim; timeout 60 python3 "$ROOT/Tools/sim_check.py" mut.sim > /dev/null || fail "mutation $i: simulated, but it does not add up" ;;
    1) [[ $(wc -l < err.txt) == 1 ]] || fail "mutation $i: more than one line on stderr: $err" ;;
    *) cp mut.placed "$ROOT/.mutation-failure.placed"; fail "mutation $i: exit status $status: $err (input in .mutation-failure.placed)" ;;
  esac
done
echo "npu_sim: ok"
