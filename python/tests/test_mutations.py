"""500 seeded random mutations of real streams: reading raises StreamError or succeeds, never
anything else (no IndexError, struct.error, Arrow error, hang or crash).

SLUICE_TEST_SEED changes the seed (the failing case's seed and mutation are in the message).
"""
import os
import random
import struct

import pytest

import sluice

BASES = ["csv", "all-types-small", "extras-small.events", "extras-small.seq"]
COUNT = 500


def read_everything(raw):
    """Everything a user can ask of the stream, with every buffer touched."""
    s = sluice.open(raw)
    kind = s.header.kind
    if kind == "table":
        reader = sluice.table.TableReader(s)
        table = sluice.table.to_arrow(reader)
        table.to_pylist()  # reads every value through Arrow
    elif kind == "events":
        cols = sluice.events.read(s)
        sum(int(a.view("int64").sum()) for a in cols.values())
    elif kind == "seq-blocks":
        _, blocks = sluice.seq.read(s)
        sum(int(b.data.sum()) for b in blocks)
    else:
        list(s)


def mutate(raw, rng):
    """One random damage: byte writes, bit flips and words that look like pointers land mostly
    in the first bytes of a message (framing, root and pointer sections), where they do harm."""
    data = bytearray(raw)
    op = rng.choice(["byte", "bit", "word", "truncate", "delete", "insert", "pointer"])
    pos = rng.randrange(len(data))
    if op in ("byte", "bit", "word", "pointer") and rng.random() < 0.7:
        # aim near the start of some message: find message starts by walking the framing
        starts, at = [], 0
        while at + 8 <= len(data) and len(starts) < 64:
            n = struct.unpack_from("<I", raw, at)[0] + 1
            sizes = struct.unpack_from(f"<{n}I", raw, at + 4) if at + 4 + 4 * n <= len(raw) else (0,)
            starts.append(at)
            at += (4 * (n + 1) + 7) // 8 * 8 + 8 * sum(sizes)
        pos = min(len(data) - 1, rng.choice(starts) + rng.randrange(160))
    if op == "byte":
        data[pos] = rng.randrange(256)
    elif op == "bit":
        data[pos] ^= 1 << rng.randrange(8)
    elif op in ("word", "pointer"):
        pos -= pos % 8
        if op == "word":
            value = rng.getrandbits(64)
        else:  # a plausible struct/list/far pointer with random offset and sizes
            kind = rng.randrange(4)
            value = kind | (rng.randrange(-64, 64) & 0x3FFFFFFF) << 2 | rng.getrandbits(32) << 32
        data[pos:pos + 8] = value.to_bytes(8, "little")[:len(data) - pos]
    elif op == "truncate":
        del data[pos:]
    elif op == "delete":
        del data[pos:pos + rng.randrange(1, 64)]
    else:
        data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
    return bytes(data), f"{op} at {pos}"


def test_random_mutations(paths):
    seed = int(os.environ.get("SLUICE_TEST_SEED", "20261203"))
    rng = random.Random(seed)
    bases = {name: open(paths[name], "rb").read() for name in BASES}
    for raw in bases.values():
        read_everything(raw)  # the originals read cleanly
    refused = 0
    for i in range(COUNT):
        name = BASES[i % len(BASES)]
        bad, what = mutate(bases[name], rng)
        try:
            read_everything(bad)
        except sluice.StreamError:
            refused += 1
        except Exception as err:  # noqa: BLE001 - the point of the test
            pytest.fail(f"seed {seed}, mutation {i} of {name} ({what}): {type(err).__name__}: {err}")
    # The mutations must reach the checks: most of them damage structure, not just values.
    assert refused > COUNT // 3, f"only {refused} of {COUNT} mutations were refused"
