# place-route: placement in space and time, NoC routing and SRAM budgets (Placement, PlaceRoute).
#
#   make test-place    the light zoo and the generated transformers through
#                      graph-opt | tile-plan --arch mesh-8x8 | place-route, in auto and pipeline
#                      mode; every placement replayed by Tools/placed_check.py (pycapnp), and the
#                      checker's own self-test (mutated placements must fail it)
#   make bench-place   scale (8x8 and 32x32 meshes: seconds to place and route, max link load vs
#                      the cut lower bound) and pipelined vs layer-by-layer makespan in our cost model
#   make demo-place    ResNet-50 and a transformer on the 8x8 mesh, with the report's head
#
# PLACE_SCRATCH is the SwiftPM scratch path of the tests (.build in CI).

PLACE_SCRATCH ?= .build
PLACE_DIR      = $(CACHE)/place

TEST_STEPS   += test-place
BENCH_STEPS  += bench-place
DEMO_STEPS   += demo-place

.PHONY: test-place bench-place demo-place

## test-place: every light-zoo model and generated transformer placed on mesh-8x8 and checked.
test-place: graph-models
	$(SLUICE_DEBUG_BUILD) --scratch-path $(PLACE_SCRATCH) --build-tests
	@set -e; rm -rf $(PLACE_DIR)/check && mkdir -p $(PLACE_DIR)/check; \
	for m in $(foreach n,$(GRAPH_CI_MODELS),$(GRAPH_LIGHT)/light_$(n).onnx) $(foreach n,$(GRAPH_TRANSFORMERS),$(GRAPH_GEN)/$(n).onnx); do \
	  b=$(PLACE_DIR)/check/$$(basename $$m .onnx); \
	  timeout 300 $(PLACE_SCRATCH)/debug/graph-opt -O3 $$m | timeout 300 $(PLACE_SCRATCH)/debug/tile-plan --arch mesh-8x8 --dim batch=1 \
	    --max-visits $(TILE_TEST_VISITS) > $$b.tiles; \
	  for mode in auto pipeline; do timeout 300 $(PLACE_SCRATCH)/debug/place-route --mode $$mode $$b.tiles > $$b.$$mode.placed; done; \
	done; \
	timeout 600 $(PYTHON) Tools/placed_check.py $(PLACE_DIR)/check/*.placed; \
	timeout 300 $(PYTHON) Tools/placed_check.py --self-test $(PLACE_DIR)/check/light_resnet50.auto.placed

## bench-place: Benchmarks/place/bench.py (release binaries); quick mode: ResNet-50 only.
bench-place: build graph-models
	timeout 3600 $(PYTHON) Benchmarks/place/bench.py --bin $(RELEASE_BIN) --light $(GRAPH_LIGHT) --gen $(GRAPH_GEN) \
	  --work $(PLACE_DIR)/bench --markdown $(PLACE_DIR)/bench.md

## demo-place: graph-opt | tile-plan | place-route on ResNet-50 and a Llama block, 8x8 mesh.
demo-place: graph-models
	$(RELEASE_BIN)/graph-opt -O3 $(GRAPH_LIGHT)/light_resnet50.onnx | $(RELEASE_BIN)/tile-plan --arch mesh-8x8 --dim batch=1 \
	  | $(RELEASE_BIN)/place-route --report | head -12
	$(RELEASE_BIN)/graph-opt -O3 $(GRAPH_GEN)/llama.onnx | $(RELEASE_BIN)/tile-plan --arch mesh-8x8 --dim batch=1 \
	  | $(RELEASE_BIN)/place-route | $(RELEASE_BIN)/rec-cat --check
