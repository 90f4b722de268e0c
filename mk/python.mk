# The Python package (python/, `import sluice`): zero-copy numpy views of any Sluice stream.
#
#   make python-install   pip install ./python (no deps, no build isolation, so offline) into the
#                         venv $(PY_VENV), which sees the system site packages (numpy, pyarrow, pycapnp)
#   make test-python      python/tests against that installed copy, on streams the debug binaries
#                         write (and pycapnp, the reference reader); about 10 s
# Docs/python.md describes the package.

PY_VENV       = $(CACHE)/python-venv
PY_VENV_BIN   = $(abspath $(PY_VENV))/bin

PIP_PACKAGES += pytest==9.0.3
TEST_STEPS   += test-python

.PHONY: python-install test-python

# The venv's own setuptools (>= 70.1 builds wheels without the `wheel` package); it is pinned and
# installed once, so python-install then builds with --no-build-isolation and needs no network.
PY_SETUPTOOLS = setuptools==80.9.0

$(PY_VENV_BIN)/python:
	$(PYTHON) -m venv --system-site-packages $(PY_VENV).tmp
	$(PY_VENV).tmp/bin/python -m pip install -q --disable-pip-version-check --root-user-action=ignore $(PY_SETUPTOOLS)
	rm -rf $(PY_VENV) && mv $(PY_VENV).tmp $(PY_VENV)

python-install: $(PY_VENV_BIN)/python
	$(PY_VENV_BIN)/python -m pip install -q --no-deps --no-build-isolation --disable-pip-version-check \
	  --root-user-action=ignore ./python

## test-python: values equal pycapnp's (Tools/table_arrow.py and the schemas) on tables with every
## column type and nulls, events with extras, seq-blocks and MovieLens; np.shares_memory and Arrow
## buffer addresses inside the mapping; far pointers; limits; every truncation of small streams;
## 500 seeded mutations (SLUICE_TEST_SEED varies them) raise only sluice.StreamError.
test-python: debug pip-deps python-install $$(SEQ_ML)
	cd python/tests && SLUICE_BIN=$(abspath $(DEBUG_BIN)) SLUICE_ML=$(abspath $(SEQ_ML)) SLUICE_TEST_INSTALLED=1 \
	  timeout 300 $(PY_VENV_BIN)/python -m pytest -q -p no:cacheprovider --ignore=feat --ignore=scaleout .
