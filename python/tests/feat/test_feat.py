"""feat-etl against independent references: every hashed id against xxhash 4.1.0 / mmh3 5.3.1,
vocabularies, buckets and scaling against numpy, sequences and KJTs against a plain-Python
history and torchrec, fits merged over random shardings against one pass, and bad input.

Run by `make test-feat` in the pinned venv .cache/feat-venv (torch, torchrec, xxhash, mmh3).
Every tensor is read through `sluice.tensors` and checked to share memory with the mapping.
"""
import json
import os
import random
import struct
import subprocess
from collections import defaultdict, deque

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xxhash
import mmh3

import sluice
import streams
import table_arrow

BIN = streams.find_bin()
FEAT = os.path.join(BIN, "feat-etl")
DATA = os.environ.get("SLUICE_FEAT_DATA", os.path.join(streams.REPO, ".cache", "feat"))
ML = os.environ.get("SLUICE_ML", os.path.join(streams.REPO, ".cache", "seq", "ml-100k.inter"))
SEED = int(os.environ.get("SLUICE_TEST_SEED", "20261203"))
ML_SPEC = os.path.join(streams.REPO, "Tests", "Data", "feat", "movielens.json")


def feat(*args, stdin=None, check=True):
    r = subprocess.run([FEAT, *map(str, args)], stdin=stdin, capture_output=True, timeout=300)
    if check and r.returncode != 0:
        raise AssertionError(f"feat-etl {' '.join(map(str, args))}: exit {r.returncode}: {r.stderr.decode()}")
    return r


def write_spec(tmp, features, name="spec.json"):
    p = os.path.join(tmp, name)
    with open(p, "w") as fh:
        json.dump({"features": features}, fh)
    return p


def table_stream(tmp, table, name, batch_rows=65536):
    p = os.path.join(tmp, name)
    table_arrow.write_stream(table, p, batch_rows)
    return p


def tensors(path):
    """The stream's batches, every array asserted to be a view of the mapping."""
    s = sluice.open(path, "tensors")
    whole = np.frombuffer(s.buffer, np.uint8)
    batches = sluice.tensors.read(s)
    for b in batches:
        for a in b.dense.values():
            assert np.shares_memory(a, whole)
        if b.jagged is not None:
            for a in (b.jagged.values, b.jagged.lengths, b.jagged.offsets):
                assert len(a) == 0 or np.shares_memory(a, whole)
    return batches


def dense(batches, name):
    return np.concatenate([b[name] for b in batches])


def xxh_id(data, seed, buckets):
    return xxhash.xxh64_intdigest(data, seed) % buckets


def mmh_id(data, seed, buckets):
    return mmh3.hash(data, seed, signed=False) % buckets


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    if not os.path.exists(FEAT):
        pytest.fail(f"no feat-etl in {BIN} (make debug, or set SLUICE_BIN)")
    return str(tmp_path_factory.mktemp("feat"))


# ---- hashes ------------------------------------------------------------------------------

def test_hash_one_million_integer_ids(work):
    rng = np.random.default_rng(SEED)
    ids = rng.integers(-2**63, 2**63 - 1, size=1_000_000, dtype=np.int64)
    ids[:4] = [196, 0, -1, 2**63 - 1]
    src = table_stream(work, pa.table({"id": ids, "id32": (ids % 2**31).astype(np.int32)}), "ids.tbl")
    big = 2**61 - 1
    spec = write_spec(work, [
        {"name": "x0", "transform": "hash", "column": "id", "algorithm": "xxh64", "seed": 0, "buckets": big},
        {"name": "x7", "transform": "hash", "column": "id", "algorithm": "xxh64", "seed": 7, "buckets": 1000},
        {"name": "m0", "transform": "hash", "column": "id", "algorithm": "murmur3_32", "seed": 0, "buckets": 2**32},
        {"name": "m9", "transform": "hash", "column": "id32", "algorithm": "murmur3_32", "seed": 9, "buckets": 12345},
    ], "ids.json")
    out = os.path.join(work, "ids.tensors")
    feat("transform", "--spec", spec, "-o", out, src)
    b = tensors(out)
    packed = [struct.pack("<q", int(v)) for v in ids]
    assert xxhash.xxh64_intdigest(struct.pack("<q", 196), 0) == 16065820773547479695
    assert dense(b, "x0")[0] == 16065820773547479695 % big
    for name, fn, seed, buckets, values in [("x0", xxh_id, 0, big, packed), ("x7", xxh_id, 7, 1000, packed),
                                            ("m0", mmh_id, 0, 2**32, packed)]:
        want = np.array([fn(p, seed, buckets) for p in values], dtype=np.int64)
        np.testing.assert_array_equal(dense(b, name), want, err_msg=name)
    id32 = [struct.pack("<q", int(v)) for v in (ids % 2**31)]  # int32 widened to int64 bytes
    np.testing.assert_array_equal(dense(b, "m9"), np.array([mmh_id(p, 9, 12345) for p in id32], dtype=np.int64))


