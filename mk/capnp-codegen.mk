# capnp-codegen: capnpc-swift (the `capnp compile -oswift` plugin), the generated Swift in
# Sources/Schemas, and its interop checks.
#
#   make formats              regenerate Sources/Schemas (and the codegen test fixtures)
#   make test-formats-fresh   fail if the committed generated Swift differs from a fresh run
#   make test-codegen-pycapnp pycapnp reads messages the generated Swift wrote
#
# CODEGEN_SCRATCH is the SwiftPM scratch path (.build in CI; a helper's own path locally).

CODEGEN_SCRATCH   ?= .build
CAPNPC_SWIFT       = $(CODEGEN_SCRATCH)/debug/capnpc-swift
CAPNP_COMPILE      = timeout 60 capnp compile --no-standard-import
CODEGEN_FIXTURES   = Tests/CodegenTests/Fixtures
CODEGEN_GENERATED  = Tests/CodegenTests/Generated
CODEGEN_INTEROP    = $(CACHE)/codegen-interop

TEST_STEPS += test-formats-fresh test-codegen-pycapnp

.PHONY: capnpc-swift formats codegen-schema test-formats-fresh test-codegen-pycapnp

capnpc-swift:
	$(SWIFT) build --scratch-path $(CODEGEN_SCRATCH) --product capnpc-swift

# Generate $(1) (schema files) with --src-prefix $(2) into directory $(3).
codegen_run = $(CAPNP_COMPILE) -I $(2) --src-prefix=$(2) -o$(CAPNPC_SWIFT):$(3) $(1)

formats: capnpc-swift
	rm -f Sources/Schemas/*.swift $(CODEGEN_GENERATED)/*.swift
	mkdir -p Sources/Schemas $(CODEGEN_GENERATED)
	$(call codegen_run,$(wildcard Formats/*.capnp),Formats,Sources/Schemas)
	$(call codegen_run,$(wildcard $(CODEGEN_FIXTURES)/*.capnp),$(CODEGEN_FIXTURES),$(CODEGEN_GENERATED))

# The generator's own schema bindings (bootstrap; needs /usr/include/capnp/schema.capnp of
# the capnp version the bindings were generated with, 0.9.2).
codegen-schema: capnpc-swift
	tmp=$$(mktemp -d) && timeout 60 capnp compile --src-prefix=/usr/include/capnp -o$(CAPNPC_SWIFT):$$tmp /usr/include/capnp/schema.capnp \
	  && cp $$tmp/schema.capnp.swift Sources/CapnpCodegen/Generated/schema.capnp.swift && rm -rf $$tmp

test-formats-fresh: capnpc-swift
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; mkdir -p $$tmp/schemas $$tmp/fixtures; \
	$(call codegen_run,$(wildcard Formats/*.capnp),Formats,$$tmp/schemas) || exit 1; \
	$(call codegen_run,$(wildcard $(CODEGEN_FIXTURES)/*.capnp),$(CODEGEN_FIXTURES),$$tmp/fixtures) || exit 1; \
	stale=0; \
	for pair in "$$tmp/schemas:Sources/Schemas" "$$tmp/fixtures:$(CODEGEN_GENERATED)"; do \
	  fresh=$${pair%%:*}; committed=$${pair#*:}; \
	  if ! diff -r -q $$fresh $$committed >/dev/null; then \
	    echo "test-formats-fresh: $$committed differs from what capnpc-swift generates now:"; \
	    diff -r $$fresh $$committed | head -20; stale=1; \
	  fi; \
	done; \
	if [ $$stale = 1 ]; then echo "test-formats-fresh: run 'make formats' and commit the result"; exit 1; fi; \
	echo "test-formats-fresh: generated Swift is up to date"

test-codegen-pycapnp:
	rm -rf $(CODEGEN_INTEROP) && mkdir -p $(CODEGEN_INTEROP)
	CODEGEN_INTEROP_DIR=$(abspath $(CODEGEN_INTEROP)) $(SWIFT) test --scratch-path $(CODEGEN_SCRATCH) --skip-build --filter 'CodegenTests.InteropFiles'
	timeout 120 $(PYTHON) Tests/CodegenTests/pycapnp_reads_swift.py $(CODEGEN_FIXTURES) $(CODEGEN_INTEROP)
