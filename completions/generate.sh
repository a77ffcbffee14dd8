#!/bin/sh
# Writes the bash, zsh and fish completion scripts of every tool Package.swift builds,
# as the tools' argument parsers generate them. Usage: completions/generate.sh BINDIR
# (BINDIR holds the built tools; `make completions` builds them and passes it).
set -eu
bin=${1:?usage: completions/generate.sh BINDIR}
cd "$(dirname "$0")"
mkdir -p bash zsh fish
for tool in $(sed -n 's/^let tools = \[\(.*\)\]/\1/p' ../Package.swift | tr -d '",'); do
  "$bin/$tool" --generate-completion-script bash >"bash/$tool"
  "$bin/$tool" --generate-completion-script zsh >"zsh/_$tool"
  "$bin/$tool" --generate-completion-script fish >"fish/$tool.fish"
done
