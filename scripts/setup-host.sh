#!/usr/bin/env bash
# Installs what vmatrix and its test suite need on a Debian/Ubuntu host, then the npm dependencies.
# Idempotent: on a host that has everything it only checks. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

# runc: the OCI runtime (crun also works on pure cgroup v2 hosts); mmdebstrap: builds Debian roots;
# busybox-static: the tiny busybox image; util-linux: unshare/setpriv tie cells to vmatrix's lifetime;
# xz-utils/zstd/bzip2: image decompression; attr: file capabilities (setfattr/getfattr); git: snapshots.
# docker-registry + skopeo: a real local OCI registry, and pushing test images to it (test/integration/images-oci)
# nginx-light: the real HTTP server the download tests start themselves (Range, ETag, If-Range, 206/416); not as a service.
# libxml2-utils: xmllint, which checks junit.xml against the Jenkins JUnit schema in the tests (test/helpers/junit-schema.ts).
# chromium: the headless browser that opens report.html in its test (test/integration/report-html), driven by
# playwright-core from npm, which downloads no browser of its own; fonts-dejavu-core: a font for it to draw text in.
# gcc, libc6-dev: build the static probe the seccomp test runs in a cell (test/hostile/seccomp-limits).
# strace: shows that a warm snapshot of a large project opens none of its files (test/integration/large-project).
# openssl: the certificate of the local https server that redirects to http (test/hostile/https-downgrade).
# slirp4netns + nftables + iproute2: setup steps' own network, outbound only, never the host (src/vps/outbound.ts);
# dnsmasq-base: the stand-in outside world's DNS server in test/hostile/setup-network.
# gpgv: checks upstream signatures over checksum lists (src/images/signature.ts); gnupg: the tests make their own
# signing key with gpg (test/integration/images-signature).
# qemu-user-static: cells of foreign CPU arches run through its interpreters in binfmt_misc (src/vps/binfmt.ts):
# the foreign-arch cells of test/integration/foreign-arch and the bench's emulation case. Registered below.
# arch-test: mmdebstrap's check that this host can run a foreign arch before it builds a root of it.
# uidmap: newuidmap/newgidmap, which give an ordinary user's namespace its subordinate ids (vmatrix without root,
# src/vps/rootless.ts; test/integration/rootless runs as such a user); acl: setfacl, with which that test lets its
# accounts pass the directories above a checkout closed to them (a clone under /root); libcap2-bin: setcap and
# getcap, with which it compares the file capabilities of vmatrix's extraction and GNU tar's; fuse-overlayfs: the
# copy-on-write roots of rootless cells where the kernel cannot mount overlayfs in a user namespace (it is tested
# with VMATRIX_OVERLAY=fuse here).
# rpm: rpm and rpmbuild, which make the real rpm databases (rpmdb.sqlite) test/unit/inventory/rpm.test.ts reads
# on the host; vmatrix itself never runs rpm.
packages=(runc mmdebstrap busybox-static util-linux xz-utils zstd bzip2 attr git ca-certificates docker-registry skopeo nginx-light libxml2-utils chromium fonts-dejavu-core strace gcc libc6-dev openssl slirp4netns nftables iproute2 dnsmasq-base gpgv gnupg qemu-user-static arch-test uidmap acl libcap2-bin fuse-overlayfs rpm)

. "$(dirname "$0")/apt-packages.sh"
install_missing setup-host "${packages[@]}"
if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=18)?0:1)'; then
  echo "setup-host: vmatrix needs Node.js >= 20.18 (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
npm ci --no-audit --no-fund
npm run build
# User namespaces: root in a cell is not root on the host once root has 65536 subordinate ids that no
# other user has (what `vmatrix doctor --fix` does; nothing changes when root already has a range).
node -e 'import("./dist/vps/userns.js").then((m) => m.addRootSubids()).then((line) => { if (line) console.log(`setup-host: added ${line} to /etc/subuid and /etc/subgid`); })'
# Foreign arches: without systemd nobody registers qemu-user-static's interpreters, so mount binfmt_misc when it
# is not and register each missing entry with F (what `vmatrix doctor --fix` does; entries already there,
# whoever registered them, are left alone). What it cannot register is said, not fatal: the tests that need
# an arch fail by themselves, saying why (test/integration/vps/binfmt.test.ts).
node -e 'import("./dist/vps/binfmt-register.js").then((m) => m.registerQemu()).then((r) => {
  if (r.mounted) console.log("setup-host: mounted binfmt_misc");
  if (r.registered.length) console.log(`setup-host: registered ${r.registered.join(", ")} in binfmt_misc`);
  for (const p of r.problems) console.error(`setup-host: cannot register ${p}`);
})'
# Without root, setup steps reach the network through slirp4netns, which opens /dev/net/tun as the user, and
# fuse-overlayfs opens /dev/fuse: udev makes both 0666 on a standard Debian; a machine without udev (a
# container, some VMs) leaves them 0600.
for dev in /dev/net/tun /dev/fuse; do
  if [ -c "$dev" ] && [ "$(stat -c %a "$dev")" != 666 ]; then
    chmod 0666 "$dev"
    echo "setup-host: made $dev usable by ordinary users (0666, as udev does)"
  fi
done
