# place-route: placement in space and time, NoC routing and SRAM budgets (Placement, PlaceRoute).
#
#   make test-place    the light zoo, the generated transformers and real trained models through
#                      graph-opt | tile-plan --arch mesh-8x8 | place-route, in auto and pipeline
#                      mode, and the scale case (PLACE_SCALE, >= 1,000 tiles) on 8x8 and 32x32;
#                      every placement replayed by Tools/placed_check.py (pycapnp), and the
#                      checker's own self-test (mutated placements must fail it)
#   make bench-place   scale (8x8 and 32x32 meshes: seconds to place and route, max link load vs
#                      the cut lower bound; the light zoo and PP-OCRv4 det on eight A4 pages) and
#                      pipelined vs layer-by-layer makespan in our cost model
#   make demo-place    ResNet-50 and a transformer on the 8x8 mesh, with the report's head
#   make stream-venv   Stream (stream-dse 2.1.1, the peer) in its own venv, $(STREAM_VENV), pinned by
#                      Tools/stream-requirements.txt; it needs Python 3.12 (pyenv's newest 3.12, else
#                      a python3.12 on PATH), which bench-place uses when present
#
# PLACE_SCRATCH is the SwiftPM scratch path of the tests (.build in CI).

PLACE_SCRATCH ?= .build
PLACE_DIR      = $(CACHE)/place

TEST_STEPS   += test-place
BENCH_STEPS  += bench-place
DEMO_STEPS   += demo-place

STREAM_VENV = $(CACHE)/venv-stream
# (pyenv's own binary first: its python3.12 shim on PATH fails unless 3.12 is selected.)
STREAM_BASE_PYTHON ?= $(firstword $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12))) \
                      $(shell python3.12 -c 'import sys; print(sys.executable)' 2>/dev/null))

.PHONY: test-place bench-place demo-place stream-venv

# Real trained models (graph-real-models) at one serving size each: model@input=dims[@input=dims].
PLACE_REAL ?= ppocr-det@x=1,3,640,640 ppocr-rec@x=1,3,48,320 ppocr-cls@x=1,3,48,192 nudenet-320n@images=1,3,320,320 \
              magika@bytes=1,2048 minilm-l3@input_ids=1,128@attention_mask=1,128 silero-vad@input=1,512@state=2,1,128

# The scale case (issue 13: >= 1,000 tiles on an 8x8 and a 32x32 mesh): PP-OCRv4's detector on
# eight A4 pages at 1792x1280; the 32x32 chip is mesh-8x8's arch record with the mesh grown.
PLACE_SCALE ?= ppocr-det@x=8,3,1792,1280

