#!/usr/bin/env python3
"""schema-migrate against avro 1.12.2 and fastavro 1.13.1: the peers decide, the tool must agree.

    Tools/schema_avro_check.py --bin .build/debug --corpus .cache/schema/avro-compat.json [--chains 40 --seed 1]

Three checks, each printing N/N and failing on any disagreement:
1. every reader/writer pair of avro's own compatibility tests (Tools/avro_compat_corpus.py)
   through `schema-migrate compat`: exit 0 must mean avro says compatible, exit 3 not;
2. every schema of the corpus, a few hand-written ones and the generated chains' through `schema-migrate fingerprint` (and `--canonical`):
   equal to fastavro's CRC-64-AVRO fingerprint and Parsing Canonical Form;
3. the seven modes on generated version chains through `schema-migrate check`, against an
   oracle composed from avro's checker with Confluent's meaning of each mode.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

import avro.compatibility as compatibility
import avro.schema

MODES = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"]


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def write(path, schema):
    with open(path, "w") as f:
        json.dump(schema, f)


def avro_reads(reader, writer):
    """avro 1.12.2's verdict: can `reader` read data written with `writer`?"""
    r = avro.schema.parse(json.dumps(reader))
    w = avro.schema.parse(json.dumps(writer))
    result = compatibility.ReaderWriterCompatibilityChecker().get_compatibility(r, w)
    return result.compatibility is compatibility.SchemaCompatibilityType.compatible


def verdict(proc, what):
    if proc.returncode == 0:
        return True
    if proc.returncode == 3:
        return False
    raise SystemExit(f"{what}: exit {proc.returncode}: {proc.stderr.strip()}")


def check_pairs(tool, corpus, work):
    bad = []
    for i, pair in enumerate(corpus["pairs"]):
        reader, writer = os.path.join(work, f"r{i}.avsc"), os.path.join(work, f"w{i}.avsc")
        write(reader, pair["reader"])
        write(writer, pair["writer"])
        got = verdict(run([tool, "compat", "--reader", reader, "--writer", writer]), f"pair {i}")
        if got != pair["compatible"]:
            bad.append(f"pair {i}: avro says {'compatible' if pair['compatible'] else 'incompatible'}, "
                       f"schema-migrate {'compatible' if got else 'incompatible'}\n  reader {json.dumps(pair['reader'])}\n"
                       f"  writer {json.dumps(pair['writer'])}")
    n = len(corpus["pairs"])
    good = sum(p["compatible"] for p in corpus["pairs"])
    print(f"avro {corpus['avro']} compatibility pairs: {n - len(bad)}/{n} verdicts equal avro's ({good} compatible, {n - good} not)")
    return bad


# Schemas the corpus lacks that exercise the canonical form: namespaces inherited and
# overridden, references by short and full name, logical types, docs, defaults, errors.
EXTRA_SCHEMAS = [
    {"type": "record", "name": "Event", "namespace": "sluice.v1", "doc": "an event", "aliases": ["Old"], "fields": [
        {"name": "user", "type": "long", "sluice.id": 1, "sluice.role": "user"},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}, "sluice.unit": "ms", "order": "descending"},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["VIEW", "BUY"], "default": "VIEW", "doc": "x"}},
        {"name": "kinds", "type": {"type": "array", "items": "Kind"}, "default": []},
        {"name": "id", "type": {"type": "fixed", "name": "other.Id", "size": 16}},
        {"name": "ids", "type": {"type": "map", "values": "other.Id"}},
        {"name": "inner", "type": {"type": "record", "name": "Inner", "namespace": "other", "fields": [
            {"name": "k", "type": "sluice.v1.Kind"}, {"name": "self", "type": ["null", "Inner"], "default": None}]}},
        {"name": "again", "type": ["null", "sluice.v1.Event"], "default": None}]},
    {"type": "map", "values": {"type": "int", "logicalType": "date"}},
    ["null", {"type": "enum", "name": "a.b.E", "symbols": ["Z"]}, {"type": "fixed", "name": "F", "namespace": "c", "size": 0}],
]


