#!/usr/bin/env python3
"""dq-check's exact statistics against their oracles, on seeded random samples.

Each case writes a reference and a current TSV, imports them as table streams with
`schema-migrate import`, runs `dq-check drift` for every statistic and `dq-check explain` with a
label and a score, and compares with:
  - Evidently's definitions written with numpy/scipy (PSI and Jensen-Shannon on Sturges bins over
    both samples, or value shares when the reference has at most 20 distinct values; normed
    Wasserstein; chi-square; Hellinger; L-infinity on the same shares), within 1e-9;
  - scipy.stats.ks_2samp: the statistic exactly, the p-value within 1e-9 when scipy takes the
    exact method and within 1e-2 relative when it takes the asymptotic one (Docs/dq.md);
  - sklearn.metrics.roc_auc_score per segment, within 1e-12.
Usage: dq_stats_check.py --bin DIR --work DIR [--cases N] (SLUICE_TEST_SEED varies the samples).
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from scipy import stats
from scipy.spatial import distance
from sklearn.metrics import roc_auc_score


def binned(ref, cur, numeric):
    if numeric and len(np.unique(ref)) > 20:
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins="sturges")
        return np.histogram(ref, edges)[0] / len(ref), np.histogram(cur, edges)[0] / len(cur)
    keys = sorted(set(ref.tolist()) | set(cur.tolist()))
    r = {k: 0 for k in keys}
    c = {k: 0 for k in keys}
    for v in ref.tolist():
        r[v] += 1
    for v in cur.tolist():
        c[v] += 1
    return np.array([r[k] for k in keys]) / len(ref), np.array([c[k] for k in keys]) / len(cur)


def fill(p):
    p = p.copy()
    m = p[p != 0].min()
    p[p == 0] = m / 1e6 if m <= 1e-4 else 1e-4
    return p


def hellinger(ref, cur, numeric):
    keys = list(set(ref.tolist()) | set(cur.tolist()))
    if not numeric:
        r, c = binned(ref, cur, False)
        s = float(np.sum(np.sqrt(r * c)))
    else:
        bins = np.histogram_bin_edges(np.array(keys), bins="sturges")
        h1 = np.histogram(ref, bins=bins, density=True)[0]
        h2 = np.histogram(cur, bins=bins, density=True)[0]
        w = (max(bins) - min(bins)) / (len(bins) - 1)
        s = float(sum(np.sqrt(h1 * h2) * w))
    return float(np.sqrt(1 - np.clip(s, 0, 1)))


def oracle(stat, ref, cur, numeric):
    if stat == "psi":
        r, c = binned(ref, cur, numeric)
        r, c = fill(r), fill(c)
        return float(np.sum((r - c) * np.log(r / c))), None
    if stat == "js":
        r, c = binned(ref, cur, numeric)
        return float(distance.jensenshannon(r, c)), None
    if stat == "linf":
        r, c = binned(ref, cur, numeric)
        return float(np.max(np.abs(r - c))), None
    if stat == "hellinger":
        return hellinger(ref, cur, numeric), None
    if stat == "wasserstein":
        return float(stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001)), None
    if stat == "ks":
        res = stats.ks_2samp(ref, cur)
        return float(res.pvalue), float(res.statistic)
    if stat == "chi2":
        keys = sorted(set(ref.tolist()) | set(cur.tolist()))
        rc = {k: 0 for k in keys}
        cc = {k: 0 for k in keys}
        for v in ref.tolist():
            rc[v] += 1
        for v in cur.tolist():
            cc[v] += 1
        k = len(cur) / len(ref)
        f_exp = np.array([rc[x] * k for x in keys])
        f_obs = np.array([cc[x] for x in keys], dtype=float)
        if (f_exp == 0).any():
            return 0.0, float("inf")
        res = stats.chisquare(f_obs, f_exp)
        return float(res.pvalue), float(res.statistic)
    raise ValueError(stat)


def write_tsv(path, cols):
    names = list(cols)
    n = len(cols[names[0]])
    with open(path, "w") as f:
        f.write("\t".join(names) + "\n")
        for i in range(n):
            f.write("\t".join("" if cols[k][i] is None else (repr(cols[k][i]) if isinstance(cols[k][i], float) else str(cols[k][i]))
                              for k in names) + "\n")


def sample(rng, n, shift):
    x = rng.normal(shift, 1 + shift / 3, n).round(rng.integers(1, 6))
    xf = [None if rng.random() < 0.02 else float(v) for v in x]
    few = rng.integers(0, rng.integers(3, 25), n)           # often <= 20 distinct: the value-share path
    wide = rng.integers(-50, 1000 + int(shift * 300), n)    # integer Sturges bins
    cat = rng.choice(["a", "b", "c", "d", "e"], n, p=[0.3, 0.3, 0.2, 0.1, 0.1] if shift == 0 else [0.1, 0.2, 0.3, 0.2, 0.2])
    seg = rng.choice(["s0", "s1", "s2"], n)
    label = (rng.random(n) < 0.3).astype(int)
    score = (rng.random(n) * 0.5 + label * rng.random(n) * 0.6).round(rng.integers(1, 4))
    return {"xf": xf, "few": few.tolist(), "wide": wide.tolist(), "cat": cat.tolist(), "seg": seg.tolist(),
            "label": label.tolist(), "score": score.tolist()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cases", type=int, default=12)
    a = ap.parse_args()
    seed = int(os.environ.get("SLUICE_TEST_SEED", "16"))
    rng = np.random.default_rng(seed)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    dq = f"{a.bin}/dq-check"
    failures = []
    compared = 0
    sizes = [(5, 7), (40, 40), (300, 450), (2000, 2000), (1500, 4000), (9000, 12000)]
    for case in range(a.cases):
        n1, n2 = sizes[case % len(sizes)]
        shift = [0.0, 0.2, 1.0][case % 3]
        tables = {}
        for side, n, sh in (("ref", n1, 0.0), ("cur", n2, shift)):
            cols = sample(rng, n, sh)
            write_tsv(work / f"{side}.tsv", cols)
            subprocess.run([f"{a.bin}/schema-migrate", "import", "-o", str(work / f"{side}.tbl"), str(work / f"{side}.tsv")], check=True)
            tables[side] = cols
        for stat in ["psi", "js", "ks", "wasserstein", "linf", "chi2", "hellinger"]:
            columns = ["xf", "few", "wide"] + ([] if stat in ("ks", "wasserstein") else ["cat"])
            p = subprocess.run([dq, "drift", str(work / "ref.tbl"), str(work / "cur.tbl"), "--stat", stat, "--columns", ",".join(columns)],
                               capture_output=True, text=True)
            if p.returncode not in (0, 3):
                failures.append(f"case {case} {stat}: exit {p.returncode}: {p.stderr.strip()}")
                continue
            for line in p.stdout.splitlines():
                got = json.loads(line)
                col = got["column"]
                ref = np.array([v for v in tables["ref"][col] if v is not None])
                cur = np.array([v for v in tables["cur"][col] if v is not None])
                want, want_stat = oracle(stat, ref, cur, col != "cat")
                compared += 1
                value = got["value"] if got["value"] is not None else float("inf")
                if stat == "ks":
                    exact = got["method"] == "exact"
                    if got["statistic"] != want_stat:
                        failures.append(f"case {case} ks {col}: D {got['statistic']!r}, scipy {want_stat!r}")
                    tol_ok = abs(value - want) <= 1e-9 * max(1.0, abs(want)) if exact else abs(value - want) <= 1e-2 * max(abs(want), 1e-300) or abs(value - want) < 1e-12
                    if (max(n1, n2) <= 10000) != exact or not tol_ok:
                        failures.append(f"case {case} ks {col} ({got['method']}): p {value!r}, scipy {want!r}")
                    continue
                if stat == "chi2" and got.get("statistic") is not None and want_stat is not None:
                    if abs(got["statistic"] - want_stat) > 1e-9 * max(1.0, abs(want_stat)):
                        failures.append(f"case {case} chi2 {col}: statistic {got['statistic']!r}, scipy {want_stat!r}")
                if abs(value - want) > 1e-9 * max(1.0, abs(want)):
                    failures.append(f"case {case} {stat} {col}: {value!r}, oracle {want!r}")
        p = subprocess.run([dq, "explain", str(work / "ref.tbl"), str(work / "cur.tbl"), "--segment-by", "seg", "--columns", "xf",
                            "--label", "label", "--score", "score"], capture_output=True, text=True)
        if p.returncode != 0:
            failures.append(f"case {case} explain: exit {p.returncode}: {p.stderr.strip()}")
            continue
        for line in p.stdout.splitlines():
            got = json.loads(line)
            if "auc_cur" not in got:
                continue
            for side, key in (("ref", "auc_ref"), ("cur", "auc_cur")):
                t = tables[side]
                keep = [i for i in range(len(t["seg"])) if "segment" not in got or t["seg"][i] == got["segment"]]
                y = np.array(t["label"])[keep]
                if len(set(y.tolist())) < 2:
                    continue
                want = roc_auc_score(y, np.array(t["score"])[keep])
                compared += 1
                if abs(got[key] - want) > 1e-12:
                    failures.append(f"case {case} AUC {got.get('segment', 'all')} {side}: {got[key]!r}, sklearn {want!r}")
    for f in failures[:30]:
        print("dq_stats_check:", f, file=sys.stderr)
    print(f"dq_stats_check: {compared} values compared over {a.cases} cases (seed {seed}), {len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
