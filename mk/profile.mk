# Profiles: dq-check profile / merge / align (Profiling, ProfileRecords, DQCheck's profile subcommands).
#
#   make test-profile-sketches  our KLL quantiles and HyperLogLog distinct counts against Apache
#                               DataSketches (datasketches==5.2.0) on the same seeded data, whole
#                               and as merged shards, within the stated error bounds
#   make bench-profile          dq-check profile vs whylogs==1.6.4 on synthetic events (1M, 10M) and
#                               MovieLens (100k ×10); 100k rows under bench-quick
# Unit tests are Tests/ProfilingTests; golden cases Tests/Golden/dq-check and the pipeline test
# Tests/Pipeline/profile_pipeline.sh run with every tool's (test-substrate-golden / -pipeline).

PROFILE_OUT   = out/profile
# Each peer in its own pinned venv: the oracle sees the system's pyarrow and pycapnp (to write the
# table stream); whylogs brings its own pandas and pyarrow, so it is isolated.
PROFILE_VENV  = $(CACHE)/venv-profile
WHYLOGS_VENV  = $(CACHE)/venv-whylogs

TEST_STEPS  += test-profile-sketches
BENCH_STEPS += bench-profile

.PHONY: test-profile-sketches bench-profile profile-venv whylogs-venv

$(PROFILE_VENV)/.done: Tools/profile-requirements.txt
	rm -rf $(PROFILE_VENV) && $(PYTHON) -m venv --system-site-packages $(PROFILE_VENV)
	$(PROFILE_VENV)/bin/python -m pip install -q --disable-pip-version-check --root-user-action=ignore -r $<
	touch $@

$(WHYLOGS_VENV)/.done: Tools/whylogs-requirements.txt
	rm -rf $(WHYLOGS_VENV) && $(PYTHON) -m venv $(WHYLOGS_VENV)
	$(WHYLOGS_VENV)/bin/python -m pip install -q --disable-pip-version-check --root-user-action=ignore -r $<
	touch $@

profile-venv: $(PROFILE_VENV)/.done
whylogs-venv: $(WHYLOGS_VENV)/.done

## test-profile-sketches: Tools/profile_sketch_check.py (300k seeded rows; SLUICE_TEST_SEED varies them).
test-profile-sketches: debug pip-deps profile-venv
	$(PROFILE_VENV)/bin/python Tools/profile_sketch_check.py --bin $(DEBUG_BIN) --work $(PROFILE_OUT)/sketch-check --rows 300000

## bench-profile: Benchmarks/profile/bench.py in the whylogs venv (whylogs runs in-process on a prebuilt frame).
bench-profile: build whylogs-venv $$(SEQ_ML) $$(SEQ_SYN_1M) $(if $(SLUICE_BENCH_QUICK),,$$(SEQ_SYN_10M))
	WHYLOGS_NO_ANALYTICS=True $(WHYLOGS_VENV)/bin/python Benchmarks/profile/bench.py --bin $(RELEASE_BIN) --work $(PROFILE_OUT)/bench \
	  --synthetic-1m $(SEQ_SYN_1M) $(if $(SLUICE_BENCH_QUICK),,--synthetic-10m $(SEQ_SYN_10M)) --movielens $(SEQ_ML)