# Where the peers disagree, the spec decides and the peer that follows it is the oracle:
# - an `error` keeps "type":"error" in the canonical form (avro does; fastavro writes "record"
#   though the spec strips no such thing), so these are compared with avro's canonical form;
# - `"namespace": ""` is the null namespace (spec, Java); both Python peers take the enclosing
#   namespace instead, so no such schema is compared here (Tests/AvroSchemasTests covers it).
AVRO_ORACLE_SCHEMAS = [
    {"type": "error", "name": "Failure", "namespace": "x", "fields": [{"name": "message", "type": "string"}]},
]


def avro_entry(schema):
    parsed = avro.schema.parse(json.dumps(schema))
    return {"schema": schema, "canonical": parsed.canonical_form, "fingerprint": parsed.fingerprint("CRC-64-AVRO").hex()}


def fastavro_entry(schema):
    import fastavro.schema
    canonical = fastavro.schema.to_parsing_canonical_form(fastavro.schema.parse_schema(schema, _write_hint=False))
    return {"schema": schema, "canonical": canonical, "fingerprint": fastavro.schema.fingerprint(canonical, "CRC-64-AVRO")}


def check_fingerprints(tool, entries, work):
    paths = []
    for i, entry in enumerate(entries):
        path = os.path.join(work, f"s{i}.avsc")
        write(path, entry["schema"])
        paths.append(path)
    bad = []
    for flag, key in (([], "fingerprint"), (["--canonical"], "canonical")):
        proc = run([tool, "fingerprint", *flag, *paths])
        if proc.returncode != 0:
            raise SystemExit(f"fingerprint {' '.join(flag)}: exit {proc.returncode}: {proc.stderr.strip()}")
        lines = proc.stdout.splitlines()
        for path, line, entry in zip(paths, lines, entries):
            got = line.split(": ", 1)[1]
            if got != entry[key]:
                bad.append(f"{key} of {json.dumps(entry['schema'])}: fastavro {entry[key]}, schema-migrate {got}")
        if len(lines) != len(paths):
            bad.append(f"fingerprint {' '.join(flag)} printed {len(lines)} lines for {len(paths)} schemas")
    n = len(entries)
    print(f"fingerprints and canonical forms of {n} schemas: {2 * n - len(bad)}/{2 * n} equal the peers' "
          f"(fastavro's; avro's for the {len(AVRO_ORACLE_SCHEMAS)} where fastavro departs from the spec)")
    return bad


# Version chains: a record evolves one random step at a time, some steps compatible, some not.
TYPES = ["int", "long", "float", "double", "string", "bytes", "boolean"]
WIDER = {"int": "long", "long": "double", "float": "double", "string": "bytes", "bytes": "string"}
DEFAULTS = {"int": 0, "long": 0, "float": 0.5, "double": 1.5, "string": "", "bytes": "", "boolean": False}


def evolve(schema, rng, serial):
    s = json.loads(json.dumps(schema))
    fields = s["fields"]
    step = rng.choice(["add", "add_no_default", "drop", "widen", "narrow", "rename_alias", "rename",
                       "nullable", "enum_add", "enum_drop", "default_drop", "nested"])
    name = f"f{serial}"
    if step in ("add", "add_no_default") or not fields:
        t = rng.choice(TYPES)
        field = {"name": name, "type": t}
        if step != "add_no_default":
            field["default"] = DEFAULTS[t]
        fields.append(field)
        return s
    f = rng.choice(fields)
    t = f["type"]
    if step == "drop":
        fields.remove(f)
    elif step == "widen" and isinstance(t, str) and t in WIDER:
        f["type"] = WIDER[t]
        f.pop("default", None)
    elif step == "narrow" and isinstance(t, str):
        f["type"] = rng.choice(TYPES)
        f.pop("default", None)
    elif step == "rename_alias":
        f["aliases"] = [f["name"]]
        f["name"] = name
    elif step == "rename":
        f["name"] = name
    elif step == "nullable" and isinstance(t, str):
        f["type"] = ["null", t]
        f["default"] = None
    elif step in ("enum_add", "enum_drop"):
        symbols = ["A", "B", "C"] if step == "enum_add" else ["A", "B"]
        enum = {"type": "enum", "name": f"E{serial}", "symbols": symbols}
        if rng.random() < 0.3:
            enum["default"] = "A"
        existing = [g for g in fields if isinstance(g["type"], dict) and g["type"].get("type") == "enum"]
        if existing:
            existing[0]["type"]["symbols"] = symbols
            existing[0]["type"].pop("default", None) if rng.random() < 0.5 else None
        else:
            fields.append({"name": name, "type": enum, "default": "A"})
    elif step == "default_drop":
        f.pop("default", None)
    elif step == "nested":
        inner_type = rng.choice(["int", "long"])
        inner = {"type": "record", "name": "Inner", "fields": [{"name": "x", "type": inner_type}]}
        nested = [g for g in fields if isinstance(g["type"], dict) and g["type"].get("type") == "record"]
        if nested:
            nested[0]["type"]["fields"][0]["type"] = inner_type
        else:
            fields.append({"name": name, "type": inner})
    return s


