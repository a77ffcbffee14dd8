#!/bin/bash
# Prepares podman for flow-exec's container tests on Debian: writes
# /etc/containers/containers.conf only when it is absent (runc, no default ulimits),
# and builds the local image localhost/flow-test:1 from busybox-static when missing.
# Usage: scripts/podman-setup.sh
set -euo pipefail

image=localhost/flow-test:1
conf=/etc/containers/containers.conf
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

if [ ! -e "$conf" ]; then
  $sudo mkdir -p /etc/containers
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' \
    | $sudo tee "$conf" >/dev/null
fi

if ! podman image exists "$image"; then
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root/bin" "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in sh ls cat echo env sleep touch true false seq wc rm; do
    ln -s busybox "$root/bin/$applet"
  done
  # Stages are run by bash; in this image bash is busybox's sh.
  printf '#!/bin/sh\nexec /bin/sh "$@"\n' > "$root/bin/bash"
  chmod 755 "$root/bin/bash"
  tar -C "$root" -c . | podman import --change 'ENV PATH=/bin' - "$image" >/dev/null
fi
