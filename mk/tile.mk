# tile-plan: the chip model (ChipArch), operator costing (OpCost), the mapper (Tiling).
#
#   make test-tile-models   the light zoo and the generated transformers through
#                           graph-opt | tile-plan | rec-cat --check on every preset; fused against
#                           --no-fuse on ResNet-50, SqueezeNet, Llama, GPT-2 (Tools/fusion_check.py)
#   make test-tile-decode   one decode step of the generated Llama and GPT-2 (onnx_models.py
#                           llama-decode, gpt2-decode) through graph-opt -O3 --verify | tile-plan
#                           with the KV cache streamed and resident (Tools/kv_cache_check.py), and
#                           a set-aside too small for it (one stderr line, charged streamed)
#   make zigzag-venv        ZigZag (zigzag-dse 3.9.1, and six, which it imports without declaring
#                           it) in its own venv, $(ZIGZAG_VENV), pinned by Tools/zigzag-requirements.txt
#   make bench-tile         tile-plan vs ZigZag on every ResNet-18 layer, tpu_like and eyeriss_like:
#                           time per layer, energy and latency of each side's chosen mapping;
#                           and fused vs --no-fuse on ResNet-50, a Llama and a GPT-2 block
#   make demo-tile          ResNet-50 and a Llama block through graph-opt | tile-plan
#   make test-arch-import   Tools/arch_import.py on the peers' own hardware files (ZigZag's cores
#                           reproduce the presets field for field; Stream's meshes plan and place;
#                           a SCALE-Sim config; bad inputs and mutations fail with one line)
#
# TILE_SCRATCH is the SwiftPM scratch path of the tests (.build in CI).

TILE_SCRATCH  ?= .build
ZIGZAG_VENV    = $(CACHE)/venv-zigzag
TILE_DIR       = $(CACHE)/tile
# Debug builds in test steps: a smaller search budget keeps the whole zoo to about a minute.
TILE_TEST_VISITS ?= 2000

TEST_STEPS   += test-tile-models test-tile-decode test-arch-import
PIP_PACKAGES += pyyaml==6.0.3
# The peers' hardware files come from their wheels (downloaded, never installed: stream-dse
# needs Python 3.12): zigzag-dse as pinned for the venv, stream-dse as issue 13 names it.
ZIGZAG_VERSION = $(shell sed -n 's/^zigzag-dse==//p' Tools/zigzag-requirements.txt)
STREAM_DSE_VERSION = 2.1.1
ARCH_IMPORT_DIR = $(TILE_DIR)/arch-import
BENCH_STEPS  += bench-tile
DEMO_STEPS   += demo-tile

.PHONY: test-tile-models test-tile-decode zigzag-venv bench-tile demo-tile test-arch-import

