# tile-plan: graph-opt | tile-plan | rec-cat on generated models for every preset; the same
# input gives the same bytes; a closed reader ends it quietly; a failed run leaves an existing
# -o file untouched; truncated and wrong-kind input are refused in one line.
source "$ROOT/Tests/Pipeline/lib.sh"
quick=(--max-visits 2000)

timeout 120 python3 "$ROOT/Tools/onnx_models.py" small-cnn cnn.onnx > /dev/null || fail "onnx_models.py small-cnn"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" gpt2 gpt2.onnx > /dev/null || fail "onnx_models.py gpt2"
timeout 120 python3 "$ROOT/Tools/resnet18_layers.py" --onnx r18.onnx || fail "resnet18_layers.py"

for arch in tpu-like eyeriss-like mesh-8x8; do
  timeout 120 graph-opt -O3 cnn.onnx | timeout 120 tile-plan --arch $arch --dim batch=1 "${quick[@]}" | rec-cat --check > check.txt \
    || fail "graph-opt | tile-plan --arch $arch | rec-cat --check"
  grep -q '^stdin: tiles v1 (from tile-plan): [0-9]* records, whole$' check.txt || fail "$arch: $(cat check.txt)"
done
# A transformer: attention fused as one group (its Q·Kᵀ, softmax, P·V stages as members), norms
# and GELU on the vector unit.
timeout 120 graph-opt -O3 gpt2.onnx | timeout 120 tile-plan --arch mesh-8x8 --dim batch=1 "${quick[@]}" > gpt2.tiles 2>err.txt \
  || fail "gpt2: $(cat err.txt)"
timeout 60 capnp decode --short "$ROOT/Formats/tiles.capnp" TilesFrame < gpt2.tiles > gpt2.txt || fail "capnp decode gpt2.tiles"
grep -q 'ops = \["sluice.Attention", "sluice.Attention", "sluice.Attention"\], nodes = \[[0-9]*\], unit = "array"' gpt2.txt \
  || fail "no fused attention group"
grep -q 'fusion = "attention", members = \[(index = [0-9]*, name = "[^"]*/qk", ops = \["sluice.Attention"\]' gpt2.txt \
  || fail "the fused attention group's first member is not its Q·Kᵀ stage"
# --no-fuse: the stages are groups of their own.
timeout 120 graph-opt -O3 gpt2.onnx | timeout 120 tile-plan --no-fuse --arch mesh-8x8 --dim batch=1 "${quick[@]}" > gpt2.alone.tiles 2>err.txt \
  || fail "gpt2 --no-fuse: $(cat err.txt)"
timeout 60 capnp decode --short "$ROOT/Formats/tiles.capnp" TilesFrame < gpt2.alone.tiles > gpt2.alone.txt || fail "capnp decode gpt2.alone.tiles"
grep -q '^(group = (index = [0-9]*, name = "[^"]*/qk", ops = \["sluice.Attention"\], nodes = \[[0-9]*\], unit = "array"' gpt2.alone.txt \
  || fail "--no-fuse: no attention Q·Kᵀ group"
grep -q 'fusion = "attention"' gpt2.alone.txt && fail "--no-fuse: a fused group"
grep -q 'ops = \["LayerNormalization"\], nodes = \[[0-9]*\], unit = "vector"' gpt2.txt || fail "no LayerNorm group"
tail -1 gpt2.txt | grep -q '^(trailer = (recordCount = ' || fail "gpt2 trailer"

# Determinism: the same input and limits give the same bytes.
timeout 60 graph-opt r18.onnx > r18.graph || fail "graph-opt r18.onnx"
for i in 1 2; do timeout 120 tile-plan --arch eyeriss-like --objective edp "${quick[@]}" r18.graph > r18.$i.tiles || fail "run $i"; done
cmp -s r18.1.tiles r18.2.tiles || fail "two runs of the same plan differ"
[[ $(rec-cat --count r18.1.tiles) == 23 ]] || fail "expected arch, graph and 21 groups (independent layers: no edges), got $(rec-cat --count r18.1.tiles)"

timeout 60 tile-plan --arch tpu-like "${quick[@]}" r18.graph 2>err.txt | head -c 10 > /dev/null
codes=("${PIPESTATUS[@]}")
[[ ${codes[0]} == 0 ]] || fail "tile-plan | head -c 10: status ${codes[0]}: $(cat err.txt)"

echo old > kept.tiles
run "tile-plan --arch tpu-like -o kept.tiles cnn.onnx"
expect_status 1 "tile-plan on an ONNX file"
[[ $(cat kept.tiles) == old ]] || fail "-o file changed by a failed run"

head -c 300 r18.graph > truncated.graph
run "tile-plan --arch tpu-like truncated.graph"
expect_status 1 "tile-plan on a truncated graph stream"
run "tile-plan --arch tpu-like r18.1.tiles"
expect_stderr "tile-plan: r18.1.tiles: expected a graph stream, got tiles v1 (from tile-plan)"
expect_status 1
