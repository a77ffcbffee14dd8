# flow: build, test, install and demonstrate the toolkit.
#   make demo                  install what is missing, build, run the example pipeline
#   make check                 install what is missing, run every test (the project's
#                              own targets built with warnings as errors), then sanitize
#   make fuzz FUZZ_SECONDS=N   run each fuzz harness for N seconds (default 600)
#   make sanitize              the unit and CLI tests under AddressSanitizer, ThreadSanitizer
#   make install PREFIX=DIR    binaries, man pages and completions under DIR
.POSIX:
.SUFFIXES:

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
SWIFT = swift
FUZZ_SECONDS = 600
CHECK_FUZZ_SECONDS = 3
RELEASE_FLAGS = -c release --static-swift-stdlib
TOOLS = $$(cd Sources && ls -d flow-*)

all: build

deps:
	scripts/deps.sh build

build: deps
	$(SWIFT) build $(RELEASE_FLAGS)

DEMO = examples/houdini
demo: build
	scripts/deps.sh demo
	@echo '$$ flow-parse $(DEMO)/workflow.yaml | flow-envfile | flow-resolve --catalog $(DEMO)/catalogue.toml'
	@PATH="$$PWD/.build/release:$$PATH"; \
	  flow-parse $(DEMO)/workflow.yaml | flow-envfile \
	  | flow-resolve --catalog $(DEMO)/catalogue.toml \
	  | jq '.stages[] | {name, needs, resources: .environment.resources, packages: [.resolution.packages[] | "\(.name) \(.version)"], actions: .resolution.actions}'

check:
	scripts/deps.sh test
	FLOW_WARNINGS_AS_ERRORS=1 $(SWIFT) build --build-tests
	swift format lint --strict --recursive Sources Tests Package.swift fuzz/harnesses fuzz/shared
	mandoc -Tlint -Wwarning man/*
	FLOW_WARNINGS_AS_ERRORS=1 $(SWIFT) test --skip-build
	Tests/Hostile/hostile.sh
	Tests/Hostile/faults.sh
	fuzz/run.sh run $(CHECK_FUZZ_SECONDS)
	$(MAKE) sanitize

fuzz:
	scripts/deps.sh test
	fuzz/run.sh run $(FUZZ_SECONDS)

sanitize:
	scripts/deps.sh test
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build/asan
	$(SWIFT) test --sanitize=thread --scratch-path .build/tsan

format:
	swift format --in-place --recursive Sources Tests Package.swift fuzz/harnesses fuzz/shared

bench: build
	scripts/deps.sh bench
	bench/parse/run.sh

install: build
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	for tool in $(TOOLS); do cp .build/release/$$tool $(DESTDIR)$(BINDIR)/$$tool; done
	for page in man/*.1; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man1/; done; true
	for page in man/*.5; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man5/; done; true
	for page in man/*.7; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man7/; done; true

clean:
	rm -rf .build bench/data bench/out

.PHONY: all deps build demo check fuzz sanitize format bench install clean
