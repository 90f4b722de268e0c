"""Scale feat-etl out over shards: fit each shard, merge the fits, transform each shard.

    from sluice import scaleout
    r = scaleout.run("spec.json", ["day1.seq", "day2.seq"], "out/", shards=8)   # --shard i/8 by user
    r = scaleout.run("spec.json", files, "out/", shards="files")               # one shard per input file
    r.fit, r.outputs                                                            # merged fit, tensors per shard

With Ray installed (and `ray.init` called, or `use_ray=True`), every shard's fit and transform
is a Ray task (`max_retries`, so a killed worker's task runs again); without it, the shards run
one after another in this process. Ray does the scheduling: there is no queue or cluster logic
here. The Swift tools do the work; tasks pass fits back as bytes and write tensors to `out_dir`
(a filesystem every node sees).

Sharding by user (`--shard i/N`: xxh64 of the user id mod N) keeps each user's rows, and so its
sequences, in one shard; because a fit keeps exact counts, the merged fit equals the fit of one
pass, and the shards' tensors hold exactly the rows of a single transform.
"""
import os
import shutil
import subprocess
import tempfile
from collections import namedtuple

Result = namedtuple("Result", "fit outputs shards used_ray")


def _feat_bin(feat_etl):
    path = feat_etl or os.environ.get("SLUICE_FEAT_ETL") or shutil.which("feat-etl")
    if not path:
        raise FileNotFoundError("feat-etl not found: pass feat_etl=, set SLUICE_FEAT_ETL, or put it on PATH")
    return path


def _run(args):
    r = subprocess.run(args, capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode().strip() or f"{args[0]} exited {r.returncode}")
    return r.stdout


def fit_shard(feat_etl, spec, inputs, shard):
    """One shard's fit (bytes). `shard` is "i/N" or None (all rows of `inputs`)."""
    extra = ["--shard", shard] if shard else []
    return _run([feat_etl, "fit", "--spec", spec, *extra, *inputs])


def transform_shard(feat_etl, spec, fit_path, inputs, shard, out_path):
    """One shard's tensors, written to `out_path` (atomically, by feat-etl -o)."""
    extra = ["--shard", shard] if shard else []
    _run([feat_etl, "transform", "--spec", spec, "--fit", fit_path, *extra, "-o", out_path, *inputs])
    return out_path


def merge_fits(feat_etl, fits):
    """The merged fit (bytes) of fit bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, f in enumerate(fits):
            p = os.path.join(tmp, f"{i}.fit")
            with open(p, "wb") as fh:
                fh.write(f)
            paths.append(p)
        return _run([feat_etl, "merge-fit", *paths])


def _plan(inputs, shards):
    if shards == "files":
        return [([p], None) for p in inputs]
    n = int(shards)
    if n < 1:
        raise ValueError("shards must be at least 1")
    return [(list(inputs), None if n == 1 else f"{i}/{n}") for i in range(n)]


def run(spec, inputs, out_dir, shards=1, use_ray=None, feat_etl=None, max_retries=3, task_hook=None):
    """Fit, merge and transform `inputs` in shards; returns Result(fit path, [tensors paths], plan, used_ray).

    use_ray: None = Ray when it is importable and initialized, True = Ray (initialized here if
    needed), False = in sequence here. task_hook(kind, index) runs at the start of every task
    (tests use it to kill a task once).
    """
    feat_etl = os.path.abspath(_feat_bin(feat_etl))
    spec = os.path.abspath(spec)
    inputs = [os.path.abspath(p) for p in inputs]
    os.makedirs(out_dir, exist_ok=True)
    plan = _plan(inputs, shards)
    ray = None
    if use_ray is not False:
        try:
            import ray as _ray
        except ImportError:
            if use_ray:
                raise
            _ray = None
        if _ray is not None and (use_ray or _ray.is_initialized()):
            if not _ray.is_initialized():
                _ray.init()
            ray = _ray

    def fit_task(i, files, shard):
        if task_hook:
            task_hook("fit", i)
        return fit_shard(feat_etl, spec, files, shard)

    def transform_task(i, fit_path, files, shard, out_path):
        if task_hook:
            task_hook("transform", i)
        return transform_shard(feat_etl, spec, fit_path, files, shard, out_path)

    outputs = [os.path.abspath(os.path.join(out_dir, f"shard-{i:04d}.tensors")) for i in range(len(plan))]
    fit_path = os.path.abspath(os.path.join(out_dir, "merged.fit"))
    if ray is not None:
        fit_remote = ray.remote(max_retries=max_retries)(fit_task)
        transform_remote = ray.remote(max_retries=max_retries)(transform_task)
        fits = ray.get([fit_remote.remote(i, f, s) for i, (f, s) in enumerate(plan)])
    else:
        fits = [fit_task(i, f, s) for i, (f, s) in enumerate(plan)]
    merged = merge_fits(feat_etl, fits)
    with open(fit_path + ".tmp", "wb") as fh:
        fh.write(merged)
    os.replace(fit_path + ".tmp", fit_path)
    if ray is not None:
        ray.get([transform_remote.remote(i, fit_path, f, s, o) for i, ((f, s), o) in enumerate(zip(plan, outputs))])
    else:
        for i, ((f, s), o) in enumerate(zip(plan, outputs)):
            transform_task(i, fit_path, f, s, o)
    return Result(fit_path, outputs, plan, ray is not None)
