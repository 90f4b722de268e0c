# npu-sim, mesh mode: the timing simulation of a placed program (Simulation, NpuSim).
#
#   make test-sim    the light zoo's -rand models and the generated GPT-2 through
#                    graph-opt | tile-plan --arch mesh-8x8 | place-route | npu-sim --trace --heatmap;
#                    every sim stream, trace JSON and heat map checked by Tools/sim_check.py
#                    (pycapnp, json, xml: the trace adds up to the summary)
#   make bench-sim   the whole of ResNet-50: npu-sim's wall time (release) against the 60 s goal of
#                    issue 14, the trace's size against 50 MB, the simulated makespan against
#                    place-route's analytic one (Benchmarks/sim/bench.py)
#   make demo-sim    ResNet-50 (-rand) and GPT-2 on the 8x8 mesh with --check, --trace and --heatmap; prints
#                    where the files are (ui.perfetto.dev opens the trace)
#
# SIM_SCRATCH is the SwiftPM scratch path of the tests (.build in CI).

SIM_SCRATCH ?= .build
SIM_DIR      = $(CACHE)/sim
SIM_OUT      = out/sim
SIM_MODELS  ?= squeezenet shufflenet inception_v1 inception_v2 densenet121 resnet50

TEST_STEPS   += test-sim
BENCH_STEPS  += bench-sim
DEMO_STEPS   += demo-sim

.PHONY: test-sim bench-sim demo-sim

## test-sim: the light zoo (-rand) and GPT-2 simulated on mesh-8x8, trace and heat map checked.
test-sim: graph-models
	$(SLUICE_DEBUG_BUILD) --scratch-path $(SIM_SCRATCH) --build-tests
	@set -e; B=$(SIM_SCRATCH)/debug; rm -rf $(SIM_DIR)/check && mkdir -p $(SIM_DIR)/check; \
	for m in $(foreach n,$(SIM_MODELS),$(GRAPH_LIGHT)/light_$(n)-rand.onnx) $(GRAPH_GEN)/gpt2.onnx; do \
	  b=$(SIM_DIR)/check/$$(basename $$m .onnx); \
	  timeout 300 $$B/graph-opt -O3 $$m -o $$b.graph; \
	  timeout 300 $$B/tile-plan --arch mesh-8x8 --dim batch=1 --max-visits $(TILE_TEST_VISITS) $$b.graph | timeout 300 $$B/place-route > $$b.placed; \
	  timeout 300 $$B/npu-sim --trace $$b.json --heatmap $$b.svg $$b.placed > $$b.sim; \
	  timeout 300 $(PYTHON) Tools/sim_check.py $$b.sim --trace $$b.json --heatmap $$b.svg; \
	done

## bench-sim: Benchmarks/sim/bench.py (release binaries); rows through Benchmarks/benchlib.py.
bench-sim: build graph-models
	timeout 3600 $(PYTHON) Benchmarks/sim/bench.py --bin $(RELEASE_BIN) --light $(GRAPH_LIGHT) \
	  --work $(SIM_DIR)/bench --markdown $(SIM_DIR)/bench.md

## demo-sim: ResNet-50 and GPT-2 through the whole pipeline, checked on the real numbers, with the
## Perfetto trace and the heat map.
demo-sim: graph-models
	@mkdir -p $(SIM_OUT)
	@set -e; for m in $(GRAPH_LIGHT)/light_resnet50-rand.onnx $(GRAPH_GEN)/gpt2.onnx; do \
	  n=$$(basename $$m .onnx); n=$${n#light_}; n=$${n%-rand}; \
	  $(RELEASE_BIN)/graph-opt -O3 $$m -o $(SIM_OUT)/$$n.graph; \
	  $(RELEASE_BIN)/tile-plan --arch mesh-8x8 --dim batch=1 $(SIM_OUT)/$$n.graph | $(RELEASE_BIN)/place-route > $(SIM_OUT)/$$n.placed; \
	  $(RELEASE_BIN)/npu-sim --check --graph $(SIM_OUT)/$$n.graph --trace $(SIM_OUT)/$$n.trace.json --heatmap $(SIM_OUT)/$$n.heatmap.svg \
	    $(SIM_OUT)/$$n.placed > $(SIM_OUT)/$$n.sim; \
	  echo "  --check  $$(capnp decode Formats/sim.capnp SimFrame < $(SIM_OUT)/$$n.sim | grep -c 'passed = true') values equal the interpreter's"; \
	  $(RELEASE_BIN)/npu-sim --report $(SIM_OUT)/$$n.placed | head -2; \
	  echo "  stream   $(SIM_OUT)/$$n.sim (capnp decode Formats/sim.capnp SimFrame)"; \
	  echo "  trace    $(SIM_OUT)/$$n.trace.json: ui.perfetto.dev loads it"; \
	  echo "  heat map $(SIM_OUT)/$$n.heatmap.svg"; \
	done
