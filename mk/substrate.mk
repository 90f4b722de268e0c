# Substrate (Pipes, ToolKit, rec-cat): test layers 2-5 and the pass-through benchmark.
# Golden cases, pipeline scripts and man pages of EVERY tool run here: other areas add case
# directories under Tests/Golden/<tool>/, scripts under Tests/Pipeline/ and pages under Man/.

TEST_STEPS  += test-substrate-golden test-substrate-pipeline test-substrate-docs
BENCH_STEPS += bench-substrate
DEMO_STEPS  += demo-substrate

.PHONY: test-substrate-golden test-substrate-pipeline test-substrate-docs bench-substrate demo-substrate

## test-substrate-golden: golden CLI cases (Tests/Golden/<tool>/<case>/) against the debug binaries.
test-substrate-golden: debug
	Tools/golden.sh --bin $(DEBUG_BIN)

## test-substrate-pipeline: pipeline and failure-mode scripts (Tests/Pipeline/*.sh).
test-substrate-pipeline: debug
	Tools/pipeline.sh --bin $(DEBUG_BIN)

## test-substrate-docs: mandoc -Tlint, a page per executable, --help flags in pages, EXAMPLES run.
test-substrate-docs: debug
	Tools/doc_check.sh --bin $(DEBUG_BIN)

## bench-substrate: rec-cat --head pass-through vs cat, dd bs=1M and a libcapnp C++ reader
## (interleaved wall-clock medians, rows via Benchmarks/benchlib.py; SUBSTRATE_BENCH_BIN=DIR to time other binaries).
SUBSTRATE_BENCH_BIN ?= $(RELEASE_BIN)
bench-substrate: build
	$(PYTHON) Benchmarks/substrate/bench.py --bin $(SUBSTRATE_BENCH_BIN) --cache $(CACHE)

demo-substrate: build
	$(PYTHON) Tools/sample_stream.py --batches 3 --rows 4 | $(RELEASE_BIN)/rec-cat
