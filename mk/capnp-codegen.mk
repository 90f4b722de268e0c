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
CAPNP_COMPILE      = timeout 60 capnp compile
CODEGEN_FIXTURES   = Tests/CodegenTests/Fixtures
CODEGEN_GENERATED  = Tests/CodegenTests/Generated
CODEGEN_INTEROP    = $(CACHE)/codegen-interop
# capnp version whose schema.capnp the committed generator bindings were made from
CODEGEN_SCHEMA_CAPNP = 0.9.2

TEST_STEPS += test-formats-fresh test-codegen-pycapnp test-codegen-system-schemas
BENCH_STEPS += bench-capnp-codegen

# Real schemas nobody here wrote (capnp's own), generated and type-checked against the runtime.
CODEGEN_SYSTEM_SCHEMAS = rpc.capnp rpc-twoparty.capnp compat/json.capnp schema.capnp stream.capnp c++.capnp

.PHONY: capnpc-swift formats codegen-schema test-formats-fresh test-codegen-pycapnp test-codegen-system-schemas \
        bench-capnp-codegen

capnpc-swift:
	$(SLUICE_DEBUG_BUILD) --scratch-path $(CODEGEN_SCRATCH) --product capnpc-swift

# Generate $(1) (schema files) with --src-prefix $(2) into directory $(3).
codegen_run = $(CAPNP_COMPILE) -I $(2) --src-prefix=$(2) -o$(CAPNPC_SWIFT):$(3) $(1)

