# dq-check: rule checks, exact drift statistics, explain (the DQ half of issue 16).
#
#   make test-dq-stats   dq-check drift / explain against scipy, numpy (Evidently's definitions)
#                        and sklearn on seeded samples (Tools/dq_stats_check.py); about 30 s
#   make demo-dq         a clean day and a faulty day of events through check and drift
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
	$(RELEASE_BIN)/dq-check explain --segment-by user --top 5 $(DQ_OUT)/demo/clean.tbl $(DQ_OUT)/demo/faulty.tbl
