# npu-sim --model scalesim: SCALE-Sim's timing of one systolic array (Systolic, NpuSim/SystolicMode).
#
#   make scalesim-venv      SCALE-Sim 3.0.0 in its own venv, $(SCALESIM_VENV), pinned by
#                           Tools/scalesim-requirements.txt (numpy 2.3.x: it crashes on 2.4)
#   make test-sim-scalesim  npu-sim --model scalesim against SCALE-Sim (Tools/scalesim_compare.py) on
#                           GEMM and conv layers, ws/os/is, CALC mode and limited DRAM bandwidth with
#                           SRAMs the layers fit and ones they do not: compute cycles and SRAM counts
#                           equal, totals, stalls and DRAM accesses within 5%
#   make bench-systolic     per layer, npu-sim vs SCALE-Sim wall time on the same config and topology
#                           (ResNet-18 layer1.0.conv1, GEMM 256^3): Benchmarks/systolic/bench.py
#   make demo-systolic      ResNet-18 layer1.0.conv1 and GEMM 256^3 on issue 14's 32x32 array
# Unit tests are Tests/SystolicTests; golden cases Tests/Golden/npu-sim-scalesim (test-substrate-golden).

SCALESIM_VENV = $(CACHE)/venv-scalesim
SYSTOLIC_DIR  = out/systolic
SYSTOLIC_DATA = Tests/Data/systolic
SYSTOLIC_SCRATCH ?= .build

TEST_STEPS  += test-sim-scalesim
BENCH_STEPS += bench-systolic
DEMO_STEPS  += demo-systolic

.PHONY: scalesim-venv test-sim-scalesim bench-systolic demo-systolic

# --no-deps: the wheel declares matplotlib, numba, cython, pandas and absl-py, which only its plotting
# and report utilities import; the requirements file pins what the simulation imports.
$(SCALESIM_VENV)/.done: Tools/scalesim-requirements.txt
	rm -rf $(SCALESIM_VENV) && $(PYTHON) -m venv $(SCALESIM_VENV)
	$(SCALESIM_VENV)/bin/python -m pip install -q --disable-pip-version-check --root-user-action=ignore --no-deps -r $<
	$(SCALESIM_VENV)/bin/python -c "import scalesim.scale_sim, numpy; assert numpy.__version__.startswith('2.3.')"
	touch $@

scalesim-venv: $(SCALESIM_VENV)/.done

## test-sim-scalesim: Tools/scalesim_compare.py on Tests/Data/systolic (about 2 minutes, mostly SCALE-Sim).
test-sim-scalesim: scalesim-venv
	$(SLUICE_DEBUG_BUILD) --scratch-path $(SYSTOLIC_SCRATCH) --build-tests
	mkdir -p $(SYSTOLIC_DIR)
	timeout 900 $(PYTHON) Tools/scalesim_compare.py --npu-sim $(SYSTOLIC_SCRATCH)/debug/npu-sim \
	  --scalesim-python $(SCALESIM_VENV)/bin/python --json $(SYSTOLIC_DIR)/compare.json \
	  --case $(SYSTOLIC_DATA)/conv.csv:$(SYSTOLIC_DATA)/scalesim-32x32.cfg:ws,os,is:0 \
	  --case $(SYSTOLIC_DATA)/gemm.csv:$(SYSTOLIC_DATA)/scalesim-32x32.cfg:ws,os,is:0:gemm \
	  --case $(SYSTOLIC_DATA)/conv.csv:$(SYSTOLIC_DATA)/scalesim-32x32.cfg:ws,os,is:4 \
	  --case $(SYSTOLIC_DATA)/conv.csv:$(SYSTOLIC_DATA)/scalesim-small-sram.cfg:ws,os,is:4 \
	  --case $(SYSTOLIC_DATA)/gemm.csv:$(SYSTOLIC_DATA)/scalesim-small-sram.cfg:ws,os,is:8:gemm \
	  --case $(SYSTOLIC_DATA)/medium.csv:$(SYSTOLIC_DATA)/scalesim-16x8-user.cfg:ws,os,is:0 \
	  --case $(SYSTOLIC_DATA)/gemm-medium.csv:$(SYSTOLIC_DATA)/scalesim-16x8-user.cfg:ws,os,is:0:gemm

## bench-systolic: Benchmarks/systolic/bench.py (release binaries); quick mode: one run per side, WS only.
bench-systolic: build scalesim-venv
	timeout 3600 $(PYTHON) Benchmarks/systolic/bench.py --bin $(RELEASE_BIN) --scalesim-python $(SCALESIM_VENV)/bin/python \
	  --work $(SYSTOLIC_DIR)/bench

## demo-systolic: issue 14's layers on its 32x32 array, all three dataflows, then with 64 KB SRAMs at 16 words per cycle.
demo-systolic:
	@for df in ws os is; do for t in resnet18 gemm256; do \
	  $(RELEASE_BIN)/npu-sim --model scalesim --topology Benchmarks/systolic/$$t.csv --scalesim-config $(SYSTOLIC_DATA)/scalesim-32x32.cfg \
	    --dataflow $$df | $(RELEASE_BIN)/rec-cat | grep '^(systolic'; \
	done; done
	$(RELEASE_BIN)/npu-sim --model scalesim --topology Benchmarks/systolic/resnet18.csv --scalesim-config Benchmarks/systolic/scalesim-32x32-user.cfg \
	  | $(RELEASE_BIN)/rec-cat | grep '^(systolic'
