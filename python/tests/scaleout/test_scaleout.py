"""sluice.scaleout on Ray 2.60.0: 1, 2 and 8 shards give the fit and the rows of one pass, under
ray.init(num_cpus=2) and on a two-node ray.cluster_utils.Cluster on this machine; a task whose
worker dies is retried with the same result; without Ray the shards run in sequence.

Run by `make test-feat-ray` in the pinned venv .cache/ray-venv.
"""
import os
import subprocess

import numpy as np
import pytest

import sluice
from sluice import scaleout
import streams

BIN = streams.find_bin()
FEAT = os.path.join(BIN, "feat-etl")
ML = os.environ.get("SLUICE_ML", os.path.join(streams.REPO, ".cache", "seq", "ml-100k.inter"))
SPEC = os.path.join(streams.REPO, "Tests", "Data", "feat", "movielens.json")


def rows_of(paths):
    """Every row of the tensors files as a sorted list of byte strings (dense values, then the
    row's jagged ids): the multiset of rows, whatever the shard order."""
    out = []
    for p in paths:
        for b in sluice.tensors.read(p):
            cols = [a.reshape(b.rows, -1).view(np.uint8) for a in b.dense.values()]
            mat = np.concatenate(cols, axis=1)
            jag = b.jagged
            for r in range(b.rows):
                extra = b""
                if jag is not None:
                    for k in range(len(jag.keys)):
                        i = k * b.rows + r
                        extra += jag.values[jag.offsets[i]:jag.offsets[i + 1]].tobytes() + b"|"
                out.append(mat[r].tobytes() + extra)
    out.sort()
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    if not os.path.exists(FEAT):
        pytest.fail(f"no feat-etl in {BIN}")
    work = str(tmp_path_factory.mktemp("scaleout"))
    seq = os.path.join(BIN, "seq-encode")
    # The first 30,000 ratings of MovieLens (the debug binaries run 2 × 8 shards per setting).
    part = os.path.join(work, "ml-30k.inter")
    with open(ML) as src, open(part, "w") as dst:
        for i, line in enumerate(src):
            if i > 30000:
                break
            dst.write(line)
    enc = os.path.join(work, "ml.seq")
    streams.run([seq, "--action-column", "rating", "-o", enc, part])
    one = scaleout.run(SPEC, [enc], os.path.join(work, "one"), shards=1, use_ray=False, feat_etl=FEAT)
    return {"work": work, "input": enc, "fit": open(one.fit, "rb").read(), "rows": rows_of(one.outputs)}


def check(data, result):
    assert open(result.fit, "rb").read() == data["fit"]
    assert rows_of(result.outputs) == data["rows"]


def test_sequential_fallback(data):
    r = scaleout.run(SPEC, [data["input"]], os.path.join(data["work"], "seq8"), shards=8, use_ray=None, feat_etl=FEAT)
    assert not r.used_ray  # Ray is importable here but not initialized: in sequence
    check(data, r)


@pytest.fixture
def local_ray():
    import ray
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.parametrize("shards", [1, 2, 8])
def test_ray_local(data, local_ray, shards):
    r = scaleout.run(SPEC, [data["input"]], os.path.join(data["work"], f"ray{shards}"), shards=shards, feat_etl=FEAT)
    assert r.used_ray
    check(data, r)


def test_ray_two_node_cluster(data):
    import ray
    from ray.cluster_utils import Cluster
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    cluster.add_node(num_cpus=1)
    try:
        ray.init(address=cluster.address, log_to_driver=False)
        cluster.wait_for_nodes()
        assert len([n for n in ray.nodes() if n["Alive"]]) == 2
        for shards in (1, 2, 8):
            r = scaleout.run(SPEC, [data["input"]], os.path.join(data["work"], f"cluster{shards}"), shards=shards, feat_etl=FEAT)
            assert r.used_ray
            check(data, r)
    finally:
        ray.shutdown()
        cluster.shutdown()


def test_killed_task_is_retried(data, local_ray):
    marker = os.path.join(data["work"], "killed-once")

    def kill_once(kind, index):
        # The first attempt of shard 1's transform kills its worker process outright.
        if kind == "transform" and index == 1 and not os.path.exists(marker):
            open(marker, "w").close()
            os._exit(1)

    r = scaleout.run(SPEC, [data["input"]], os.path.join(data["work"], "killed"), shards=2, feat_etl=FEAT,
                     task_hook=kill_once)
    assert os.path.exists(marker)
    check(data, r)
