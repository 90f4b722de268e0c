# Capnp runtime: fuzzing and the side-by-side benchmark against libcapnp.
# Unit and interop tests (Tests/CapnpTests, against the real `capnp` tool) run under `swift test`.

CAPNP_BENCH_DIR := $(CACHE)/capnp-bench
FUZZ_CASES      ?= 200000

.PHONY: fuzz-capnp fuzz-capnp-asan bench-capnp

## fuzz-capnp: the seeded mutation fuzzer with many more cases (FUZZ_CASES=N to change).
fuzz-capnp:
	$(SWIFT) build --build-tests
	FUZZ_CASES=$(FUZZ_CASES) $(SWIFT) test --skip-build --filter CapnpTests.FuzzTests

## fuzz-capnp-asan: the same under AddressSanitizer (catches out-of-bounds reads that do not crash).
fuzz-capnp-asan:
	$(SWIFT) build --scratch-path .build-asan --build-tests --sanitize=address
	FUZZ_CASES=$(FUZZ_CASES) ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --scratch-path .build-asan --skip-build --sanitize=address --filter CapnpTests

## bench-capnp: build, read, frame through a pipe, pack/unpack: Swift runtime vs libcapnp.
bench-capnp:
	CAPNP_BENCH_DIR=$(CAPNP_BENCH_DIR) SWIFT_RELEASE="$(SWIFT_RELEASE)" bash Benchmarks/capnp/run.sh

BENCH_STEPS += bench-capnp
