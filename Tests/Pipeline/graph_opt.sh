# graph-opt in pipelines: the stream is whole and readable by rec-cat and capnp; opaque
# operators pass through (onnxruntime runs an exported If); bad models fail with one line and status 1 (no output file left behind); random mutations never crash.
source "$ROOT/Tests/Pipeline/lib.sh"
GRAPH_SCHEMA="$ROOT/Formats/graph.capnp"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" small-cnn m.onnx || fail "onnx_models.py small-cnn"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" gpt2 gpt2.onnx --layers 1 || fail "onnx_models.py gpt2"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" unknown-op unknown.onnx || fail "onnx_models.py unknown-op"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" custom-domain custom.onnx || fail "onnx_models.py custom-domain"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" if-capture if.onnx || fail "onnx_models.py if-capture"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" cycle cycle.onnx || fail "onnx_models.py cycle"
timeout 120 python3 "$ROOT/Tools/onnx_models.py" external ext.onnx || fail "onnx_models.py external"

# The stream: rec-cat checks it end to end; capnp decodes it; fusions show up.
run "graph-opt -O3 m.onnx | rec-cat --check"
expect_status 0
[[ $(cat out.bin) == "stdin: graph v1 (from graph-opt): 3 records, whole" ]] || fail "rec-cat --check: $(cat out.bin)"
run "graph-opt -O3 gpt2.onnx | timeout 60 capnp decode --short $GRAPH_SCHEMA GraphFrame"
expect_status 0
grep -q 'op = "Attention", domain = "sluice"' out.bin || fail "no fused attention in the decoded stream"
grep -q 'op = "LayerNormalization"' out.bin || fail "no LayerNormalization in the decoded stream"
# External data: weights stay in their file and the stream points there.
run "graph-opt ext.onnx | timeout 60 capnp decode --short $GRAPH_SCHEMA GraphFrame"
expect_status 0
grep -q "file = (path = \"$PWD/ext.onnx.data\"" out.bin || fail "external weights not referenced by file"
# Over 2 GB of external weights (a sparse file): imported and optimized without loading them.
timeout 120 python3 "$ROOT/Tools/onnx_models.py" huge-external huge.onnx || fail "onnx_models.py huge-external"
if [[ -x /usr/bin/time ]]; then
  run "/usr/bin/time -f 'rss %M' -o rss.txt graph-opt -O3 huge.onnx | rec-cat --check"
  expect_status 0
  rss=$(awk '{print $2}' rss.txt)
  (( rss < 200000 )) || fail "graph-opt used $rss KB for a model with 2.25 GiB of external weights"
else
  run "graph-opt -O3 huge.onnx | rec-cat --check"
  expect_status 0
fi
run "graph-opt huge.onnx | timeout 60 capnp decode --short $GRAPH_SCHEMA GraphFrame"
grep -q "file = (path = \"$PWD/huge.onnx.data\", offset = 0, length = 2415919104)" out.bin || fail "2.25 GiB weight not referenced by file"
rm -f huge.onnx.data

# A reader that stops early: graph-opt ends quietly.
run "graph-opt --emit text gpt2.onnx | head -1"
expect_status 0
# A truncated stream is caught downstream.
graph-opt m.onnx > whole.graph
head -c 200 whole.graph > cut.graph
run "rec-cat --check cut.graph"
expect_status 1

