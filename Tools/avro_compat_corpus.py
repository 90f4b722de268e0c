#!/usr/bin/env python3
"""Extract the reader/writer schema pairs that avro's own compatibility tests exercise.

avro==1.12.2 ships `avro/test/test_compatibility.py`; its pairs live in local lists inside the
test methods, so instead of parsing the source this script runs those tests with the checker's
entry point wrapped: every top-level `get_compatibility(reader, writer)` call is one pair. Each
pair is written as the two schemas' JSON and avro's verdict (re-checked on the re-parsed JSON, so
the corpus says what avro decides about exactly the text we hand to schema-migrate), plus
fastavro's CRC-64-AVRO fingerprint and canonical form of every schema.

    Tools/avro_compat_corpus.py -o .cache/schema/avro-compat.json

Output: {"avro": "1.12.2", "pairs": [{"reader": ..., "writer": ..., "compatible": bool}],
         "schemas": [{"schema": ..., "canonical": str, "fingerprint": hex}]}
"""
import argparse
import json
import os
import sys
import unittest

import avro
import avro.compatibility as compatibility
import avro.schema
import fastavro.schema


def capture_pairs():
    """Runs avro's test_compatibility with the checker wrapped; returns the top-level pairs seen."""
    seen = []
    depth = [0]
    original = compatibility.ReaderWriterCompatibilityChecker.get_compatibility

    def recording(self, reader, writer, *args, **kwargs):
        top = depth[0] == 0
        depth[0] += 1
        try:
            result = original(self, reader, writer, *args, **kwargs)
        finally:
            depth[0] -= 1
        if top:
            seen.append((reader, writer, result.compatibility is compatibility.SchemaCompatibilityType.compatible))
        return result

    compatibility.ReaderWriterCompatibilityChecker.get_compatibility = recording
    try:
        import avro.test.test_compatibility as tests
        suite = unittest.defaultTestLoader.loadTestsFromModule(tests)
        result = unittest.TextTestRunner(stream=sys.stderr, verbosity=0).run(suite)
        if not result.wasSuccessful():
            sys.exit("avro's own compatibility tests failed; the corpus would be wrong")
    finally:
        compatibility.ReaderWriterCompatibilityChecker.get_compatibility = original
    return seen


def avro_verdict(reader_json, writer_json):
    reader = avro.schema.parse(json.dumps(reader_json))
    writer = avro.schema.parse(json.dumps(writer_json))
    result = compatibility.ReaderWriterCompatibilityChecker().get_compatibility(reader, writer)
    return result.compatibility is compatibility.SchemaCompatibilityType.compatible


def key(schema_json):
    return json.dumps(schema_json, sort_keys=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    if avro.__version__ != "1.12.2":
        sys.exit(f"avro {avro.__version__} installed; the corpus is defined by 1.12.2")

    pairs, pair_keys, schemas = [], set(), {}
    for reader, writer, verdict in capture_pairs():
        reader_json, writer_json = reader.to_json(), writer.to_json()
        k = (key(reader_json), key(writer_json))
        if k in pair_keys:
            continue
        pair_keys.add(k)
        if avro_verdict(reader_json, writer_json) != verdict:
            sys.exit(f"avro decides differently on the JSON of {k}; the corpus cannot stand for the test")
        pairs.append({"reader": reader_json, "writer": writer_json, "compatible": verdict})
        for s in (reader_json, writer_json):
            schemas.setdefault(key(s), s)

    fingerprints = []
    for s in schemas.values():
        parsed = fastavro.schema.parse_schema(s, _write_hint=False)
        canonical = fastavro.schema.to_parsing_canonical_form(parsed)
        fingerprints.append({"schema": s, "canonical": canonical,
                             "fingerprint": fastavro.schema.fingerprint(canonical, "CRC-64-AVRO")})

    with open(args.output + ".tmp", "w") as f:
        json.dump({"avro": avro.__version__, "pairs": pairs, "schemas": fingerprints}, f, indent=1)
    os.replace(args.output + ".tmp", args.output)
    good = sum(p["compatible"] for p in pairs)
    print(f"{args.output}: {len(pairs)} distinct pairs ({good} compatible, {len(pairs) - good} not), "
          f"{len(fingerprints)} distinct schemas")


if __name__ == "__main__":
    main()