def movielens_strings(work):
    items = pq.read_table(os.path.join(DATA, "MovieLens100k_items.parquet.brotli"))
    users = pq.read_table(os.path.join(DATA, "MovieLens100k_users.parquet.brotli"))
    return items, users


def test_hash_movielens_strings_and_crosses(work):
    items, users = movielens_strings(work)
    src = table_stream(work, items.select(["movie_id", "movie_title", "release_date", "IMDb_URL"]), "items.tbl", 500)
    spec = write_spec(work, [
        {"name": "title", "transform": "hash", "column": "movie_title", "algorithm": "xxh64", "seed": 3, "buckets": 2**62},
        {"name": "url", "transform": "hash", "column": "IMDb_URL", "algorithm": "murmur3_32", "seed": 11, "buckets": 2**32},
        {"name": "date", "transform": "hash", "column": "release_date", "buckets": 1000, "null_id": 999},
        {"name": "id_title", "transform": "cross", "columns": ["movie_id", "movie_title"], "algorithm": "murmur3_32", "seed": 5, "buckets": 100003},
    ], "items.json")
    out = os.path.join(work, "items.tensors")
    feat("transform", "--spec", spec, "-o", out, src)
    b = tensors(out)
    titles = items["movie_title"].to_pylist()
    urls = items["IMDb_URL"].to_pylist()
    dates = items["release_date"].to_pylist()
    ids = items["movie_id"].to_pylist()
    np.testing.assert_array_equal(dense(b, "title"), [xxh_id(t.encode(), 3, 2**62) for t in titles])
    np.testing.assert_array_equal(dense(b, "url"), [0 if u is None else mmh_id(u.encode(), 11, 2**32) for u in urls])
    np.testing.assert_array_equal(dense(b, "date"), [999 if d is None else xxh_id(d.encode(), 0, 1000) for d in dates])
    np.testing.assert_array_equal(dense(b, "id_title"),
                                  [mmh_id(struct.pack("<q", i) + t.encode(), 5, 100003) for i, t in zip(ids, titles)])
    assert any(d is None for d in dates)


# ---- vocabularies, buckets, scaling -------------------------------------------------------

def vocab_reference(values, min_count, max_size):
    uniq, counts = np.unique(np.asarray(values), return_counts=True)
    order = np.lexsort((uniq, -counts))
    kept = [(uniq[i], counts[i]) for i in order if counts[i] >= min_count]
    return [k for k, _ in kept[:max_size]] if max_size else [k for k, _ in kept]


