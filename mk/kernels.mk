# Kernels and op-bench: side-by-side benchmarks of the operator library against numpy
# (OpenBLAS) and onnxruntime, the roofline picture, and the bench-stream interop check.
#
#   make bench-kernels          every headline ratio in one go (a few minutes); Docs/kernels.md
#                               quotes out/bench-kernels/report.md
#   make test-kernels-interop   pycapnp reads an op-bench stream (Tools/bench_report.py)
#   make test-kernels-onnx      the ONNX node test cases of every implemented operator

PIP_PACKAGES += numpy==2.4.6 threadpoolctl==3.8.0 scipy==1.17.1 onnx==1.23.2 onnxruntime==1.31.1
TEST_STEPS   += test-kernels-interop test-kernels-onnx
BENCH_STEPS  += bench-kernels

KERNELS_BENCH := out/bench-kernels
# This environment may pin OpenBLAS to an old core type (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE),
# which slows a current numpy; the peer runs without them, in these commands only, and the
# report names the OpenBLAS kernel it then used (threadpoolctl).
KERNELS_PEER_ENV := env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE

.PHONY: bench-kernels test-kernels-interop test-kernels-onnx

## bench-kernels: SGEMM/bf16/int8 GEMM/softmax/norms/activations/attention vs numpy and the
## roofline, ResNet-50 convolutions and the BEV suite (Resize, GridSample) and graph vs
## onnxruntime, model suites vs numpy; report + roofline SVG.
bench-kernels: build
	mkdir -p $(KERNELS_BENCH)
	$(KERNELS_PEER_ENV) $(RELEASE_BIN)/op-bench --suite kernels --threads 1,2 --roofline --compare numpy \
	  -o $(KERNELS_BENCH)/kernels-numpy.bench
	$(KERNELS_PEER_ENV) $(RELEASE_BIN)/op-bench --suite resnet50 --threads 1,2 --roofline --compare onnxruntime \
	  -o $(KERNELS_BENCH)/resnet50-onnxruntime.bench
	$(KERNELS_PEER_ENV) $(RELEASE_BIN)/op-bench --suite bert-base --suite llama7b-prefill --suite llama7b-decode \
	  --threads 2 --roofline --compare numpy -o $(KERNELS_BENCH)/models-numpy.bench
	$(KERNELS_PEER_ENV) $(RELEASE_BIN)/op-bench --suite bev --threads 1,2 --compare onnxruntime \
	  -o $(KERNELS_BENCH)/bev-onnxruntime.bench
	timeout 120 $(PYTHON) Tools/onnx_models.py bev $(KERNELS_BENCH)/bev-net.onnx
	$(RELEASE_BIN)/graph-opt $(KERNELS_BENCH)/bev-net.onnx | $(KERNELS_PEER_ENV) $(RELEASE_BIN)/op-bench --graph - \
	  --threads 1 --compare onnxruntime -o $(KERNELS_BENCH)/bev-graph-onnxruntime.bench
	$(PYTHON) Tools/bench_report.py --svg $(KERNELS_BENCH)/roofline.svg $(KERNELS_BENCH)/*.bench \
	  | tee $(KERNELS_BENCH)/report.md

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
