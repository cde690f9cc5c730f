#!/usr/bin/env bash
# Installs the peers `npm run bench` compares vmatrix with (test/bench/peers.mjs): the tools people use instead
# for a throwaway copy-on-write root. Idempotent: on a host that has everything it only checks. Run as root,
# after scripts/setup-host.sh.
# lxc: lxc-execute (a directory root) and lxc-copy -e (an ephemeral overlay copy); schroot: sessions with
# union-type=overlay, the engine under sbuild; systemd-container: systemd-nspawn --overlay; podman: rootful, with
# runc as its runtime, from an image made with `podman import` (no registry); crun: the other OCI runtime.
set -euo pipefail
packages=(lxc schroot systemd-container podman crun)

# No recommends: lxc recommends dnsmasq, debootstrap, rsync and templates the bench does not use.
. "$(dirname "$0")/apt-packages.sh"
install_missing setup-bench "${packages[@]}"

# lxc ships lxc-net, which makes a bridge (lxcbr0) with NAT and a DHCP server on the host: the bench's
# containers need no network (lxc.net.0.type = empty), and the tests must not find the host's network changed.
# /usr/libexec/lxc/lxc-net (run by lxc-net.service and /etc/init.d/lxc-net) reads /etc/default/lxc, which
# sources /etc/default/lxc-net, where Debian ships USE_LXC_BRIDGE="true"; "false" there makes it leave the host
# alone even when started at boot (lxc.conf(5), /usr/share/doc/lxc/README.Debian).
if [ -e /usr/libexec/lxc/lxc-net ]; then
  if ! grep -qs '^USE_LXC_BRIDGE="false"' /etc/default/lxc-net; then
    echo "setup-bench: setting USE_LXC_BRIDGE=\"false\" in /etc/default/lxc-net (no lxcbr0 bridge on the host)"
    if [ -e /etc/default/lxc-net ]; then
      sed -i 's/^USE_LXC_BRIDGE=.*/USE_LXC_BRIDGE="false"/' /etc/default/lxc-net
    fi
    grep -qs '^USE_LXC_BRIDGE="false"' /etc/default/lxc-net || echo 'USE_LXC_BRIDGE="false"' >>/etc/default/lxc-net
  fi
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    systemctl disable --now lxc-net.service >/dev/null 2>&1 || true
  fi
  if ip link show lxcbr0 >/dev/null 2>&1; then
    echo "setup-bench: removing the lxcbr0 bridge lxc-net made"
    /usr/libexec/lxc/lxc-net stop 2>/dev/null || ip link delete lxcbr0
  fi
fi
