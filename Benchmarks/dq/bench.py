#!/usr/bin/env python3
"""dq-check against the peers a data team would pick instead (make bench-dq).

Two runs, each in its peer's pinned venv (the peers' dependency pins conflict):

  --side check   `dq-check check` with three rules — not-null (dwell), range (rating in 1..5) and
                 per-user monotone time — against polars (the same three counts as one lazy
                 query: null count, out-of-range count, rows whose time is below the user's running
                 maximum, `.over("user")`) and Great Expectations 1.24.1 (its pandas engine, the
                 fastest it has here, with the two expectations it has for the first two rules:
                 ExpectColumnValuesToNotBeNull, ExpectColumnValuesToBeBetween; GE has no per-user
                 order expectation, so it does less work than the other two sides).
  --side drift   `dq-check drift --stat psi` on three columns (rating, action, dwell) of a reference
                 and a current sample against Evidently 0.7.23's DataDriftPreset with PSI on the same
                 columns, and against the few lines of numpy that compute the same PSI (Sturges
                 edges over both samples, np.histogram, zero filling).

Data: seeded synthetic events (user, item, time in arrival order, action, rating 1..5, dwell; 1%
null dwell times in the drift samples, none in the checked day, which passes), 1M and 10M rows
(100k only under SLUICE_BENCH_QUICK=1), written as table streams by Tools/table_arrow.py; the peers
get the same rows already in memory (polars / pandas frames built from the same Arrow table, not
timed). Single-threaded: POLARS_MAX_THREADS=1, OMP/OpenBLAS 1 thread. Our time includes process
start and reading the stream files.

Two threads: `dq-check drift --threads 2` reads the reference and current streams side by side
(the same output); `check` has no two-thread path (its rules run in one pass in arrival order), so
its two-thread row repeats the one-thread figure and says so. At 10M rows Evidently runs once (about
20-60 s a run here), not interleaved; every other side runs 3 interleaved times.
"""
import argparse
import json
import os
import subprocess
import sys

for var in ("POLARS_MAX_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tools"))
import benchlib  # noqa: E402


