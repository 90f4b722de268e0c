# npu-sim --check: the tiled, fused, distributed program run on the real numbers and compared
# with the interpreter (TiledExecution, Sources/NpuSim/CheckStage.swift, Docs/sim-check.md).
#
#   make test-sim-check   graph-opt -O3 | tile-plan --arch mesh-8x8 | place-route | npu-sim --check
#                         on the light zoo (dense random weights), the generated GPT-2, Llama, ViT,
#                         BEV and activation-fusion models and five trained models at a serving size each (PP-OCR rec and cls,
#                         NudeNet 320n, Magika, MiniLM-L3 at 128 tokens), every check passing; injected faults (halo, partial-sum, order)
#                         failing with exit status 3 on ResNet-50 (group 4 is a fused conv chain: the
#                         fault goes into its first member that can take it), GPT-2 (a MatMul and both
#                         fused attention groups), Llama and NudeNet (the
#                         transformers' groups are one tile each at 16 tokens: no order fault there);
#                         bad fault specs exit 2; a wrong or truncated graph exits 1; randomly
#                         mutated schedules (Tools/sim_check_mutations.py) never crash or hang.
#
# SIMCHECK_SCRATCH is the SwiftPM scratch path of the tests (.build in CI).

SIMCHECK_SCRATCH ?= .build
SIMCHECK_DIR      = $(CACHE)/simcheck
SIMCHECK_BIN      = $(SIMCHECK_SCRATCH)/debug
# Trained models at one serving size each: test-place's list (PLACE_REAL, model@input=dims...)
# without PP-OCR det (ConvTranspose) and Silero VAD (If), which the interpreter, the check's
# reference, does not run.
SIMCHECK_REAL    ?= $(filter-out ppocr-det@% silero-vad@%,$(PLACE_REAL))

TEST_STEPS += test-sim-check

.PHONY: test-sim-check

## test-sim-check: every model of the corpus through the pipeline with npu-sim --check passing; faults fail it.
test-sim-check: graph-models $$(GRAPH_REAL)/.done
	$(SLUICE_DEBUG_BUILD) --scratch-path $(SIMCHECK_SCRATCH) --build-tests
	@set -e; rm -rf $(SIMCHECK_DIR) && mkdir -p $(SIMCHECK_DIR); \
	plan() { timeout 300 $(SIMCHECK_BIN)/graph-opt -O3 $$3 $$1 -o $$2.graph && \
	  timeout 300 $(SIMCHECK_BIN)/tile-plan --arch mesh-8x8 --dim batch=1 --max-visits $(TILE_TEST_VISITS) $$2.graph \
	  | timeout 300 $(SIMCHECK_BIN)/place-route > $$2.placed; }; \
	check() { timeout 300 $(SIMCHECK_BIN)/npu-sim --check --graph $$1.graph $$1.placed > $$1.sim || { echo "test-sim-check: $$1: --check failed"; exit 1; }; \
	  n=$$(timeout 60 capnp decode Formats/sim.capnp SimFrame < $$1.sim | grep -c 'passed = true'); \
	  u=$$(timeout 60 capnp decode Formats/sim.capnp SimFrame < $$1.sim | grep -c 'note = "run untiled' || true); \
	  [ $$n -gt 0 ] || { echo "test-sim-check: $$1: no check records"; exit 1; }; \
	  echo "test-sim-check: $$(basename $$1): $$n values pass ($$u run untiled)"; }; \
	for m in $(foreach n,$(GRAPH_CI_MODELS),$(GRAPH_LIGHT)/light_$(n)-rand.onnx) $(foreach n,$(GRAPH_TRANSFORMERS) $(GRAPH_FUSION_MODELS),$(GRAPH_GEN)/$(n).onnx); do \
	  b=$(SIMCHECK_DIR)/$$(basename $$m .onnx); plan $$m $$b; check $$b; \
	done; \
	for spec in $(SIMCHECK_REAL); do \
	  name=$${spec%%@*}; b=$(SIMCHECK_DIR)/$$name; \
	  plan $(GRAPH_REAL)/$$name.onnx $$b "--input-shape $$(echo $${spec#*@} | sed 's/@/ --input-shape /g')"; check $$b; \
	done; \
	expect() { want=$$1; shift; set +e; timeout 300 $(SIMCHECK_BIN)/npu-sim --check "$$@" > $(SIMCHECK_DIR)/fault.sim 2> $(SIMCHECK_DIR)/fault.err; got=$$?; set -e; \
	  [ $$got -eq $$want ] || { echo "test-sim-check: npu-sim --check $$*: exit $$got, expected $$want"; cat $(SIMCHECK_DIR)/fault.err; exit 1; }; \
	  echo "test-sim-check: $$(echo $$* | sed 's|$(SIMCHECK_DIR)/||g'): exit $$got ($$(head -c 120 $(SIMCHECK_DIR)/fault.err))"; }; \
	r=$(SIMCHECK_DIR)/light_resnet50-rand; g=$(SIMCHECK_DIR)/gpt2; \
	for f in halo:4 partial-sum:4 order:4 halo:0; do expect 3 --graph $$r.graph --inject-fault $$f $$r.placed; done; \
	for f in partial-sum:3 partial-sum:15 partial-sum:39; do expect 3 --graph $$g.graph --inject-fault $$f $$g.placed; done; \
	expect 3 --graph $(SIMCHECK_DIR)/llama.graph --inject-fault partial-sum:2 $(SIMCHECK_DIR)/llama.placed; \
	expect 3 --graph $(SIMCHECK_DIR)/nudenet-320n.graph --inject-fault halo:0 $(SIMCHECK_DIR)/nudenet-320n.placed; \
	timeout 60 capnp decode Formats/sim.capnp SimFrame < $(SIMCHECK_DIR)/fault.sim | grep -q 'passed = false'; \
	expect 2 --graph $$r.graph --inject-fault flip:4 $$r.placed; \
	expect 2 --graph $$r.graph --inject-fault halo:99999 $$r.placed; \
	expect 2 --graph $$g.graph --inject-fault halo:3 $$g.placed; \
	expect 2 --graph $$g.graph --inject-fault order:3 $$g.placed; \
	expect 2 $$r.placed; \
	expect 1 --graph $$g.graph $$r.placed; \
	expect 1 --graph $$r.placed $$r.placed; \
	head -c 3000 $$r.graph > $(SIMCHECK_DIR)/truncated.graph; expect 1 --graph $(SIMCHECK_DIR)/truncated.graph $$r.placed; \
	timeout 900 $(PYTHON) Tools/sim_check_mutations.py $(SIMCHECK_BIN)/npu-sim $$g.placed $$g.graph 25
