# dq-check: rule checks, exact drift statistics, explain (the DQ half of issue 16).
#
#   make test-dq-stats   dq-check drift / explain against scipy, numpy (Evidently's definitions)
#                        and sklearn on seeded samples (Tools/dq_stats_check.py); about 30 s
#   make test-dq-detect  seeded faults found (Tools/dq_inject.py), explain ranks the cause first
#   make test-dq-report  the HTML report renders in headless Chromium and rsvg-convert
#   make test-dq-bad-input  truncations and mutations of streams and rules files
#   make bench-dq        check vs Great Expectations and polars, drift vs Evidently and numpy
#   make demo-dq         a clean day and a faulty day: check, drift, explain and the report
# Golden CLI cases are Tests/Golden/dq-check (test-substrate-golden); unit tests are
# Tests/DQCheckTests. Docs/dq.md describes the statistics and the rules file.

DQ_OUT     = out/dq
DQ_VENV    = $(CACHE)/dq-venv
DQ_PYTHON  = $(abspath $(DQ_VENV))/bin/python
DQ_PINS    = scipy==1.17.1 scikit-learn==1.9.1 numpy

TEST_STEPS += test-dq-stats
DEMO_STEPS += demo-dq

.PHONY: test-dq-stats demo-dq dq-venv

# The oracle's pinned venv (sees the system site packages; pip installs only what is missing).
$(DQ_PYTHON):
	$(PYTHON) -m venv --system-site-packages $(DQ_VENV).tmp
	rm -rf $(DQ_VENV) && mv $(DQ_VENV).tmp $(DQ_VENV)

dq-venv: $(DQ_PYTHON)
	@$(DQ_PYTHON) Tools/pip_ensure.py $(DQ_PINS)

## test-dq-stats: PSI, JS, L-infinity, Hellinger, chi-square and normed Wasserstein within 1e-9
## of Evidently's definitions in numpy/scipy, the KS statistic equal to scipy's, its p-value
## within 1e-9 (exact method) or 1e-2 relative (asymptotic), per-segment AUC within 1e-12 of
## sklearn; SLUICE_TEST_SEED varies the samples.
test-dq-stats: debug dq-venv
	$(DQ_PYTHON) Tools/dq_stats_check.py --bin $(DEBUG_BIN) --work $(DQ_OUT)/stats --cases 12

demo-dq: build
	mkdir -p $(DQ_OUT)/demo
	$(RELEASE_BIN)/schema-migrate import -o $(DQ_OUT)/demo/clean.tbl Tests/Golden/dq-check/_ref.tsv
	$(RELEASE_BIN)/schema-migrate import -o $(DQ_OUT)/demo/faulty.tbl Tests/Golden/dq-check/_cur.tsv
	@echo "== the clean day against the rules"
	$(RELEASE_BIN)/dq-check check --rules Tests/Golden/dq-check/_rules.json --now 100000 $(DQ_OUT)/demo/clean.tbl
	@echo "== the faulty day (exit 3 expected)"
	-$(RELEASE_BIN)/dq-check check --rules Tests/Golden/dq-check/_rules.json --now 100000 $(DQ_OUT)/demo/faulty.tbl
	@echo "== drift, clean → faulty (exit 3 expected)"
	-$(RELEASE_BIN)/dq-check drift --stat psi $(DQ_OUT)/demo/clean.tbl $(DQ_OUT)/demo/faulty.tbl
	@echo "== where the change is"
	$(RELEASE_BIN)/dq-check explain --segment-by user --columns rating,genre --top 5 $(DQ_OUT)/demo/clean.tbl $(DQ_OUT)/demo/faulty.tbl
	$(RELEASE_BIN)/dq-check report --segment-by user --columns rating,genre,item --rules Tests/Golden/dq-check/_rules.json --now 100000 \
	  -o $(DQ_OUT)/demo/report.html $(DQ_OUT)/demo/clean.tbl $(DQ_OUT)/demo/faulty.tbl
	@echo "== the report: $(DQ_OUT)/demo/report.html"

TEST_STEPS += test-dq-detect test-dq-report test-dq-bad-input
APT_PACKAGES += chromium librsvg2-bin
.PHONY: test-dq-detect test-dq-report test-dq-bad-input