def events(n, seed, nulls=True):
    rng = np.random.default_rng(seed)
    users = max(n // 10, 1)
    user = rng.integers(0, users, n)
    time = np.sort(rng.integers(1_704_067_200_000, 1_704_067_200_000 + 86_400_000, n))
    item = rng.zipf(1.2, n) % 200_000
    action = rng.choice(4, n, p=[0.78, 0.15, 0.05, 0.02])
    rating = rng.integers(1, 6, n) if seed == 1 else np.clip(rng.integers(1, 6, n) + (rng.random(n) < 0.1), 1, 5)
    dwell = np.round(rng.lognormal(2.5 if seed == 1 else 2.6, 0.6, n), 3)
    mask = (rng.random(n) < 0.01) if nulls else None
    return pa.table({
        "user": pa.array(user, pa.int64()), "item": pa.array(item, pa.int64()), "time": pa.array(time, pa.int64()),
        "action": pa.array(action, pa.int64()), "rating": pa.array(rating, pa.int64()),
        "dwell": pa.array(dwell, pa.float64(), mask=mask),
    })


def stream(table, path):
    if not os.path.exists(path):
        import table_arrow
        table_arrow.write_stream(table, path + ".tmp", batch_rows=65536)
        os.replace(path + ".tmp", path)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--side", choices=["check", "drift"], required=True)
    a = ap.parse_args()
    load = benchlib.machine_load()
    os.makedirs(a.work, exist_ok=True)
    rows, details = [], []
    for n in ([100_000] if benchlib.quick() else [1_000_000, 10_000_000]):
        timing = (check_side if a.side == "check" else drift_side)(a, n, rows)
        for name in timing:
            st = timing[name]["wall"]
            print(f"  {n:,} rows: {name:20s} {benchlib.spread(st, 1e3, '.1f', '.0f')} ms  ({n / st['median'] / 1e6:.2f} M rows/s)")
            details.append(f"- {n:,} rows, {name}: {benchlib.spread(st, 1e3, '.1f', '.0f')} ms wall, CPU {timing[name]['cpu']['median'] * 1e3:.1f} ms")
    area = "dq" if a.side == "check" else "dq-drift"
    for r in rows:
        r["area"] = area
    return benchlib.finish("bench-dq", area, rows, load, f"### {area}\n\n" + "\n".join(details) + "\n")


def check_side(a, n, rows):
    """`dq-check check` against polars and Great Expectations on `n` events; appends the rows."""
    runs = 3 if benchlib.quick() or n >= 10_000_000 else 5
    dq = os.path.join(a.bin, "dq-check")
    # The check side gets a clean day (the gate passes: the usual case, and what the peers'
    # success path costs).
    ref = events(n, 1, nulls=False)
    ref_path = stream(ref, os.path.join(a.work, f"check-ref-{n}.tbl"))
    reproduce = "make bench-dq"
    import great_expectations as gx
    import polars as pl
    rules = os.path.join(a.work, "rules.json")
    with open(rules, "w") as f:
        json.dump({"rules": [{"rule": "not-null", "column": "dwell"}, {"rule": "range", "column": "rating", "min": 1, "max": 5},
                             {"rule": "monotone-time", "user": "user", "time": "time"}]}, f)
    df = pl.from_arrow(ref)
    pdf = ref.to_pandas()
    out = {}

    def polars_side():
        out["polars"] = df.lazy().select(
            pl.col("dwell").null_count().alias("nulls"),
            ((pl.col("rating") < 1) | (pl.col("rating") > 5)).sum().alias("range"),
            (pl.col("time") < pl.col("time").cum_max().over("user")).sum().alias("order"),
        ).collect().row(0)

    ctx = gx.get_context(mode="ephemeral")
    batch = ctx.data_sources.add_pandas("bench").add_dataframe_asset("events").add_batch_definition_whole_dataframe("all")
    suite = ctx.suites.add(gx.ExpectationSuite(name="events"))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="dwell"))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(column="rating", min_value=1, max_value=5))

    def ge_side():
        out["ge"] = batch.get_batch(batch_parameters={"dataframe": pdf}).validate(suite).success

    ours = [dq, "check", "--rules", rules, ref_path]
    timing = benchlib.interleave({"dq-check": ours, "polars": polars_side, "great_expectations": ge_side}, runs=runs)
    got = subprocess.run(ours, capture_output=True, text=True).stdout
    assert out["polars"][0] == ref.column("dwell").null_count and "ok   rules[2]" in got, (out, got)
    workload = f"check: not-null + range + per-user monotone time, {n:,} events"
    rows += [
        benchlib.time_row("dq", workload, "great_expectations (pandas engine, 2 expectations)", gx.__version__, timing, "dq-check",
                          "great_expectations", reproduce, includes="ours: process start, reading the 1-stream file, 3 rules; GE: validating an in-memory pandas frame against 2 expectations (no per-user order expectation exists)",
                          goal="≥ 1×", goal_ratio=1.0),
        benchlib.time_row("dq", workload, "polars (1 thread)", pl.__version__, timing, "dq-check", "polars", reproduce,
                          includes="ours: process start, reading the stream file; polars: one lazy query over an in-memory frame",
                          note="the same three counts", goal="≥ 0.5×", goal_ratio=0.5),
        benchlib.time_row("dq", workload + ", two threads", "polars (1 thread)", pl.__version__, timing, "dq-check", "polars", reproduce,
                          includes="as the one-thread row",
                          note="no two-thread path: check runs its rules in one pass in arrival order; this repeats the one-thread figure"),
    ]
    return timing


