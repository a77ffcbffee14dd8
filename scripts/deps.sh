#!/bin/bash
# Installs what building, testing and benchmarking flow needs on Debian, skipping
# what is already there. Usage: scripts/deps.sh [build|demo|test|bench]...
set -euo pipefail

# Debian packages per purpose.
build_apt=(libyaml-dev libjansson-dev pkg-config)
test_apt=(mandoc man-db jq node-semver python3-pip podman runc busybox-static time slurm-wlm munge tmux zsh fish chromium)
bench_apt=(hyperfine ninja-build)
demo_apt=(jq)
# PyPI packages per purpose.
# python-dotenv is the release flow's python dialect follows; an older one is upgraded.
# rez is the reference for answers on rez repositories (RezDifferentialTests).
test_pip=(pyyaml jsonschema python-dotenv==1.2.4 semantic_version distributed toml psutil
  rez==3.4.0)
bench_pip=(pyyaml snakemake)
# PyPI packages installed without their dependencies: Lifeblood, the reference for
# flow-resolve's environments, whose resolver needs only semantic_version, toml and psutil.
test_pip_alone=(lifeblood==0.14.0)

apt_wanted=()
pip_wanted=()
pip_alone_wanted=()
for purpose in "${@:-build}"; do
  case $purpose in
    build) apt_wanted+=("${build_apt[@]}") ;;
    demo) apt_wanted+=("${build_apt[@]}" "${demo_apt[@]}") ;;
    test)
      apt_wanted+=("${build_apt[@]}" "${test_apt[@]}")
      pip_wanted+=("${test_pip[@]}")
      pip_alone_wanted+=("${test_pip_alone[@]}")
      ;;
    bench) apt_wanted+=("${build_apt[@]}" "${bench_apt[@]}"); pip_wanted+=("${bench_pip[@]}") ;;
    *) echo "deps.sh: unknown purpose '$purpose' (expected build, demo, test or bench)" >&2; exit 64 ;;
  esac
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

missing=()
for package in "${apt_wanted[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# pip_install [OPTION...] -- PACKAGE...: installs the packages pip does not know yet, and
# those pinned with == to another version than the one installed.
pip_install() {
  local options=()
  while [ "$1" != -- ]; do options+=("$1"); shift; done
  shift
  local missing=() package
  for package in "$@"; do
    local installed
    # pip show exits 1 for a package it does not know: that is the case looked for.
    installed=$({ python3 -m pip show "${package%%==*}" 2>/dev/null || true; } | sed -n 's/^Version: //p')
    if [ -z "$installed" ] || { [ "$package" != "${package%%==*}" ] && [ "$installed" != "${package#*==}" ]; }; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "deps.sh: installing ${missing[*]} from PyPI"
  python3 -m pip install -q "${options[@]}" "${missing[@]}" 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "${options[@]}" "${missing[@]}"
}
pip_install -- "${pip_wanted[@]}"
pip_install --no-deps -- "${pip_alone_wanted[@]}"

# flow-exec's container tests: podman's settings and the local test image.
for purpose in "${@:-build}"; do
  [ "$purpose" = test ] && "$(dirname "$0")/podman-setup.sh"
done
exit 0