# Opaque operators: a made-up domain's op (every attribute kind, a subgraph among them) is
# written back unchanged with its opset import, and the Conv+BatchNormalization before it is
# folded; the stream carries it too. An If whose branches read outer values by name optimizes
# around them (its nested constant If folds), the interpreter runs both (--verify), and
# onnxruntime runs the export with the original's output.
run "graph-opt -O3 --emit onnx -o custom.opt.onnx custom.onnx"
expect_status 0
python3 - custom.onnx custom.opt.onnx <<'PY' || fail "custom-domain node not passed through unchanged"
import sys, onnx
a, b = (onnx.load(p) for p in sys.argv[1:3])
na = next(n for n in a.graph.node if n.domain == "example.custom")
nb = next(n for n in b.graph.node if n.domain == "example.custom")
assert (na.op_type, na.name, list(na.input), list(na.output)) == (nb.op_type, nb.name, list(nb.input), list(nb.output))
key = lambda n: sorted((x.name, x.SerializeToString()) for x in n.attribute)
assert key(na) == key(nb), "attributes differ"
assert ("example.custom", 3) in [(o.domain, o.version) for o in b.opset_import]
ops = [n.op_type for n in b.graph.node]
assert "BatchNormalization" not in ops and ops.count("Conv") == 1, ops
PY
run "graph-opt -O3 custom.onnx | timeout 60 capnp decode --short $GRAPH_SCHEMA GraphFrame"
expect_status 0
grep -q 'op = "Frobnicate", domain = "example.custom"' out.bin || fail "no opaque node in the decoded stream"
grep -q 'name = "body", onnx = ' out.bin || fail "subgraph attribute not in the decoded stream"
run "graph-opt -O3 --verify --emit onnx -o if.opt.onnx if.onnx"
expect_status 0
run "python3 $ROOT/Tools/graph/ort_check.py compare if.onnx if.opt.onnx"
expect_status 0
# External data out: GPT-2's weights (64 KB tensors) go to gpt2.opt.onnx.data, onnxruntime runs it.
run "graph-opt -O3 --verify --external-data --emit onnx -o gpt2.opt.onnx gpt2.onnx"
expect_status 0
[[ -s gpt2.opt.onnx.data ]] || fail "no external data file written"
run "python3 $ROOT/Tools/graph/ort_check.py compare gpt2.onnx gpt2.opt.onnx"
expect_status 0
# The interpreter cannot run an opaque node: --verify says which, in one line.
run "graph-opt -O3 --verify unknown.onnx"
expect_status 1
expect_stderr "graph-opt: unknown.onnx: verify (original graph): node 'mystery': cannot run opaque operator Frobnicate (kept as is, no kernel)"

# Bad models: one line, status 1, and -o leaves the old file alone.
echo old > out.graph
for bad in "cycle.onnx:graph has a cycle through nodes" \
           "nothere.onnx:no such file"; do
  file=${bad%%:*}; msg=${bad#*:}
  run "graph-opt -o out.graph $file"
  expect_status 1 "$file"
  expect_stderr_prefix "graph-opt: $file: $msg"
  [[ $(wc -l < err.txt) == 1 ]] || fail "$file: more than one error line"
  [[ $(cat out.graph) == old ]] || fail "$file: -o replaced the old file"
done
mv ext.onnx.data moved.data
run "graph-opt ext.onnx"
expect_status 1
expect_stderr "graph-opt: ext.onnx: tensor 'w_1': external data file 'ext.onnx.data' not found"
head -c 1000 m.onnx > cut.onnx
run "graph-opt < cut.onnx"
expect_status 1
expect_stderr_prefix "graph-opt: stdin: not a valid ONNX model"

# Random mutations of a valid model: exit 0 or 1, one line on failure, never a crash.
# Seeds are SLUICE_TEST_SEED+1 ... +60 (0 by default), printed so a failure can be replayed.
base=${SLUICE_TEST_SEED:-0}; echo "graph_opt.sh: mutation seeds $((base + 1))..$((base + 60))"
size=$(stat -c %s m.onnx)
for seed in $(seq $((base + 1)) $((base + 60))); do
  python3 - "$seed" "$size" <<'PY'
import random, sys
seed, size = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed)
data = bytearray(open("m.onnx", "rb").read())
for _ in range(r.randint(1, 6)):
    data[r.randrange(size)] = r.randrange(256)
open("mut.onnx", "wb").write(data)
PY
  run "graph-opt -O3 --verify --emit text mut.onnx"
  [[ $status == 0 || $status == 1 ]] || fail "mutation $seed: exit status $status ($err)"
  [[ $status == 0 || $(wc -l < err.txt) == 1 ]] || fail "mutation $seed: not one error line"
done
echo "graph_opt: ok"
