#!/usr/bin/env bash
# Checks Tools/arch_import.py against the peers' own files (make test-arch-import).
#   Tools/arch_import_check.sh BIN ZIGZAG_INPUTS STREAM_HARDWARE
# BIN: the debug binaries; ZIGZAG_INPUTS: zigzag-dse 3.9.1's inputs/ folder (hardware/, mapping/);
# STREAM_HARDWARE: stream-dse 2.1.1's inputs/examples/hardware/ folder.
#  1. ZigZag's tpu_like and eyeriss_like import to exactly the tile-plan presets built from them
#     (every field but the description; what the YAML lacks comes from the options).
#  2. Stream's simba (6x6 chiplet mesh, per-column DRAM links) and tpu_like_quad_core (2x2, DRAM
#     bus) import to archs tile-plan and place-route run on, with the mesh and channels expected.
#  3. A SCALE-Sim config imports to a one-core systolic arch tile-plan plans a model on.
#  4. Bad inputs: one line on stderr, exit 1, no output file, no Python traceback.
set -euo pipefail
BIN=$1; ZZ=$2; ST=$3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
IMPORT="python3 $ROOT/Tools/arch_import.py"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
body() { capnp decode "$ROOT/Formats/arch.capnp" ArchFrame | sed -n '/^( arch = (/,$p' | grep -v '^    description = '; }
MODEL=$(ls "$ROOT"/.cache/graph/light/light_squeezenet-rand.onnx)

# 1. ZigZag cores = the presets
$IMPORT zigzag "$ZZ/hardware/tpu_like.yaml" --mapping "$ZZ/mapping/tpu_like.yaml" --clock-ghz 0.7 \
  --name tpu-like --core-name tpu-core --quiet -o "$W/tpu.arch"
$IMPORT zigzag "$ZZ/hardware/eyeriss_like.yaml" --unroll D1=OY,OX,K --unroll D2=FY,C,K --dataflow rs \
  --clock-ghz 0.2 --vector-lanes 14 --vector-pj 0.5 --name eyeriss-like --core-name eyeriss-core --quiet -o "$W/eyeriss.arch"
for a in tpu eyeriss; do
  body < "$W/$a.arch" > "$W/$a.txt"
  "$BIN/tile-plan" --arch $a-like --print-arch | body > "$W/$a.preset.txt"
  [[ -s $W/$a.txt ]] || fail "$a: the import decodes to nothing"
  diff "$W/$a.txt" "$W/$a.preset.txt" >&2 || fail "ZigZag $a import differs from the $a-like preset (diff above)"
done
echo "zigzag: tpu_like and eyeriss_like import to the presets, field for field"

# 2. Stream accelerators
$IMPORT stream "$ST/simba.yaml" --unroll D1=K --unroll D2=OX,OY --unroll D3=K --unroll D4=C --quiet -o "$W/simba.arch"
$IMPORT stream "$ST/tpu_like_quad_core.yaml" --mapping "$ZZ/mapping/tpu_like.yaml" --skip-core 4 --skip-core 5 --quiet -o "$W/quad.arch"
capnp decode "$ROOT/Formats/arch.capnp" ArchFrame < "$W/simba.arch" > "$W/simba.txt"
grep -q 'mesh = (rows = 6, cols = 6, disabled = \[\], coreType = 0)' "$W/simba.txt" || fail "simba: not a 6x6 mesh"
[[ $(grep -c 'row = -1,' "$W/simba.txt") == 6 ]] || fail "simba: expected 6 DRAM channels on the north edge"
grep -q 'linkBytesPerCycle = 32,' "$W/simba.txt" || fail "simba: 256-bit links are 32 bytes per cycle"
capnp decode "$ROOT/Formats/arch.capnp" ArchFrame < "$W/quad.arch" > "$W/quad.txt"
grep -q 'mesh = (rows = 2, cols = 2, disabled = \[\], coreType = 0)' "$W/quad.txt" || fail "quad: not a 2x2 mesh"
for a in simba quad; do
  "$BIN/graph-opt" -O3 "$MODEL" | "$BIN/tile-plan" --arch "$W/$a.arch" --max-visits 500 | "$BIN/place-route" | "$BIN/rec-cat" --check >/dev/null \
    || fail "$a: graph-opt | tile-plan | place-route failed on the imported arch"