def test_vocabularies_buckets_scaling_equal_numpy(work):
    items, users = movielens_strings(work)
    usrc = table_stream(work, users, "users.tbl", 300)
    spec = write_spec(work, [
        {"name": "occ", "transform": "vocabulary", "column": "occupation", "min_count": 20, "oov_buckets": 3},
        {"name": "zip", "transform": "vocabulary", "column": "zip_code", "max_size": 50, "oov_buckets": 1},
        {"name": "agev", "transform": "vocabulary", "column": "age", "min_count": 2, "max_size": 30, "oov_buckets": 2},
        {"name": "age_q", "transform": "bucketize", "column": "age", "quantiles": 7},
        {"name": "age_e", "transform": "bucketize", "column": "age", "edges": [18, 25.5, 35, 45, 60]},
        {"name": "age_z", "transform": "zscore", "column": "age"},
        {"name": "age_mm", "transform": "minmax", "column": "age"},
        {"name": "age_log", "transform": "log1p", "column": "age"},
    ], "users.json")
    fit = os.path.join(work, "users.fit")
    out = os.path.join(work, "users.tensors")
    feat("fit", "--spec", spec, "-o", fit, usrc)
    feat("transform", "--spec", spec, "--fit", fit, "-o", out, usrc)
    export = json.loads(feat("export", "--fit", fit).stdout)
    ex = {f["name"]: f for f in export["features"]}
    b = tensors(out)
    occ, zips, age = users["occupation"].to_pylist(), users["zip_code"].to_pylist(), users["age"].to_numpy()

    for name, values, mc, ms, oov in [("occ", occ, 20, None, 3), ("zip", zips, 1, 50, 1), ("agev", age, 2, 30, 2)]:
        ref = vocab_reference(values, mc, ms)
        assert [v for v in ex[name]["values"]] == [v.item() if hasattr(v, "item") else v for v in ref], name
        index = {v: i for i, v in enumerate(ex[name]["values"])}
        def oov_id(v):
            data = v.encode() if isinstance(v, str) else struct.pack("<q", int(v))
            return len(ref) + xxh_id(data, 0, oov)
        want = [index[v] if v in index else oov_id(v) for v in (values.tolist() if hasattr(values, "tolist") else values)]
        np.testing.assert_array_equal(dense(b, name), want, err_msg=name)

    x = age.astype(np.float64)
    s = np.sort(x)
    n, q = len(s), 7
    edges = np.unique([s[(i * n + q - 1) // q - 1] for i in range(1, q)])  # inverted_cdf, exact
    np.testing.assert_array_equal(edges, np.quantile(x, np.arange(1, q) / q, method="inverted_cdf")[np.r_[True, np.diff(np.quantile(x, np.arange(1, q) / q, method="inverted_cdf")) > 0]])
    assert ex["age_q"]["edges"] == edges.tolist()
    np.testing.assert_array_equal(dense(b, "age_q"), np.searchsorted(edges, x, side="right"))
    np.testing.assert_array_equal(dense(b, "age_e"), np.searchsorted([18, 25.5, 35, 45, 60], x, side="right"))

    mean, std = ex["age_z"]["mean"], ex["age_z"]["std"]
    assert mean == pytest.approx(x.mean(), rel=1e-13) and std == pytest.approx(x.std(), rel=1e-13)
    np.testing.assert_array_equal(dense(b, "age_z"), ((x - mean) / std).astype(np.float32))
    assert ex["age_mm"]["min"] == x.min() and ex["age_mm"]["range"] == x.max() - x.min()
    np.testing.assert_array_equal(dense(b, "age_mm"), ((x - x.min()) / (x.max() - x.min())).astype(np.float32))
    np.testing.assert_array_equal(dense(b, "age_log"), np.log1p(x).astype(np.float32))


# ---- MovieLens through seq-encode: sequences, KJT, torch ------------------------------------

@pytest.fixture(scope="module")
def movielens(work):
    if not os.path.exists(ML):
        pytest.fail(f"MovieLens not at {ML} (make fetches it)")
    seq = os.path.join(BIN, "seq-encode")
    enc, store = os.path.join(work, "ml.seq"), os.path.join(work, "ml-store")
    streams.run([seq, "--action-column", "rating", "-o", enc, ML])
    streams.run([seq, "--input-format", "seq-blocks", "--store", store, "--time-unit", "s", enc])
    scan = os.path.join(work, "ml-scan.seq")
    with open(scan, "wb") as fh:
        streams.run([seq, "--store", store, "--scan"], stdout=fh)
    fit, out = os.path.join(work, "ml.fit"), os.path.join(work, "ml.tensors")
    feat("fit", "--spec", ML_SPEC, "-o", fit, scan)
    feat("transform", "--spec", ML_SPEC, "--fit", fit, "-o", out, scan)
    return {"scan": scan, "fit": fit, "out": out}


def ml_rows(path):
    """The scanned rows as seq-encode decodes them (`-d`, text), parsed into numpy columns."""
    r = subprocess.run([os.path.join(BIN, "seq-encode"), "-d", path], capture_output=True, check=True, timeout=120)
    lines = r.stdout.decode().splitlines()
    header = [h.split(":")[0] for h in lines[0].split("\t")]
    data = np.array([[int(float(v)) for v in l.split("\t")] for l in lines[1:]], dtype=np.int64)
    return {h: data[:, i] for i, h in enumerate(header)}


def test_movielens_sequences_and_kjt(movielens):
    b = tensors(movielens["out"])
    rows = ml_rows(movielens["scan"])
    user, item = rows["user_id"], rows["item_id"]
    assert sum(x.rows for x in b) == len(user) == 100000
    ids = np.array([xxh_id(struct.pack("<q", int(v)), 0, 1048576) for v in item], dtype=np.int64)
    np.testing.assert_array_equal(dense(b, "item"), ids)
    # history: the user's last 50 item ids before the row, oldest first, padded with 0.
    L = 50
    hist = np.zeros((len(user), L), dtype=np.int64)
    seen = defaultdict(lambda: deque(maxlen=L))
    for r, (u, i) in enumerate(zip(user, ids)):
        h = seen[u]
        hist[r, :len(h)] = list(h)
        h.append(i)
    np.testing.assert_array_equal(dense(b, "history"), hist)
    # recent_vocab (jagged, 20) against torchrec's KJT built from the reference arrays.
    import torch
    from torchrec.sparse.jagged_tensor import KeyedJaggedTensor
    vocab = dense(b, "item_vocab")
    seen = defaultdict(lambda: deque(maxlen=20))
    start = 0
    for batch in b:
        vals, lens = [], []
        for r in range(start, start + batch.rows):
            h = seen[user[r]]
            vals.extend(h)
            lens.append(len(h))
            h.append(vocab[r])
        start += batch.rows
        ref = KeyedJaggedTensor(keys=["recent_vocab"], values=torch.tensor(vals, dtype=torch.int64),
                                lengths=torch.tensor(lens, dtype=torch.int32))
        kjt = sluice.tensors.to_kjt(batch.jagged)
        assert kjt.keys() == ref.keys()
        assert torch.equal(kjt.values(), ref.values()) and torch.equal(kjt.lengths(), ref.lengths())
        assert torch.equal(kjt.offsets(), ref.offsets().to(kjt.offsets().dtype))
        assert kjt.values().data_ptr() == batch.jagged.values.ctypes.data  # no copy
        t = sluice.tensors.to_torch(batch)
        for name, a in batch.dense.items():
            assert t[name].data_ptr() == a.ctypes.data and t[name].shape == a.shape
            assert np.array_equal(t[name].numpy(), a)


# ---- fits merge exactly --------------------------------------------------------------------

def test_fits_of_random_shardings_merge_to_one_pass(work, movielens):
    whole = open(movielens["fit"], "rb").read()
    rng = random.Random(SEED)
    for n in (2, 8):
        # --shard i/N by user hash
        parts = []
        for i in range(n):
            p = os.path.join(work, f"shard-{i}-of-{n}.fit")
            feat("fit", "--spec", ML_SPEC, "--shard", f"{i}/{n}", "-o", p, movielens["scan"])
            parts.append(p)
        rng.shuffle(parts)
        assert feat("merge-fit", *parts).stdout == whole, f"--shard over {n}"
    # random row shardings of a table stream (rows dealt at random, not by user)
    rows = ml_rows(movielens["scan"])
    t = pa.table({"user_id": rows["user_id"], "item_id": rows["item_id"], "rating": rows["rating"], "timestamp": rows["timestamp"]})
    spec = write_spec(work, [f for f in json.load(open(ML_SPEC))["features"] if f["transform"] != "sequence"], "nosequence.json")
    one = os.path.join(work, "table-whole.fit")
    feat("fit", "--spec", spec, "-o", one, table_stream(work, t, "ml.tbl"))
    for trial in range(2):
        n = rng.choice([2, 5, 8])
        deal = np.array([rng.randrange(n) for _ in range(t.num_rows)])
        parts = []
        for i in range(n):
            src = table_stream(work, t.filter(pa.array(deal == i)), f"deal-{trial}-{i}.tbl", rng.choice([1000, 7777, 65536]))
            p = os.path.join(work, f"deal-{trial}-{i}.fit")
            feat("fit", "--spec", spec, "-o", p, src)
            parts.append(p)
        assert feat("merge-fit", *parts).stdout == open(one, "rb").read(), f"trial {trial}"


# ---- bad input -------------------------------------------------------------------------------

def one_line_exit_1(r, needle):
    err = r.stderr.decode()
    assert r.returncode == 1, (r.returncode, err)
    assert err.count("\n") == 1 and err.startswith("feat-etl: "), err
    assert needle in err, err


def test_bad_input_fails_with_one_line_and_no_output(work, movielens):
    scan = movielens["scan"]
    out = os.path.join(work, "bad.tensors")
    cases = [
        ([{"name": "a", "transform": "hash", "column": "movie", "buckets": 8}], "features[0].column: no column 'movie'"),
        ([{"name": "a", "transform": "log1p", "column": "rating"},
          {"name": "b", "transform": "vocabulary", "column": "missing"}], "features[1].column: no column 'missing'"),
        ([{"name": "a", "transform": "hash", "column": "item_id"}], "features[0].buckets: required"),
        ([{"name": "a", "transform": "zscore", "column": "rating", "fil": 1}], "features[0].fil: unknown key"),
    ]
    for i, (features, needle) in enumerate(cases):
        spec = write_spec(work, features, f"bad-{i}.json")
        one_line_exit_1(feat("transform", "--spec", spec, "-o", out, scan, check=False), needle)
        assert not os.path.exists(out)
    # a type the transform cannot take: hashing a float column
    t = pa.table({"x": np.array([1.5, 2.5])})
    src = table_stream(work, t, "floats.tbl")
    spec = write_spec(work, [{"name": "a", "transform": "hash", "column": "x", "buckets": 8}], "floathash.json")
    one_line_exit_1(feat("transform", "--spec", spec, "-o", out, src, check=False), "column 'x' is float64; hash cannot take that type")
    # an empty vocabulary
    spec = write_spec(work, [{"name": "v", "transform": "vocabulary", "column": "item_id", "min_count": 10**9}], "emptyvocab.json")
    fit = os.path.join(work, "emptyvocab.fit")
    feat("fit", "--spec", spec, "-o", fit, scan)
    one_line_exit_1(feat("transform", "--spec", spec, "--fit", fit, "-o", out, scan, check=False), "empty vocabulary")
    one_line_exit_1(feat("export", "--fit", fit, check=False), "empty vocabulary")
    # a truncated fit, at several cuts
    whole = open(movielens["fit"], "rb").read()
    for cut in (0, 1, len(whole) // 3, len(whole) - 2):
        p = os.path.join(work, f"cut-{cut}.fit")
        open(p, "wb").write(whole[:cut])
        one_line_exit_1(feat("transform", "--spec", ML_SPEC, "--fit", p, "-o", out, scan, check=False), "cut-")
        one_line_exit_1(feat("merge-fit", movielens["fit"], p, check=False), "cut-")
        assert not os.path.exists(out)
    # a fit of another spec, a truncated input stream
    other = write_spec(work, [{"name": "v", "transform": "vocabulary", "column": "item_id"}], "other.json")
    one_line_exit_1(feat("transform", "--spec", other, "--fit", movielens["fit"], "-o", out, scan, check=False), "another spec")
    data = open(scan, "rb").read()
    rng = random.Random(SEED)
    for cut in sorted(rng.sample(range(1, len(data)), 5)):
        r = subprocess.run([FEAT, "transform", "--spec", ML_SPEC, "--fit", movielens["fit"], "-o", out],
                           input=data[:cut], capture_output=True, timeout=120)
        one_line_exit_1(r, "stdin")
        assert not os.path.exists(out)


def test_random_mutations_of_a_tensors_stream_raise_only_stream_error(work, movielens):
    """The Python reader on mutated feat-etl output: StreamError or equal shape, never a crash."""
    small = os.path.join(work, "small.tensors")
    spec = write_spec(work, [{"name": "i", "transform": "hash", "column": "item_id", "buckets": 100},
                             {"name": "h", "transform": "sequence", "of": "i", "user": "user_id", "length": 3, "layout": "jagged"}], "small.json")
    rows = table_stream(work, pa.table({"user_id": np.arange(40) % 3, "item_id": np.arange(40)}), "small.tbl", 16)
    feat("transform", "--spec", spec, "-o", small, rows)
    base = open(small, "rb").read()
    assert len(sluice.tensors.read(base)) == 3
    rng = random.Random(SEED)
    failed = 0
    for _ in range(300):
        m = bytearray(base)
        for _ in range(rng.randrange(1, 4)):
            m[rng.randrange(len(m))] = rng.randrange(256)
        try:
            sluice.tensors.read(bytes(m))
        except sluice.StreamError:
            failed += 1
    assert failed > 0  # the mutations do reach the checks


# ---- scale-out without Ray ---------------------------------------------------------------------

def test_scaleout_runs_in_sequence_without_ray(work, movielens):
    """With Ray not importable (sys.modules['ray'] = None makes `import ray` raise ImportError,
    as on a machine without it), sluice.scaleout runs the shards here; the merged fit is the
    one-pass fit."""
    import sys
    from sluice import scaleout
    saved = sys.modules.get("ray")
    sys.modules["ray"] = None
    try:
        with pytest.raises(ImportError):
            import ray  # noqa: F401
        r = scaleout.run(ML_SPEC, [movielens["scan"]], os.path.join(work, "scaleout"), shards=3, feat_etl=FEAT)
    finally:
        if saved is None:
            del sys.modules["ray"]
        else:
            sys.modules["ray"] = saved
    assert not r.used_ray and len(r.outputs) == 3
    assert open(r.fit, "rb").read() == open(movielens["fit"], "rb").read()
    assert sum(b.rows for p in r.outputs for b in sluice.tensors.read(p)) == 100000


# ---- the Python DSL ----------------------------------------------------------------------------

def test_dsl_writes_the_spec_and_runs_the_tool(work, movielens):
    """F.* declarations of Tests/Data/feat/movielens.json give its features, and running them
    gives the same tensors as the command line with that file."""
    from sluice.features import F, fit_transform, spec_json
    features = [
        F.hash("item_id", buckets=1048576, name="item"),
        F.hash("user_id", buckets=65536, seed=7, algorithm="murmur3_32", name="user"),
        F.vocabulary("item_id", min_count=5, max_size=1200, oov_buckets=4, name="item_vocab"),
        F.cross(["user_id", "item_id"], buckets=1000003, seed=42, name="user_x_item"),
        F.bucketize("rating", edges=[2, 3, 4], name="rating_bucket"),
        F.zscore("rating", name="rating_z"),
        F.log1p("rating", name="rating_log"),
        F.bucketize("timestamp", quantiles=10, name="time_decile"),
        F.minmax("timestamp", name="time_mm"),
        F.sequence(of="item", user="user_id", last=50, name="history"),
        F.sequence(of="item_vocab", user="user_id", last=20, layout="jagged", name="recent_vocab"),
    ]
    want = json.load(open(ML_SPEC))["features"]
    # The same features; the DSL writes the defaults out (algorithm, seed, layout ...).
    got = spec_json(features)["features"]
    assert [(f["name"], f["transform"]) for f in got] == [(f["name"], f["transform"]) for f in want]
    for g, w in zip(got, want):
        assert all(g[k] == w[k] for k in w), (g, w)
    out = os.path.join(work, "dsl.tensors")
    fit, _ = fit_transform(features, [movielens["scan"]], out, feat_etl=FEAT)
    a, b = tensors(out), tensors(movielens["out"])
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert list(x.dense) == list(y.dense)
        for k in x.dense:
            assert np.array_equal(x[k], y[k]), k
        assert np.array_equal(x.jagged.values, y.jagged.values) and np.array_equal(x.jagged.lengths, y.jagged.lengths)