## test-tile-models: every light-zoo model and generated transformer, on every preset; fusion checked against --no-fuse.
test-tile-models: graph-models
	$(SLUICE_DEBUG_BUILD) --scratch-path $(TILE_SCRATCH) --build-tests
	@set -e; mkdir -p $(TILE_DIR); for m in $(foreach n,$(GRAPH_CI_MODELS),$(GRAPH_LIGHT)/light_$(n).onnx) $(foreach n,$(GRAPH_TRANSFORMERS),$(GRAPH_GEN)/$(n).onnx); do \
	  for a in tpu-like eyeriss-like mesh-8x8; do \
	    timeout 300 $(TILE_SCRATCH)/debug/graph-opt -O3 $$m | timeout 300 $(TILE_SCRATCH)/debug/tile-plan --arch $$a --dim batch=1 \
	      --max-visits $(TILE_TEST_VISITS) | $(TILE_SCRATCH)/debug/rec-cat --check; \
	  done; \
	done; \
	for spec in $(GRAPH_LIGHT)/light_resnet50.onnx:mesh-8x8:latency $(GRAPH_LIGHT)/light_squeezenet.onnx:tpu-like:energy \
	    $(GRAPH_GEN)/llama.onnx:mesh-8x8:latency $(GRAPH_GEN)/gpt2.onnx:tpu-like:energy; do \
	  m=$${spec%%:*}; rest=$${spec#*:}; a=$${rest%%:*}; o=$${rest#*:}; \
	  timeout 300 $(TILE_SCRATCH)/debug/graph-opt -O3 $$m -o $(TILE_DIR)/fuse.graph; \
	  for f in fused no-fuse; do timeout 300 $(TILE_SCRATCH)/debug/tile-plan --arch $$a --objective $$o --dim batch=1 \
	    --max-visits $(TILE_TEST_VISITS) $$([ $$f = no-fuse ] && echo --no-fuse) $(TILE_DIR)/fuse.graph \
	    | $(TILE_SCRATCH)/debug/rec-cat --json > $(TILE_DIR)/$$f.json; done; \
	  timeout 60 $(PYTHON) Tools/fusion_check.py $(TILE_DIR)/fused.json $(TILE_DIR)/no-fuse.json; \
	done

## test-tile-decode: a Llama and a GPT-2 decode step (context 512), KV cache streamed against resident (about 30 s).
test-tile-decode: pip-deps
	$(SLUICE_DEBUG_BUILD) --scratch-path $(TILE_SCRATCH) --build-tests
	@set -e; d=$(TILE_DIR)/decode; mkdir -p $$d; for k in llama gpt2; do \
	  timeout 120 $(PYTHON) Tools/onnx_models.py $$k-decode $$d/$$k.onnx --width 128 --vocab 512; \
	  timeout 300 $(TILE_SCRATCH)/debug/graph-opt -O3 --verify -o $$d/$$k.graph $$d/$$k.onnx; \
	  for mode in streamed resident; do timeout 300 $(TILE_SCRATCH)/debug/tile-plan --arch mesh-8x8 --dim batch=1 --dim past=511 \
	    --kv-cache $$mode --max-visits $(TILE_TEST_VISITS) $$d/$$k.graph | $(TILE_SCRATCH)/debug/rec-cat --json > $$d/$$k-$$mode.json; done; \
	  timeout 60 $(PYTHON) Tools/kv_cache_check.py $$d/$$k-streamed.json $$d/$$k-resident.json $$([ $$k = llama ] && echo --exact); \
	done; \
	timeout 300 $(TILE_SCRATCH)/debug/tile-plan --arch mesh-8x8 --dim batch=1 --dim past=511 --kv-cache resident --kv-sram 1000 \
	  --max-visits $(TILE_TEST_VISITS) -o $$d/small.tiles $$d/llama.graph 2> $$d/small.err; \
	grep -c "do not fit" $$d/small.err | grep -qx 1 || { echo "test-tile-decode: expected one 'do not fit' line:"; cat $$d/small.err; exit 3; }

$(ZIGZAG_VENV)/.done: Tools/zigzag-requirements.txt
	rm -rf $(ZIGZAG_VENV) && $(PYTHON) -m venv $(ZIGZAG_VENV)
	$(ZIGZAG_VENV)/bin/pip install -q --no-deps -r Tools/zigzag-requirements.txt
	touch $@

zigzag-venv: $(ZIGZAG_VENV)/.done

## bench-tile: Benchmarks/tile/bench.py (release binaries); quick mode: two layers (the fusion rows always run).
bench-tile: build zigzag-venv graph-models
	timeout 3600 $(PYTHON) Benchmarks/tile/bench.py --bin $(RELEASE_BIN) --zigzag-python $(ZIGZAG_VENV)/bin/python \
	  --markdown $(TILE_DIR)/bench.md --graph-dir $(GRAPH_DIR)

## demo-tile: ResNet-50 on the mesh, a generated Llama block on the TPU-like core, a Llama decode step with its KV cache resident.
demo-tile: graph-models
	$(RELEASE_BIN)/graph-opt -O3 $(GRAPH_LIGHT)/light_resnet50.onnx | $(RELEASE_BIN)/tile-plan --arch mesh-8x8 --dim batch=1 | $(RELEASE_BIN)/rec-cat --check
	$(RELEASE_BIN)/graph-opt -O3 $(GRAPH_GEN)/llama.onnx | $(RELEASE_BIN)/tile-plan --arch tpu-like --dim batch=1 --objective edp | $(RELEASE_BIN)/rec-cat --json | head -5
	mkdir -p $(TILE_DIR) && $(PYTHON) Tools/onnx_models.py llama-decode $(TILE_DIR)/llama-decode.onnx
	$(RELEASE_BIN)/graph-opt -O3 $(TILE_DIR)/llama-decode.onnx | $(RELEASE_BIN)/tile-plan --dim batch=1 --dim past=4095 --kv-cache resident | $(RELEASE_BIN)/rec-cat --json | sed -n 3p

$(ARCH_IMPORT_DIR)/.done: mk/tile.mk Tools/zigzag-requirements.txt
	rm -rf $(ARCH_IMPORT_DIR) && mkdir -p $(ARCH_IMPORT_DIR)/wheels
	timeout 300 $(PYTHON) -m pip download -q --no-deps --disable-pip-version-check zigzag-dse==$(ZIGZAG_VERSION) -d $(ARCH_IMPORT_DIR)/wheels
	timeout 300 $(PYTHON) -m pip download -q --no-deps --disable-pip-version-check --python-version 3.12 --only-binary=:all: \
	  stream-dse==$(STREAM_DSE_VERSION) -d $(ARCH_IMPORT_DIR)/wheels
	cd $(ARCH_IMPORT_DIR) && for w in wheels/*.whl; do $(PYTHON) -m zipfile -e $$w unpacked; done
	touch $@

## test-arch-import: Tools/arch_import_check.sh (about 15 s).
test-arch-import: debug graph-models pip-deps $(ARCH_IMPORT_DIR)/.done
	timeout 300 bash Tools/arch_import_check.sh $(DEBUG_BIN) $(ARCH_IMPORT_DIR)/unpacked/zigzag/inputs \
	  $(ARCH_IMPORT_DIR)/unpacked/stream/inputs/examples/hardware
