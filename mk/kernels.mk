# Kernels and op-bench: side-by-side benchmarks of the operator library against numpy
# (OpenBLAS) and onnxruntime, the roofline picture, and the bench-stream interop check.
#
#   make bench-kernels          every op-bench suite against its peer (4.7 min measured on a loaded
#                               2-core machine); headline rows for out/bench/report.md, the full table in
#                               $(KERNELS_BENCH)/report.md. SLUICE_BENCH_QUICK=1: 1 thread,
#                               kernels/int8/BEV suites and ResNet-50 layer 1, 4 runs a side (~25 s)
#   make test-kernels-interop   pycapnp reads an op-bench stream (Tools/bench_report.py)
#   make test-kernels-onnx      the ONNX node test cases of every implemented operator

PIP_PACKAGES += numpy==2.4.6 threadpoolctl==3.8.0 scipy==1.17.1 onnx==1.23.2 onnxruntime==1.31.1
TEST_STEPS   += test-kernels-interop test-kernels-onnx
BENCH_STEPS  += bench-kernels

# This environment may pin OpenBLAS to an old core type (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE),
# which slows a current numpy; the peer runs without them, in these commands only, and the
# report names the OpenBLAS kernel it then used (threadpoolctl).
KERNELS_PEER_ENV := env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE
# Each case: one untimed run per side, then KERNELS_ROUNDS batches per side alternating ours and
# the peer's, each a KERNELS_ROUNDS-th of the --reps / --max-reps / --min-time rule.
ifneq ($(filter-out 0,$(SLUICE_BENCH_QUICK)),)
KERNELS_BENCH   := out/bench-quick/kernels
KERNELS_ROUNDS  := 2
KERNELS_TIMING  := --reps 2 --max-reps 4 --min-time 0 --rounds $(KERNELS_ROUNDS)
KERNELS_THREADS := 1
KERNELS_CONVS   := --filter layer1
else
KERNELS_BENCH   := out/bench-kernels
KERNELS_ROUNDS  := 4
KERNELS_TIMING  := --reps 12 --max-reps 100 --min-time 0.4 --rounds $(KERNELS_ROUNDS)
KERNELS_THREADS := 1,2
KERNELS_CONVS   :=
endif
KERNELS_OP_BENCH := $(KERNELS_PEER_ENV) $(RELEASE_BIN)/op-bench $(KERNELS_TIMING)

.PHONY: bench-kernels test-kernels-interop test-kernels-onnx

## bench-kernels: SGEMM/bf16 GEMM/softmax/norms/activations/attention vs numpy and the roofline,
## int8 GEMM, ResNet-50 convolutions, the BEV suite (Resize, GridSample) and graph vs
## onnxruntime, model suites vs numpy; headline rows (Tools/bench_report.py --rows), report,
## roofline SVG. Quick mode skips the model suites, the BEV graph and 2 threads.
bench-kernels: build
	rm -rf $(KERNELS_BENCH) && mkdir -p $(KERNELS_BENCH)
	$(PYTHON) Benchmarks/benchlib.py load > $(KERNELS_BENCH)/load
	$(KERNELS_OP_BENCH) --suite kernels --threads $(KERNELS_THREADS) --roofline --compare numpy \
	  -o $(KERNELS_BENCH)/kernels-numpy.bench
	$(KERNELS_OP_BENCH) --suite kernels --filter int8 --threads $(KERNELS_THREADS) --compare onnxruntime \
	  -o $(KERNELS_BENCH)/int8-onnxruntime.bench
	$(KERNELS_OP_BENCH) --suite resnet50 $(KERNELS_CONVS) --threads $(KERNELS_THREADS) --roofline --compare onnxruntime \
	  -o $(KERNELS_BENCH)/resnet50-onnxruntime.bench
	$(KERNELS_OP_BENCH) --suite bev --threads $(KERNELS_THREADS) --compare onnxruntime \
	  -o $(KERNELS_BENCH)/bev-onnxruntime.bench
ifeq ($(filter-out 0,$(SLUICE_BENCH_QUICK)),)
	$(KERNELS_OP_BENCH) --suite bert-base --suite llama7b-prefill --suite llama7b-decode \
	  --threads 2 --roofline --compare numpy -o $(KERNELS_BENCH)/models-numpy.bench
	timeout 120 $(PYTHON) Tools/onnx_models.py bev $(KERNELS_BENCH)/bev-net.onnx
	$(RELEASE_BIN)/graph-opt $(KERNELS_BENCH)/bev-net.onnx | $(KERNELS_OP_BENCH) --graph - \
	  --threads 1 --compare onnxruntime -o $(KERNELS_BENCH)/bev-graph-onnxruntime.bench
endif
	$(PYTHON) Tools/bench_report.py --svg $(KERNELS_BENCH)/roofline.svg --rows --load $$(cat $(KERNELS_BENCH)/load) \
	  --rounds $(KERNELS_ROUNDS) $(KERNELS_BENCH)/*.bench > $(KERNELS_BENCH)/report.md

## test-kernels-interop: an op-bench stream is read back by pycapnp, header to trailer.
test-kernels-interop: debug
	mkdir -p out
	timeout 120 $(DEBUG_BIN)/op-bench --suite resnet50 --filter avgpool --reps 2 --min-time 0 -o out/kernels-interop.bench
	timeout 60 $(PYTHON) Tools/bench_report.py out/kernels-interop.bench | grep -q "| resnet50 | avgpool | GlobalAveragePool |"
	@echo "test-kernels-interop: pycapnp read the op-bench stream"

## test-kernels-onnx: onnx.backend.test.case.node's cases for the implemented operators, exported
## to $(CACHE) and run by KernelsTests/OnnxNodeTests with ONNX's tolerances.
test-kernels-onnx:
	mkdir -p $(CACHE)
	timeout 300 $(PYTHON) Tools/onnx_node_cases.py $(CACHE)/onnx-node-cases
	$(SLUICE_DEBUG_BUILD) --build-tests
	SLUICE_ONNX_NODE_CASES=$(abspath $(CACHE))/onnx-node-cases timeout 600 $(SWIFT) test --skip-build --filter OnnxNodeTests

## demo-kernels: the roofline, then ResNet-50's layer-1 convolutions timed and shown as text.
DEMO_STEPS += demo-kernels
.PHONY: demo-kernels
demo-kernels: build
	$(RELEASE_BIN)/op-bench --roofline --suite resnet50 --filter layer1 --reps 3 --min-time 0 | $(RELEASE_BIN)/rec-cat

## microkernel: regenerate Sources/Kernels/MicroKernel.swift (the unrolled GEMM register tiles)
## from Tools/gen_microkernel.py; test-microkernel-fresh fails when the committed file is stale.
TEST_STEPS += test-microkernel-fresh
.PHONY: microkernel test-microkernel-fresh
microkernel:
	$(PYTHON) Tools/gen_microkernel.py > Sources/Kernels/MicroKernel.swift.tmp && mv Sources/Kernels/MicroKernel.swift.tmp Sources/Kernels/MicroKernel.swift

test-microkernel-fresh:
	@$(PYTHON) Tools/gen_microkernel.py | cmp -s - Sources/Kernels/MicroKernel.swift \
	  || { echo "test-microkernel-fresh: Sources/Kernels/MicroKernel.swift differs from Tools/gen_microkernel.py's output (run make microkernel)"; exit 1; }
	@echo "test-microkernel-fresh: MicroKernel.swift is what Tools/gen_microkernel.py writes"
