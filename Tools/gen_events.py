#!/usr/bin/env python3
"""Seeded synthetic behaviour events for seq-encode tests and benchmarks.

Writes TSV with the header `user_id:token item_id:token action:token timestamp:float`
(the MovieLens/RecBole atomic-file convention) to stdout or -o FILE, in time order within each
simulated day, the way an event log arrives (a session that starts late may run past midnight
and so appear before the next day's events). The model, per simulated day:

  * users have a lognormal activity level (a few heavy users, a long tail of light ones);
  * each active user opens a Poisson number of sessions, starting at a diurnal-weighted time;
  * a session holds a geometric number of events; gaps inside it are lognormal
    (median ~25 s, in milliseconds with jitter), so per-user deltas mix seconds with
    hours-to-days jumps between sessions;
  * items are Zipf-distributed (s = 1.07) over --items ids, popularity ranks shuffled onto ids
    so that popular items do not get small ids for free;
  * actions are view/click/cart/buy = 0/1/2/3 with probabilities 0.78/0.15/0.05/0.02.

Only one day of events is held in memory at a time, so 10M events take ~50 MB.
"""
import argparse
import sys

import numpy as np


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=1_000_000, help="approximate number of events")
    p.add_argument("--users", type=int, default=100_000)
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--days", type=int, default=28)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start-ms", type=int, default=1_704_067_200_000, help="epoch ms of day 0 (2024-01-01)")
    p.add_argument("-o", "--output", default="-")
    a = p.parse_args()
    if a.events < 1 or a.users < 1 or a.items < 1 or a.days < 1:
        print("gen_events.py: counts must be positive", file=sys.stderr)
        return 2

    rng = np.random.default_rng(a.seed)
    activity = rng.lognormal(0.0, 1.0, a.users)
    activity /= activity.sum()
    mean_session = 8.0
    sessions_per_day = a.events / a.days / mean_session  # expected sessions per day, all users

    # Zipf over ranks 1..items via the inverse CDF of a precomputed table; ranks shuffled onto ids.
    ranks = np.arange(1, a.items + 1, dtype=np.float64)
    cdf = np.cumsum(ranks ** -1.07)
    cdf /= cdf[-1]
    rank_to_item = rng.permutation(a.items).astype(np.int64) + 1
    action_cdf = np.cumsum([0.78, 0.15, 0.05, 0.02])

    # Diurnal profile: activity peaks in the evening, lowest before dawn.
    hours = np.arange(24)
    diurnal = 1.0 + 0.8 * np.cos((hours - 20) / 24 * 2 * np.pi)
    diurnal /= diurnal.sum()

    out = sys.stdout if a.output == "-" else open(a.output, "w")
    out.write("user_id:token\titem_id:token\taction:token\ttimestamp:float\n")
    written = 0
    for day in range(a.days):
        n_sessions = rng.poisson(sessions_per_day)
        users = rng.choice(a.users, size=n_sessions, p=activity).astype(np.int64) + 1
        hour = rng.choice(24, size=n_sessions, p=diurnal)
        start = a.start_ms + day * 86_400_000 + hour * 3_600_000 + rng.integers(0, 3_600_000, n_sessions)
        length = rng.geometric(1.0 / mean_session, n_sessions)
        n = int(length.sum())
        session_of = np.repeat(np.arange(n_sessions), length)
        gaps = np.rint(rng.lognormal(np.log(25_000), 1.2, n)).astype(np.int64)
        # Zero the gap of each session's first event, then a per-session cumulative sum.
        first = np.concatenate(([0], np.cumsum(length)[:-1]))
        gaps[first] = 0
        csum = np.cumsum(gaps)
        offsets = csum - np.repeat(csum[first], length)
        ts = start[session_of] + offsets
        items = rank_to_item[np.minimum(np.searchsorted(cdf, rng.random(n)), a.items - 1)]
        actions = np.searchsorted(action_cdf, rng.random(n) * action_cdf[-1])
        user_col = users[session_of]
        order = np.argsort(ts, kind="stable")
        block = np.column_stack((user_col[order], items[order], actions[order], ts[order]))
        np.savetxt(out, block, fmt="%d", delimiter="\t")
        written += n
    if out is not sys.stdout:
        out.close()
    print(f"gen_events.py: {written} events, {a.users} users, {a.days} days, seed {a.seed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