def drift_side(a, n, rows):
    """`dq-check drift --stat psi` (one and two threads) against Evidently and numpy on `n` vs `n` rows; appends the rows."""
    runs = 3 if benchlib.quick() or n >= 10_000_000 else 5
    dq = os.path.join(a.bin, "dq-check")
    ref = events(n, 1, nulls=True)
    ref_path = stream(ref, os.path.join(a.work, f"drift-ref-{n}.tbl"))
    reproduce = "make bench-dq"

    from evidently import Report
    from evidently.presets import DataDriftPreset
    cur = events(n, 2)
    cur_path = stream(cur, os.path.join(a.work, f"drift-cur-{n}.tbl"))
    cols = ["rating", "action", "dwell"]
    rp, cp = ref.select(cols).to_pandas(), cur.select(cols).to_pandas()
    out = {}

    def evidently_side():
        out["ev"] = Report([DataDriftPreset(method="psi")]).run(cp, rp)

    def numpy_side():
        vals = []
        for c in cols:
            r = rp[c].dropna().to_numpy()
            k = cp[c].dropna().to_numpy()
            if len(np.unique(r)) > 20:
                e = np.histogram_bin_edges(np.concatenate([r, k]), bins="sturges")
                rs, ks = np.histogram(r, e)[0] / len(r), np.histogram(k, e)[0] / len(k)
            else:
                keys = np.union1d(r, k)
                rs = np.array([(r == v).sum() for v in keys]) / len(r)
                ks = np.array([(k == v).sum() for v in keys]) / len(k)
            rs = np.where(rs == 0, min(rs[rs > 0].min() / 1e6, 1e-4), rs)
            ks = np.where(ks == 0, min(ks[ks > 0].min() / 1e6, 1e-4), ks)
            vals.append(float(np.sum((rs - ks) * np.log(rs / ks))))
        out["np"] = vals

    ours = [dq, "drift", "--stat", "psi", "--columns", ",".join(cols), "--threshold", "100", ref_path, cur_path]
    ours2 = ours[:2] + ["--threads", "2"] + ours[2:]
    if n >= 10_000_000:
        timing = benchlib.interleave({"dq-check": ours, "dq-check-2t": ours2, "numpy": numpy_side}, runs=runs)
        timing.update(benchlib.interleave({"evidently": evidently_side}, runs=1, warmup=0))
    else:
        timing = benchlib.interleave({"dq-check": ours, "dq-check-2t": ours2, "evidently": evidently_side, "numpy": numpy_side}, runs=runs)
    got = [json.loads(l)["value"] for l in subprocess.run(ours, capture_output=True, text=True, check=True).stdout.splitlines()]
    got2 = [json.loads(l)["value"] for l in subprocess.run(ours2, capture_output=True, text=True, check=True).stdout.splitlines()]
    assert got == got2, (got, got2)
    assert all(abs(g - w) < 1e-9 for g, w in zip(got, out["np"])), (got, out["np"])
    # Evidently itself as an oracle: its per-column PSI against ours.
    ev = {m["config"]["column"]: m["value"] for m in out["ev"].dict()["metrics"] if "column" in m.get("config", {})}
    ev_diff = max(abs(ev[c] - g) / max(1.0, abs(ev[c])) for c, g in zip(cols, got))
    print(f"  PSI ours {got}, Evidently {[ev[c] for c in cols]}: largest difference {ev_diff:.3g}")
    import evidently
    workload = f"drift: PSI of 3 columns, {n:,} vs {n:,} rows"
    rows += [
        benchlib.time_row("dq", workload, "evidently DataDriftPreset(method=psi)", evidently.__version__, timing, "dq-check", "evidently",
                          reproduce, includes="ours: process start, reading two stream files; Evidently: a Report over two in-memory pandas frames",
                          note=f"the same three PSI values (largest relative difference to Evidently's {ev_diff:.1g})"
                               + ("; Evidently timed once (one run takes tens of seconds)" if n >= 10_000_000 else ""),
                          goal="≥ 50×", goal_ratio=50.0),
        benchlib.time_row("dq", workload + ", two threads", "evidently DataDriftPreset(method=psi)", evidently.__version__, timing,
                          "dq-check-2t", "evidently", reproduce,
                          includes="ours: --threads 2 (the two streams read side by side); Evidently: as above, one thread",
                          note="the same output as one thread (checked)"),
        benchlib.time_row("dq", workload, "numpy (the same PSI in a few lines)", np.__version__, timing, "dq-check", "numpy", reproduce,
                          includes="ours: process start, reading two stream files; numpy: in-memory arrays",
                          note="values equal within 1e-9"),
    ]
    return timing


if __name__ == "__main__":
    sys.exit(main())