def mode_oracle(mode, new, history):
    if mode == "NONE" or not history:
        return True
    olds = history if mode.endswith("TRANSITIVE") else history[-1:]
    backward = mode.startswith(("BACKWARD", "FULL"))
    forward = mode.startswith(("FORWARD", "FULL"))
    return all((not backward or avro_reads(new, old)) and (not forward or avro_reads(old, new)) for old in olds)


def make_chains(chains, length, seed):
    """Version chains; each step is drawn again until avro accepts the schema."""
    rng = random.Random(seed)
    out = []
    for _ in range(chains):
        chain = [{"type": "record", "name": "Event", "fields": [{"name": "user", "type": "long"}]}]
        serial = 0
        while len(chain) < length:
            serial += 1
            candidate = evolve(chain[-1], rng, serial)
            try:
                avro.schema.parse(json.dumps(candidate))
            except Exception:
                continue  # a step that made an invalid schema (a clashing name): draw again
            chain.append(candidate)
        out.append(chain)
    return out


def check_modes(tool, chains, work):
    bad, total, failing, transitive_differs = [], 0, 0, 0
    for c, chain in enumerate(chains):
        subject_dir = os.path.join(work, "registry", f"chain{c}")
        os.makedirs(subject_dir)
        for v, schema in enumerate(chain[:-1], start=1):
            write(os.path.join(subject_dir, f"v{v}.avsc"), schema)
        new = os.path.join(work, f"chain{c}-new.avsc")
        write(new, chain[-1])
        verdicts = {}
        for mode in MODES:
            expected = verdicts[mode] = mode_oracle(mode, chain[-1], chain[:-1])
            proc = run([tool, "check", "--registry", os.path.join(work, "registry"), "--subject", f"chain{c}", "--mode", mode, new])
            got = verdict(proc, f"chain {c} {mode}")
            total += 1
            failing += not expected
            if got != expected:
                bad.append(f"chain {c} under {mode}: oracle {'passes' if expected else 'fails'}, schema-migrate "
                           f"{'passes' if got else 'fails'}\n  chain {json.dumps(chain)}\n  {proc.stdout.strip()}")
        transitive_differs += sum(verdicts[m] != verdicts[m + "_TRANSITIVE"] for m in ("BACKWARD", "FORWARD", "FULL"))
    print(f"modes on {len(chains)} generated chains of {len(chains[0])} versions: {total - len(bad)}/{total} equal the avro oracle "
          f"({total - failing} pass, {failing} fail; {transitive_differs} where a transitive mode decides otherwise)")
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", required=True, help="directory holding schema-migrate")
    parser.add_argument("--corpus", required=True, help="JSON written by Tools/avro_compat_corpus.py")
    parser.add_argument("--chains", type=int, default=100)
    parser.add_argument("--length", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tool = os.path.join(args.bin, "schema-migrate")
    with open(args.corpus) as f:
        corpus = json.load(f)
    with tempfile.TemporaryDirectory() as work:
        bad = check_pairs(tool, corpus, work)
        chains = make_chains(args.chains, args.length, args.seed)
        generated = {json.dumps(s, sort_keys=True): s for chain in chains for s in chain}
        entries = (corpus["schemas"] + [fastavro_entry(s) for s in EXTRA_SCHEMAS + list(generated.values())]
                   + [avro_entry(s) for s in AVRO_ORACLE_SCHEMAS])
        bad += check_fingerprints(tool, entries, work)
        bad += check_modes(tool, chains, work)
    for line in bad:
        print("MISMATCH " + line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
