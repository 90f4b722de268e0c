# schema-migrate: Avro schemas, compatibility modes, the registry; checked against avro and fastavro.
#
#   make test-schema-avro   avro 1.12.2's own compatibility pairs, fastavro's fingerprints and the
#                           seven modes on generated version chains, all through the debug binary
# Golden CLI cases are Tests/Golden/schema-migrate (test-substrate-golden); unit tests are
# Tests/AvroSchemasTests.

SCHEMA_DATA   = $(CACHE)/schema
SCHEMA_CORPUS = $(SCHEMA_DATA)/avro-compat.json

PIP_PACKAGES += avro==1.12.2 fastavro==1.13.1
TEST_STEPS   += test-schema-avro

.PHONY: schema-data test-schema-avro

schema-data: $(SCHEMA_CORPUS)

# The reader/writer pairs of avro's test_compatibility.py with avro's verdicts, and fastavro's
# fingerprint and canonical form of every schema in them.
$(SCHEMA_CORPUS): Tools/avro_compat_corpus.py | pip-deps
	mkdir -p $(SCHEMA_DATA)
	$(PYTHON) Tools/avro_compat_corpus.py -o $@

## test-schema-avro: every avro 1.12.2 compatibility test pair through `schema-migrate compat` (N/N
## verdicts equal), fastavro's fingerprints and canonical forms, and the seven modes on 100
## generated version chains against an oracle composed from avro's checker.
test-schema-avro: debug $(SCHEMA_CORPUS)
	$(PYTHON) Tools/schema_avro_check.py --bin $(DEBUG_BIN) --corpus $(SCHEMA_CORPUS)
