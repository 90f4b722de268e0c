# Sluice — the front door. `make` builds release binaries; `make test` runs every test layer;
# `make demo` runs the main jobs on built-in data; `make bench` runs the side-by-side benchmarks.
# Each area adds its own steps in mk/<area>.mk (TEST_STEPS, BENCH_STEPS, DEMO_STEPS, PIP_PACKAGES).

SHELL        := /bin/bash
SWIFT        ?= swift
PYTHON       ?= python3
PREFIX       ?= /usr/local
CACHE        ?= .cache
RELEASE_BIN   = .build/release
DEBUG_BIN     = .build/debug
APT_PACKAGES := capnproto libcapnp-dev libnuma-dev mandoc numactl
PIP_PACKAGES := pycapnp==2.2.4
TOOLS        := rec-cat op-bench seq-encode graph-opt
MAN_PAGES     = $(wildcard Man/*.[1-9])

# Debug builds inside test steps. `make test` builds everything once (unit-test) and then runs the
# steps with SLUICE_DEBUG_BUILD=: so they reuse that build: SwiftPM re-plans after `swift test` and a
# second `swift build` would then compile swift-protobuf's protoc (about 10 minutes). Not named
# SWIFT_DEBUG_*: make exports it to every recipe and the Swift runtime warns about that prefix.
SLUICE_DEBUG_BUILD ?= $(SWIFT) build

TEST_STEPS   :=
BENCH_STEPS  :=
DEMO_STEPS   :=

.PHONY: all build debug test test-steps unit-test deps apt-deps pip-deps demo bench install formats clean

all: build

include $(sort $(wildcard mk/*.mk))

build: apt-deps
	$(SWIFT) build -c release

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

unit-test: apt-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test: deps unit-test
	$(MAKE) --no-print-directory SLUICE_DEBUG_BUILD=: test-steps
	@echo "make test: all layers passed"

## test-steps: every layer after the unit tests (golden, pipeline, interop, datasets, docs).
test-steps: $(TEST_STEPS)

demo: deps build $(DEMO_STEPS)

bench: deps build $(BENCH_STEPS)

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7
	for t in $(TOOLS) capnpc-swift; do install -m 755 $(RELEASE_BIN)/$$t $(DESTDIR)$(PREFIX)/bin/$$t; done
	for m in $(MAN_PAGES); do s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done

clean:
	rm -rf .build out