formats: capnpc-swift
	rm -f Sources/Schemas/*.capnp.swift Sources/Schemas/SchemaRegistry.swift $(CODEGEN_GENERATED)/*.capnp.swift $(CODEGEN_GENERATED)/SchemaRegistry.swift
	mkdir -p Sources/Schemas $(CODEGEN_GENERATED)
	$(call codegen_run,$(sort $(wildcard Formats/*.capnp)),Formats,Sources/Schemas)
	$(call codegen_run,$(sort $(wildcard $(CODEGEN_FIXTURES)/*.capnp)),$(CODEGEN_FIXTURES),$(CODEGEN_GENERATED))

# The generator's own schema bindings (internal to CapnpCodegen; needs the
# /usr/include/capnp/schema.capnp of the capnp version they were generated with, 0.9.2).
codegen-schema: capnpc-swift
	tmp=$$(mktemp -d) && CAPNPC_SWIFT_ACCESS=internal timeout 60 capnp compile --src-prefix=/usr/include/capnp -o$(CAPNPC_SWIFT):$$tmp /usr/include/capnp/schema.capnp \
	  && cp $$tmp/schema.capnp.swift Sources/CapnpCodegen/Generated/schema.capnp.swift && rm -rf $$tmp

test-formats-fresh: capnpc-swift
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; mkdir -p $$tmp/schemas $$tmp/fixtures; \
	$(call codegen_run,$(sort $(wildcard Formats/*.capnp)),Formats,$$tmp/schemas) || exit 1; \
	$(call codegen_run,$(sort $(wildcard $(CODEGEN_FIXTURES)/*.capnp)),$(CODEGEN_FIXTURES),$$tmp/fixtures) || exit 1; \
	stale=0; \
	for pair in "$$tmp/schemas:Sources/Schemas" "$$tmp/fixtures:$(CODEGEN_GENERATED)"; do \
	  fresh=$${pair%%:*}; committed=$${pair#*:}; \
	  for f in $$fresh/*.swift; do \
	    if ! cmp -s $$f $$committed/$$(basename $$f); then \
	      echo "test-formats-fresh: $$committed/$$(basename $$f) is missing or differs from what capnpc-swift generates now:"; \
	      diff $$f $$committed/$$(basename $$f) 2>&1 | head -10; stale=1; \
	    fi; \
	  done; \
	  for f in $$committed/*.capnp.swift; do \
	    [ -e $$fresh/$$(basename $$f) ] || { echo "test-formats-fresh: $$f has no schema any more"; stale=1; }; \
	  done; \
	done; \
	if [ "$$(capnp --version)" = "Cap'n Proto version $(CODEGEN_SCHEMA_CAPNP)" ]; then \
	  mkdir -p $$tmp/self && CAPNPC_SWIFT_ACCESS=internal timeout 60 capnp compile --src-prefix=/usr/include/capnp -o$(CAPNPC_SWIFT):$$tmp/self /usr/include/capnp/schema.capnp || exit 1; \
	  if ! cmp -s $$tmp/self/schema.capnp.swift Sources/CapnpCodegen/Generated/schema.capnp.swift; then \
	    echo "test-formats-fresh: Sources/CapnpCodegen/Generated/schema.capnp.swift is not what the generator makes of schema.capnp (run 'make codegen-schema')"; stale=1; \
	  fi; \
	else echo "test-formats-fresh: schema.capnp self-generation check skipped (needs capnp $(CODEGEN_SCHEMA_CAPNP))"; fi; \
	if [ $$stale = 1 ]; then echo "test-formats-fresh: run 'make formats' and commit the result"; exit 1; fi; \
	echo "test-formats-fresh: generated Swift is up to date"

test-codegen-pycapnp:
	$(SLUICE_DEBUG_BUILD) --scratch-path $(CODEGEN_SCRATCH) --build-tests
	rm -rf $(CODEGEN_INTEROP) && mkdir -p $(CODEGEN_INTEROP)
	CODEGEN_INTEROP_DIR=$(abspath $(CODEGEN_INTEROP)) $(SWIFT) test --scratch-path $(CODEGEN_SCRATCH) --skip-build --filter 'CodegenTests.InteropFiles'
	timeout 120 $(PYTHON) Tools/pycapnp_reads_swift.py $(CODEGEN_FIXTURES) $(CODEGEN_INTEROP)

test-codegen-system-schemas: capnpc-swift
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	for s in $(CODEGEN_SYSTEM_SCHEMAS); do \
	  out=$$tmp/$$(basename $$s .capnp); mkdir -p $$out; \
	  timeout 60 capnp compile --src-prefix=$$(dirname /usr/include/capnp/$$s) -o$(CAPNPC_SWIFT):$$out /usr/include/capnp/$$s || exit 1; \
	  timeout 120 swiftc -typecheck -swift-version 5 -I $(CODEGEN_SCRATCH)/debug/Modules $$out/*.swift \
	    || { echo "test-codegen-system-schemas: generated Swift for $$s does not compile"; exit 1; }; \
	done; \
	echo "test-codegen-system-schemas: $(words $(CODEGEN_SYSTEM_SCHEMAS)) capnp system schemas generate and type-check"

# Side by side: printing a stream of Everything messages (50,000; 5,000 under bench-quick) with
# generated Readers + TextRenderer vs `capnp decode` (both forms), same input, outputs compared byte
# for byte, interleaved wall-clock medians (Benchmarks/capnp-render/bench.py, rows via benchlib).
CODEGEN_BENCH_BIN   = $(CODEGEN_SCRATCH)/capnp-render-bench
CODEGEN_BENCH_DATA  = $(CACHE)/codegen-bench.bin

bench-capnp-codegen:
	$(SWIFT_RELEASE) --scratch-path $(CODEGEN_SCRATCH) --target Capnp
	swiftc -O -swift-version 5 -module-name CapnpRenderBench Benchmarks/capnp-render/main.swift \
	  $(CODEGEN_GENERATED)/*.swift -I $(CODEGEN_SCRATCH)/release/Modules $(CODEGEN_SCRATCH)/release/Capnp.build/*.o \
	  -o $(CODEGEN_BENCH_BIN)
	mkdir -p $(CACHE)
	$(PYTHON) Benchmarks/capnp-render/bench.py --bin $(CODEGEN_BENCH_BIN) --data $(CODEGEN_BENCH_DATA) \
	  --fixtures $(CODEGEN_FIXTURES) $(if $(CODEGEN_BENCH_COUNT),--count $(CODEGEN_BENCH_COUNT))
