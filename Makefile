# flow: build, test, install and demonstrate the toolkit.
#   make demo                  install what is missing, build, run the example pipeline
#   make check                 install what is missing, run every test (the project's
#                              own targets built with warnings as errors)
#   make fuzz FUZZ_SECONDS=N   run each fuzz harness for N seconds (default 600); FUZZ_RUNS=N
#                              also stops each after N executions, FUZZ_TIMEOUT=N sets the
#                              seconds one input may take (10); then each grown corpus
#                              runs once more on an unoptimised build, every check on
#   make sanitize              the unit and CLI tests under AddressSanitizer, ThreadSanitizer
#   make install PREFIX=DIR    the binary (bin/flow, under each tool's name), man pages and
#                              completions under DIR, and the installed size
#                              (BUILD_DIR=DIR installs a binary already built there)
#   make completions           regenerate completions/ from the tools' argument parsers
.POSIX:
.SUFFIXES:

PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
BASH_COMPLETION_DIR = $(PREFIX)/share/bash-completion/completions
ZSH_COMPLETION_DIR = $(PREFIX)/share/zsh/site-functions
FISH_COMPLETION_DIR = $(PREFIX)/share/fish/vendor_completions.d
BUILD_DIR = .build/release
# The installed binary goes without its symbol table (half its size); STRIP=true keeps it.
STRIP = strip
SWIFT = swift
FUZZ_SECONDS = 600
CHECK_FUZZ_SECONDS = 3
RELEASE_FLAGS = -c release --static-swift-stdlib
# The tools Package.swift builds.
TOOLS = $$(sed -n 's/^let tools = \[\(.*\)\]/\1/p' Package.swift | tr -d '",')

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
	FLOW_WARNINGS_AS_ERRORS=1 $(SWIFT) build --build-tests
	swift format lint --strict --recursive Sources Tests Package.swift fuzz/harnesses fuzz/shared
	mandoc -Tlint -Wwarning man/*
	FLOW_WARNINGS_AS_ERRORS=1 $(SWIFT) test --skip-build
	Tests/Hostile/hostile.sh
	Tests/Hostile/faults.sh
	scripts/cluster-tests.sh "$$($(SWIFT) build --show-bin-path)"
	fuzz/run.sh run $(CHECK_FUZZ_SECONDS)
	fuzz/run.sh replay

fuzz:
	scripts/deps.sh test
	fuzz/run.sh run $(FUZZ_SECONDS)
	fuzz/run.sh replay

sanitize:
	scripts/deps.sh test
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build/asan
	$(SWIFT) test --sanitize=thread --scratch-path .build/tsan

format:
	swift format --in-place --recursive Sources Tests Package.swift fuzz/harnesses fuzz/shared

bench: build
	scripts/deps.sh bench
	bench/parse/run.sh

completions:
	$(SWIFT) build
	completions/generate.sh "$$($(SWIFT) build --show-bin-path)"

install:
	if [ "$(BUILD_DIR)" = .build/release ]; then $(MAKE) build; fi
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	mkdir -p $(DESTDIR)$(BASH_COMPLETION_DIR) $(DESTDIR)$(ZSH_COMPLETION_DIR) $(DESTDIR)$(FISH_COMPLETION_DIR)
	rm -f $(DESTDIR)$(BINDIR)/flow.new && cp $(BUILD_DIR)/flow $(DESTDIR)$(BINDIR)/flow.new && \
	  $(STRIP) $(DESTDIR)$(BINDIR)/flow.new && mv -f $(DESTDIR)$(BINDIR)/flow.new $(DESTDIR)$(BINDIR)/flow
	for tool in $(TOOLS); do \
	  ln -sf flow $(DESTDIR)$(BINDIR)/$$tool && \
	  cp completions/bash/$$tool $(DESTDIR)$(BASH_COMPLETION_DIR)/$$tool && \
	  cp completions/zsh/_$$tool $(DESTDIR)$(ZSH_COMPLETION_DIR)/_$$tool && \
	  cp completions/fish/$$tool.fish $(DESTDIR)$(FISH_COMPLETION_DIR)/$$tool.fish || exit 1; \
	done
	mkdir -p $(DESTDIR)$(PREFIX)/share/flow && cp share/flow/flow-dask-bridge.py $(DESTDIR)$(PREFIX)/share/flow/
	for page in man/*.1; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man1/; done; true
	for page in man/*.5; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man5/; done; true
	for page in man/*.7; do [ -e "$$page" ] && cp "$$page" $(DESTDIR)$(MANDIR)/man7/; done; true
	@du -ck $(DESTDIR)$(BINDIR)/flow $(DESTDIR)$(PREFIX)/share/flow \
	  $(DESTDIR)$(MANDIR)/man5/flow-json.5 $(DESTDIR)$(MANDIR)/man7/flow.7 \
	  $$(for tool in $(TOOLS); do echo $(DESTDIR)$(MANDIR)/man1/$$tool.1 \
	    $(DESTDIR)$(BASH_COMPLETION_DIR)/$$tool $(DESTDIR)$(ZSH_COMPLETION_DIR)/_$$tool \
	    $(DESTDIR)$(FISH_COMPLETION_DIR)/$$tool.fish; done) \
	  | awk -v tools="$$(echo $(TOOLS))" 'END { printf \
	    "flow: installed %.1f MB: one binary, $(BINDIR)/flow, under the names %s\n", \
	    $$1 / 1024, tools }'

clean:
	rm -rf .build bench/data bench/out

.PHONY: all deps build demo check fuzz sanitize format bench completions install clean
