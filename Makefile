# Sluice — the front door. `make` builds release binaries; `make test` runs every test layer;
# `make demo` runs the main jobs on built-in data; `make bench` runs the side-by-side benchmarks.
# Each area adds its own steps in mk/<area>.mk (TEST_STEPS, BENCH_STEPS, DEMO_STEPS, PIP_PACKAGES).

SHELL        := /bin/bash
SWIFT        ?= swift
PYTHON       ?= python3
PREFIX       ?= /usr/local
CACHE        ?= .cache
RELEASE_BIN   = .build/release
# Release binaries link the Swift runtime and Foundation statically: a tool starts in ~7 ms
# instead of ~15 ms (graph-opt --version; the dynamic loader's relocations of Foundation and ICU),
# which is most of the time of a small job in a pipe. Every release build uses these flags so
# the build plan never flips between two configurations.
SWIFT_RELEASE = $(SWIFT) build -c release --static-swift-stdlib
DEBUG_BIN     = .build/debug
# Every program a recipe or test script calls comes from here or from a bare Debian + Swift image
# (`make test-deps` checks the list against the scripts).
APT_PACKAGES := capnproto libcapnp-dev libnuma-dev mandoc numactl protobuf-compiler g++ pkgconf time
PIP_PACKAGES := pycapnp==2.2.4
TOOLS        := rec-cat op-bench seq-encode graph-opt schema-migrate tile-plan place-route dq-check feat-etl npu-sim
MAN_PAGES     = $(wildcard Man/*.[1-9])

# Debug builds inside test steps. `make test` builds everything once (unit-test) and then runs the
# steps with SLUICE_DEBUG_BUILD=: so they reuse that build: SwiftPM re-plans after `swift test` and a
# second `swift build` would then compile swift-protobuf's protoc (about 10 minutes). Not named
# SWIFT_DEBUG_*: make exports it to every recipe and the Swift runtime warns about that prefix.
SLUICE_DEBUG_BUILD ?= $(SWIFT) build

TEST_STEPS   :=
BENCH_STEPS  :=
DEMO_STEPS   :=

.PHONY: all build debug test test-deps test-steps unit-test deps apt-deps pip-deps demo bench bench-quick bench-steps install formats clean

all: build

# Each area's file is read in name order, and make expands a prerequisite list when it reads it:
# a prerequisite that names a variable of a later file (a data set another area fetches) must be
# written $$(VAR) so that it expands after every file is read (Tools/check_make_order.py checks).
.SECONDEXPANSION:
include $(sort $(wildcard mk/*.mk))

build: apt-deps
	$(SWIFT_RELEASE)

debug: apt-deps
	$(SLUICE_DEBUG_BUILD)

## deps: install the system packages and Python packages the build and tests need (idempotent).
deps: apt-deps pip-deps

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq $$missing; \
	fi

pip-deps:
	@$(PYTHON) Tools/pip_ensure.py $(PIP_PACKAGES)

## test-deps: every external command that a recipe, test or benchmark script runs is installed by
## `make deps` (APT_PACKAGES) or comes with the base image (Tools/check_deps.py says how it knows).
test-deps: apt-deps
	$(PYTHON) Tools/check_deps.py --apt "$(APT_PACKAGES)"
	$(PYTHON) Tools/check_make_order.py mk/*.mk
	@! $(PYTHON) Tools/check_deps.py --apt "$(filter-out capnproto,$(APT_PACKAGES))" >/dev/null 2>&1 \
	  || { echo "test-deps: the check passed with capnproto left out of the list; it cannot fail"; exit 1; }

unit-test: apt-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test: deps test-deps unit-test
	$(MAKE) --no-print-directory SLUICE_DEBUG_BUILD=: test-steps
	@echo "make test: all layers passed"

## test-steps: every layer after the unit tests (golden, pipeline, interop, datasets, docs).
test-steps: $(TEST_STEPS)

demo: deps build $(DEMO_STEPS)

## bench: every side-by-side benchmark in one run (on an otherwise idle machine), then
## out/bench/report.md (Tools/bench_summary.py) and the README's performance table from it
## (Tools/readme_bench_table.py). Each area writes its rows through Benchmarks/benchlib.py into
## $(BENCH_DIR)/rows/<area>.json. A failed area leaves the README as it was.
BENCH_DIR ?= out/bench
bench: deps build
	@l=$$($(PYTHON) Benchmarks/benchlib.py load); echo "make bench: $$l runnable tasks besides this one (an idle machine has about 0)"
	rm -rf $(BENCH_DIR)/rows
	@fail=0; $(MAKE) --no-print-directory -k SLUICE_BENCH_ROWS=$(abspath $(BENCH_DIR))/rows bench-steps || fail=1; \
	$(PYTHON) Tools/bench_summary.py --rows $(BENCH_DIR)/rows --out $(BENCH_DIR)/report.md || exit 1; \
	if [ $$fail = 1 ]; then echo "make bench: a benchmark failed; README.md left as it was"; exit 1; fi; \
	$(PYTHON) Tools/readme_bench_table.py --report $(BENCH_DIR)/report.md

## bench-quick: the same suite on small inputs in a few minutes, to check nothing is broken.
## Its report (out/bench-quick/report.md) never feeds the README.
bench-quick: deps build
	rm -rf out/bench-quick/rows
	$(MAKE) --no-print-directory SLUICE_BENCH_QUICK=1 SLUICE_BENCH_ROWS=$(abspath out/bench-quick)/rows bench-steps
	$(PYTHON) Tools/bench_summary.py --rows out/bench-quick/rows --out out/bench-quick/report.md

bench-steps: $(BENCH_STEPS)

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	for t in $(TOOLS) capnpc-swift; do install -m 755 $(RELEASE_BIN)/$$t $(DESTDIR)$(PREFIX)/bin/$$t; done
	for m in $(MAN_PAGES); do s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

clean:
	rm -rf .build out