## test-place: every light-zoo model, generated transformer and real trained model placed on
## mesh-8x8 and checked; the scale case on 8x8 and 32x32; a program that overflows a core
## (mesh-8x8's tiles on 3% of its SRAM) placed through feedback to tiling and checked.
test-place: graph-models $$(GRAPH_REAL)/.done
	$(SLUICE_DEBUG_BUILD) --scratch-path $(PLACE_SCRATCH) --build-tests
	@set -e; rm -rf $(PLACE_DIR)/check && mkdir -p $(PLACE_DIR)/check; \
	for m in $(foreach n,$(GRAPH_CI_MODELS),$(GRAPH_LIGHT)/light_$(n).onnx) $(foreach n,$(GRAPH_TRANSFORMERS),$(GRAPH_GEN)/$(n).onnx); do \
	  b=$(PLACE_DIR)/check/$$(basename $$m .onnx); \
	  timeout 300 $(PLACE_SCRATCH)/debug/graph-opt -O3 $$m | timeout 300 $(PLACE_SCRATCH)/debug/tile-plan --arch mesh-8x8 --dim batch=1 \
	    --max-visits $(TILE_TEST_VISITS) > $$b.tiles; \
	  for mode in auto pipeline; do timeout 300 $(PLACE_SCRATCH)/debug/place-route --mode $$mode $$b.tiles > $$b.$$mode.placed; done; \
	done; \
	for spec in $(PLACE_REAL); do \
	  m=$${spec%%@*}; shapes=$$(echo $${spec#*@} | sed 's/@/ --input-shape /g'); \
	  timeout 300 $(PLACE_SCRATCH)/debug/graph-opt -O3 --input-shape $$shapes $(GRAPH_REAL)/$$m.onnx \
	    | timeout 300 $(PLACE_SCRATCH)/debug/tile-plan --arch mesh-8x8 --max-visits $(TILE_TEST_VISITS) \
	    | timeout 300 $(PLACE_SCRATCH)/debug/place-route > $(PLACE_DIR)/check/real-$$m.auto.placed; \
	done; \
	$(PLACE_SCRATCH)/debug/tile-plan --arch mesh-8x8 --print-arch | timeout 60 capnp decode Formats/arch.capnp ArchFrame \
	  | sed 's/name = "mesh-8x8"/name = "mesh-32x32"/; s/rows = 8, cols = 8/rows = 32, cols = 32/' \
	  | timeout 60 capnp encode Formats/arch.capnp ArchFrame > $(PLACE_DIR)/check/mesh-32x32.arch; \
	spec='$(PLACE_SCALE)'; m=$${spec%%@*}; shapes=$$(echo $${spec#*@} | sed 's/@/ --input-shape /g'); \
	timeout 300 $(PLACE_SCRATCH)/debug/graph-opt -O3 --input-shape $$shapes $(GRAPH_REAL)/$$m.onnx -o $(PLACE_DIR)/check/scale.graph; \
	for a in mesh-8x8 $(PLACE_DIR)/check/mesh-32x32.arch; do \
	  n=$$(basename $$a .arch); \
	  timeout 300 $(PLACE_SCRATCH)/debug/tile-plan --arch $$a --max-visits $(TILE_TEST_VISITS) $(PLACE_DIR)/check/scale.graph \
	    | timeout 300 $(PLACE_SCRATCH)/debug/place-route > $(PLACE_DIR)/check/scale-$$m-$$n.auto.placed; \
	  timeout 300 $(PYTHON) Tools/placed_check.py --min-tiles 1000 $(PLACE_DIR)/check/scale-$$m-$$n.auto.placed; \
	done; \
	f=$(PLACE_DIR)/check/feedback; timeout 120 $(PYTHON) Tools/onnx_models.py --width 128 --layers 1 gpt2 $$f.onnx > /dev/null; \
	timeout 300 $(PLACE_SCRATCH)/debug/graph-opt -O3 $$f.onnx | timeout 300 $(PLACE_SCRATCH)/debug/tile-plan --no-fuse --arch mesh-8x8 \
	  --dim batch=1 --dim seq=16 --max-visits 2000 | timeout 60 capnp decode Formats/tiles.capnp TilesFrame \
	  | sed -E 's/^( {12}bytes = )3072,$$/\192,/; s/^( {12}bytes = )32768,$$/\1983,/; s/^( {12}bytes = )8192,$$/\1245,/; s/^( {12}bytes = )65536,$$/\11966,/' \
	  | timeout 60 capnp encode Formats/tiles.capnp TilesFrame > $$f.tiles; \
	if timeout 300 $(PLACE_SCRATCH)/debug/place-route --no-feedback $$f.tiles > /dev/null 2>&1; then echo "test-place: $$f.tiles fits without feedback"; exit 1; fi; \
	timeout 300 $(PLACE_SCRATCH)/debug/place-route $$f.tiles > $(PLACE_DIR)/check/feedback.auto.placed; \
	timeout 600 $(PYTHON) Tools/placed_check.py $$(ls $(PLACE_DIR)/check/*.placed | grep -v /scale-); \
	timeout 300 $(PYTHON) Tools/placed_check.py --self-test $(PLACE_DIR)/check/light_resnet50.auto.placed

$(STREAM_VENV)/.done: Tools/stream-requirements.txt
	test -n "$(STREAM_BASE_PYTHON)" || { echo "stream-venv: Stream needs Python 3.12: none on PATH or in pyenv"; exit 1; }
	rm -rf $(STREAM_VENV) && $(STREAM_BASE_PYTHON) -m venv $(STREAM_VENV)
	$(STREAM_VENV)/bin/python -m pip install -q --no-deps --disable-pip-version-check -r Tools/stream-requirements.txt
	touch $@

stream-venv: $(STREAM_VENV)/.done

## bench-place: Benchmarks/place/bench.py (release binaries); quick mode: ResNet-50 only and one
## Stream workload. Stream runs when a Python 3.12 exists for its venv.
bench-place: build graph-models $$(GRAPH_REAL)/.done $$(ARCH_IMPORT_DIR)/.done $(if $(STREAM_BASE_PYTHON),stream-venv)
	timeout 3600 $(PYTHON) Benchmarks/place/bench.py --bin $(RELEASE_BIN) --light $(GRAPH_LIGHT) --gen $(GRAPH_GEN) --real $(GRAPH_REAL) \
	  --work $(PLACE_DIR)/bench --markdown $(PLACE_DIR)/bench.md \
	  --stream-python "$(if $(STREAM_BASE_PYTHON),$(STREAM_VENV)/bin/python)" \
	  --stream-hardware $(ARCH_IMPORT_DIR)/unpacked/stream/inputs/examples/hardware --zigzag-inputs $(ARCH_IMPORT_DIR)/unpacked/zigzag/inputs

## demo-place: graph-opt | tile-plan | place-route on ResNet-50 and a Llama block, 8x8 mesh.
demo-place: graph-models
	$(RELEASE_BIN)/graph-opt -O3 $(GRAPH_LIGHT)/light_resnet50.onnx | $(RELEASE_BIN)/tile-plan --arch mesh-8x8 --dim batch=1 \
	  | $(RELEASE_BIN)/place-route --report | head -12
	$(RELEASE_BIN)/graph-opt -O3 $(GRAPH_GEN)/llama.onnx | $(RELEASE_BIN)/tile-plan --arch mesh-8x8 --dim batch=1 \
	  | $(RELEASE_BIN)/place-route | $(RELEASE_BIN)/rec-cat --check