done
echo "stream: simba (6x6, 6 DRAM links) and tpu_like_quad_core (2x2) plan and place squeezenet"

# 3. SCALE-Sim
$IMPORT scalesim "$ROOT/Tests/Data/arch-import/systolic-32x32-ws.cfg" --quiet -o "$W/ss.arch"
"$BIN/graph-opt" -O3 "$MODEL" | "$BIN/tile-plan" --arch "$W/ss.arch" --max-visits 500 | "$BIN/rec-cat" --check >/dev/null \
  || fail "scalesim: tile-plan failed on the imported arch"
capnp decode "$ROOT/Formats/arch.capnp" ArchFrame < "$W/ss.arch" > "$W/ss.txt"
[[ $(grep -c 'bytes = 524288,' "$W/ss.txt") == 2 ]] || fail "scalesim: two 512 KB SRAMs expected"
echo "scalesim: a 32x32 ws config plans squeezenet"

# 4. Bad inputs
printf 'name: x\nmemories: [1, 2\n' > "$W/broken.yaml"
sed 's/r_cost: 0.095/r_cst: 0.095/' "$ZZ/hardware/tpu_like.yaml" > "$W/missing.yaml"
printf '[architecture_presets]\nArrayHeight: 32\nArrayWidth: lots\n' > "$W/bad.cfg"
cases=("zigzag $W/broken.yaml" "zigzag $W/missing.yaml --mapping $ZZ/mapping/tpu_like.yaml" "zigzag $ZZ/hardware/tpu_like.yaml"
       "zigzag $W/nonexistent.yaml" "scalesim $W/bad.cfg" "scalesim $W/broken.yaml"
       "stream $ST/tpu_like_quad_core.yaml --mapping $ZZ/mapping/tpu_like.yaml")
for c in "${cases[@]}"; do
  set +e; $IMPORT $c -o "$W/out.arch" 2> "$W/err.txt"; status=$?; set -e
  [[ $status == 1 ]] || fail "'$c': exit status $status, expected 1"
  [[ $(wc -l < "$W/err.txt") == 1 ]] || fail "'$c': expected one line on stderr, got: $(cat "$W/err.txt")"
  grep -q '^arch_import: ' "$W/err.txt" || fail "'$c': stderr does not start with arch_import:"
  [[ ! -e $W/out.arch ]] || fail "'$c': wrote an output file"
done
echo "bad inputs: ${#cases[@]} cases, one line each, exit 1, no file"

# 5. Seeded mutations of a valid core file: each imports or fails with one line, never a traceback.
python3 - "$ZZ/hardware/tpu_like.yaml" "$ZZ/mapping/tpu_like.yaml" "$W" "$ROOT" <<'PY'
import random, subprocess, sys
src, mapping, work, root = sys.argv[1:5]
text = open(src).read()
rng = random.Random(20261203)
for i in range(60):
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        k = rng.randrange(len(chars))
        chars[k] = rng.choice(["", ":", "-", "[", "0", "x", " ", "\n", "9", "'"])
    path = f"{work}/mut{i}.yaml"
    open(path, "w").write("".join(chars))
    r = subprocess.run([sys.executable, root + "/Tools/arch_import.py", "zigzag", path, "--mapping", mapping, "--quiet", "-o", f"{work}/mut.arch"],
                       capture_output=True, text=True, timeout=60)
    lines = r.stderr.splitlines()
    ok = r.returncode == 0 and not lines or r.returncode == 1 and len(lines) == 1 and lines[0].startswith("arch_import: ")
    if not ok:
        sys.exit(f"FAIL: mutation {i}: exit {r.returncode}, stderr {r.stderr[-600:]!r}")
print("mutations: 60 seeded mutations of tpu_like.yaml: each imports or fails with one line")
PY