## test-dq-bad-input: every truncation of a stream and 100 seeded mutations of a stream and of a
## rules file end with status 0, 1 or 3 (1 with one stderr line), no crash, no hang.
test-dq-bad-input: debug
	$(PYTHON) Tools/dq_mutation_check.py --bin $(DEBUG_BIN) --work $(DQ_OUT)/mutations --mutations 100

## test-dq-detect: Tools/dq_inject.py's faults (swapped times, duplicates, nulls, out-of-range values,
## a broken join; one seed each on MovieLens and on synthetic events): every injected violation
## found and nothing else, the clean samples pass; a shifted cohort ranked first by explain in at
## least 45 of 50 seeded cases (about 4 minutes).
test-dq-detect: debug dq-venv $$(WIDEDEEP_ML)
	$(DQ_PYTHON) Tools/dq_detect_check.py --bin $(DEBUG_BIN) --work $(DQ_OUT)/detect --movielens $(WIDEDEEP_ML) \
	  --seeds 1 --shift-cases 50 --need 45

## test-dq-report: the report of a MovieLens day with a shifted cohort, nulls, out-of-range ratings and
## duplicates, with the rules, renders in headless
## Chromium (screenshot) and every inline SVG converts with rsvg-convert.
test-dq-report: debug dq-venv $$(WIDEDEEP_ML)
	$(DQ_PYTHON) Tools/dq_inject.py --source movielens --movielens $(WIDEDEEP_ML) --fault shift,nulls,out_of_range,duplicate --seed 5 --out $(DQ_OUT)/report
	$(DEBUG_BIN)/schema-migrate import -o $(DQ_OUT)/report/ref.tbl $(DQ_OUT)/report/ref.tsv
	$(DEBUG_BIN)/schema-migrate import -o $(DQ_OUT)/report/faulty.tbl $(DQ_OUT)/report/faulty.tsv
	$(DEBUG_BIN)/dq-check report --segment-by cohort --columns rating,item_pop,time --rules $(DQ_OUT)/report/rules.json \
	  -o $(DQ_OUT)/report/report.html $(DQ_OUT)/report/ref.tbl $(DQ_OUT)/report/faulty.tbl
	$(DQ_PYTHON) Tools/dq_report_check.py $(DQ_OUT)/report/report.html $(DQ_OUT)/report/report.png

# Benchmarks: each peer in its own pinned venv (Great Expectations and Evidently pin different
# pandas/numpy versions); pycapnp and pyarrow for Tools/table_arrow.py, which writes the streams.
DQ_GE_VENV  = $(CACHE)/dq-bench-ge
DQ_EV_VENV  = $(CACHE)/dq-bench-ev
DQ_GE_PINS  = great_expectations==1.24.1 polars pyarrow numpy pycapnp==2.2.4
DQ_EV_PINS  = evidently==0.7.23 pandas==2.3.3 scipy==1.17.1 pyarrow pycapnp==2.2.4
BENCH_STEPS += bench-dq
.PHONY: bench-dq

$(DQ_GE_VENV)/bin/python:
	$(PYTHON) -m venv $(DQ_GE_VENV).tmp && rm -rf $(DQ_GE_VENV) && mv $(DQ_GE_VENV).tmp $(DQ_GE_VENV)
$(DQ_EV_VENV)/bin/python:
	$(PYTHON) -m venv $(DQ_EV_VENV).tmp && rm -rf $(DQ_EV_VENV) && mv $(DQ_EV_VENV).tmp $(DQ_EV_VENV)

## bench-dq: Benchmarks/dq/bench.py — check vs Great Expectations and polars, drift vs Evidently's
## DataDriftPreset and numpy, 1M events (100k under bench-quick).
bench-dq: build $(DQ_GE_VENV)/bin/python $(DQ_EV_VENV)/bin/python
	@$(DQ_GE_VENV)/bin/python Tools/pip_ensure.py $(DQ_GE_PINS)
	@$(DQ_EV_VENV)/bin/python Tools/pip_ensure.py $(DQ_EV_PINS)
	$(DQ_GE_VENV)/bin/python Benchmarks/dq/bench.py --side check --bin $(RELEASE_BIN) --work $(DQ_OUT)/bench
	$(DQ_EV_VENV)/bin/python Benchmarks/dq/bench.py --side drift --bin $(RELEASE_BIN) --work $(DQ_OUT)/bench
