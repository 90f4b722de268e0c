"""Declare feat-etl features in Python; the DSL writes the spec file the tool reads and runs it.

    from sluice.features import F, write_spec, fit_transform
    spec = [F.hash("item_id", buckets=2**20, seed=7, name="item"),
            F.vocabulary("item_id", min_count=5, oov_buckets=4),
            F.zscore("rating"),
            F.sequence(of="item", user="user_id", last=50, name="history")]
    write_spec("spec.json", spec)
    fit_transform(spec, ["ml.seq"], "ml.tensors")      # feat-etl fit, then transform

A front end only: every feature is a plain dict in the spec's JSON shape (Man/feat-etl.1), and
the work runs in the Swift tool.
"""
import json
import os
import shutil
import subprocess
import tempfile


def _feature(name, transform, **keys):
    out = {"name": name, "transform": transform}
    out.update({k: v for k, v in keys.items() if v is not None})
    return out


class F:
    """Constructors of spec entries; `name` defaults to the column (or `transform_column`)."""

    @staticmethod
    def hash(column, buckets, seed=0, algorithm="xxh64", name=None, null_id=None):
        return _feature(name or column, "hash", column=column, algorithm=algorithm, seed=seed,
                        buckets=buckets, null_id=null_id)

    @staticmethod
    def cross(columns, buckets, seed=0, algorithm="xxh64", name=None, null_id=None):
        return _feature(name or "_x_".join(columns), "cross", columns=list(columns), algorithm=algorithm,
                        seed=seed, buckets=buckets, null_id=null_id)

    @staticmethod
    def vocabulary(column, min_count=1, max_size=None, oov_buckets=1, name=None, null_id=None):
        return _feature(name or f"{column}_vocab", "vocabulary", column=column, min_count=min_count,
                        max_size=max_size, oov_buckets=oov_buckets, null_id=null_id)

    @staticmethod
    def bucketize(column, edges=None, quantiles=None, name=None, fill=None):
        if (edges is None) == (quantiles is None):
            raise ValueError("give exactly one of edges and quantiles")
        return _feature(name or f"{column}_bucket", "bucketize", column=column,
                        edges=None if edges is None else [float(e) for e in edges], quantiles=quantiles, fill=fill)

    @staticmethod
    def zscore(column, name=None, fill=None):
        return _feature(name or f"{column}_z", "zscore", column=column, fill=fill)

    @staticmethod
    def minmax(column, name=None, fill=None):
        return _feature(name or f"{column}_minmax", "minmax", column=column, fill=fill)

    @staticmethod
    def log1p(column, name=None, fill=None):
        return _feature(name or f"{column}_log1p", "log1p", column=column, fill=fill)

    @staticmethod
    def fill(column, value, name=None):
        return _feature(name or column, "fill", column=column, fill=value)

    @staticmethod
    def sequence(of, user, last, layout="dense", pad=None, include_current=None, name=None):
        return _feature(name or f"{of}_seq", "sequence", of=of, user=user, length=last, layout=layout,
                        pad=pad, include_current=include_current)


def spec_json(features):
    """The spec document of a list of features."""
    return {"features": list(features)}


def write_spec(path, features):
    """Writes the spec file feat-etl reads; returns `path`."""
    with open(path, "w") as fh:
        json.dump(spec_json(features), fh, indent=1)
        fh.write("\n")
    return path


def fit_transform(features, inputs, out, fit_path=None, feat_etl=None):
    """Runs `feat-etl fit` then `feat-etl transform` on `inputs`, writing the tensors to `out`
    (and the fit to `fit_path`, else beside `out`). Returns (fit path, out)."""
    tool = feat_etl or os.environ.get("SLUICE_FEAT_ETL") or shutil.which("feat-etl")
    if not tool:
        raise FileNotFoundError("feat-etl not found: pass feat_etl=, set SLUICE_FEAT_ETL, or put it on PATH")
    fit_path = fit_path or out + ".fit"
    with tempfile.TemporaryDirectory() as tmp:
        spec = write_spec(os.path.join(tmp, "spec.json"), features)
        for args in (["fit", "--spec", spec, "-o", fit_path, *inputs],
                     ["transform", "--spec", spec, "--fit", fit_path, "-o", out, *inputs]):
            r = subprocess.run([tool, *args], capture_output=True)
            if r.returncode != 0:
                raise RuntimeError(r.stderr.decode().strip())
    return fit_path, out
