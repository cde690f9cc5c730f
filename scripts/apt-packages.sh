# Sourced by scripts/setup-host.sh and scripts/setup-bench.sh: installs, as root, the Debian packages of a list
# that are not installed yet (none: it only checks), without their recommends.
#   install_missing WHO PACKAGE...    WHO names the script in its messages
install_missing() {
  local who=$1
  shift
  if [ "$(id -u)" -ne 0 ]; then
    echo "$who: run me as root (sudo $0): I install packages with apt-get" >&2
    exit 1
  fi
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$who: installing ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}
