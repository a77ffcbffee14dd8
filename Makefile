# flow: build, test, install and demonstrate the toolkit.
#   make demo                  install what is missing, build, run the example pipeline
#   make check                 install what is missing, run every test
#   make install PREFIX=DIR    binaries, man pages and completions under DIR
.POSIX:
.SUFFIXES:

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
SWIFT = swift
RELEASE_FLAGS = -c release --static-swift-stdlib
TOOLS = $$(cd Sources && ls -d flow-*)

all: build

deps:
	scripts/deps.sh build

build: deps
	$(SWIFT) build $(RELEASE_FLAGS)

DEMO = examples/diamond
demo: build
	scripts/deps.sh demo
	@rm -rf .build/demo && cp -R $(DEMO) .build/demo
	@echo '$$ cd .build/demo && flow-parse workflow.yaml | flow-envfile | flow-resolve | flow-sched | flow-exec'
	@PATH="$$PWD/.build/release:$$PATH"; cd .build/demo && \
	  flow-parse workflow.yaml | flow-envfile | flow-resolve | flow-sched | flow-exec \
	  | jq -c '.data.stage as $$s | select(.type == "stage-end" or .type == "summary") | .data | if $$s then {stage, status, duration} else . end'
	@echo '$$ cat .build/demo/y.txt'; cat .build/demo/y.txt
	@echo '$$ flow-parse examples/houdini/workflow.yaml | flow-resolve --catalog examples/houdini/catalogue.toml'
	@PATH="$$PWD/.build/release:$$PATH"; \
	  flow-parse examples/houdini/workflow.yaml | flow-resolve --catalog examples/houdini/catalogue.toml \
	  | jq -c '.stages[] | {name, packages: [.resolution.packages[] | "\(.name) \(.version)"]}'

check:
	scripts/deps.sh test
	$(SWIFT) build --build-tests
	swift format lint --strict --recursive Sources Tests Package.swift
	mandoc -Tlint -Wwarning man/*
	$(SWIFT) test --skip-build
	scripts/cluster-tests.sh "$$($(SWIFT) build --show-bin-path)"

format:
	swift format --in-place --recursive Sources Tests Package.swift

bench: build
	scripts/deps.sh bench
	bench/parse/run.sh

install: build
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	for tool in $(TOOLS); do cp .build/release/$$tool $(DESTDIR)$(BINDIR)/$$tool; done
	mkdir -p $(DESTDIR)$(PREFIX)/share/flow && cp share/flow/flow-dask-bridge.py $(DESTDIR)$(PREFIX)/share/flow/
	for page in man/*.1; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man1/; done; true
	for page in man/*.5; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man5/; done; true
	for page in man/*.7; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man7/; done; true

clean:
	rm -rf .build bench/data bench/out

.PHONY: all deps build demo check format bench install clean
