#!/usr/bin/env bash
# Fetch and extract Debian's kernel sources for pagecheck's real-kernel tests and benchmarks.
#
#   scripts/kernel.sh            # 6.1  -> <repo>/.kernel/linux-source-6.1   (this machine's suite, bookworm)
#   scripts/kernel.sh 6.12       # 6.12 -> <repo>/.kernel/linux-source-6.12  (trixie)
#   scripts/kernel.sh 7          # the newest linux-source-7.* Debian offers (trixie-backports, sid)
#                                #      -> <repo>/.kernel/linux-source-7.N, and .kernel/linux-source-7.x -> it
#   PAGECHECK_KERNEL_DIR=/x scripts/kernel.sh ...   # extract under /x instead
#
# 6.1 comes from the machine's own apt sources (`apt-get install linux-source-6.1`). The newer ones never touch
# them: a private apt configuration under <base>/apt (its own sources list naming trixie, trixie-backports and sid
# with Debian's archive keyring, its own lists, cache and status) runs `apt-get update` and `apt-get download`,
# then `dpkg-deb -x` unpacks the tarball. Versions come and go: for 7 the newest the lists offer is picked and
# printed.
#
# Idempotent: a tree is extracted only when it has no valid marker (.pagecheck-extracted, written last, holding
# the tarball's identity); extraction goes into a staging directory that is swapped in, so readers never see a
# half-written tree. Progress goes to stderr. The last line on stdout is the kernel root path.
set -euo pipefail

WANT=${1:-6.1}
MARKER_NAME=.pagecheck-extracted

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
base=${PAGECHECK_KERNEL_DIR:-$repo_root/.kernel}

log() { printf 'kernel.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"
  fi
}

mkdir -p -- "$base"

# The private apt configuration: nothing of the machine's /etc/apt is read or written.
private_apt() { # apt-get|apt-cache args...
  local a=$base/apt tool=$1; shift
  "$tool" -o Dir::Etc::SourceList="$a/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
    -o Dir::State::Lists="$a/lists" -o Dir::State::Status="$a/status" -o Dir::Cache="$a/cache" \
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}

private_apt_update() {
  local a=$base/apt
  mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
  [ -f "$a/status" ] || : >"$a/status"
  local key=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$key" ] || die "$key missing (package debian-archive-keyring)"
  cat >"$a/sources.list" <<EOF
deb [signed-by=$key] http://deb.debian.org/debian trixie main
deb [signed-by=$key] http://deb.debian.org/debian trixie-backports main
deb [signed-by=$key] http://deb.debian.org/debian sid main
EOF
  # the lists are fresh enough for an hour: repeated runs (tests, bench) do not hit the network
  if [ -z "$(find "$a/lists" -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -n1)" ]; then
    log "apt-get update (private configuration in $a)"
    private_apt apt-get update -qq >&2 || die "apt-get update failed"
  fi
}

# The tarball for $WANT: sets PKG, TARBALL.
case "$WANT" in
  6.1)
    PKG=linux-source-6.1
    TARBALL=${PAGECHECK_KERNEL_TARBALL:-/usr/src/${PKG}.tar.xz}
    if [ ! -f "$TARBALL" ]; then
      log "$TARBALL missing: installing $PKG"
      as_root apt-get update -qq >&2
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PKG" >&2
      [ -f "$TARBALL" ] || die "$PKG installed but $TARBALL is still missing"
    fi
    ;;
  6.12|7|7.*)
    private_apt_update
    if [ "$WANT" = 7 ]; then
      # the newest linux-source-7.N package name, then its newest version
      PKG=$(private_apt apt-cache pkgnames linux-source-7. 2>/dev/null | sort -t. -k2,2n | tail -n1)
      [ -n "$PKG" ] || die "no linux-source-7.* package in trixie, trixie-backports or sid"
    else
      PKG=linux-source-$WANT
    fi
    ver=$(private_apt apt-cache policy "$PKG" 2>/dev/null | awk '/Candidate:/ {print $2}')
    newest=$(private_apt apt-cache madison "$PKG" 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' \
      | while read -r v; do printf '%s\n' "$v"; done | sort -V | tail -n1)
    [ -n "$newest" ] && ver=$newest
    [ -n "$ver" ] && [ "$ver" != "(none)" ] || die "$PKG is not in the private lists"
    log "using $PKG $ver"
    debs=$base/apt/debs; mkdir -p "$debs"
    deb=$(ls "$debs/${PKG}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
    if [ -z "$deb" ]; then
      (cd "$debs" && private_apt apt-get download -qq "$PKG=$ver" >&2) || die "apt-get download $PKG=$ver failed"
      deb=$(ls "$debs/${PKG}_"*.deb | sort -V | tail -n1)
    fi
    unpacked=$base/apt/unpacked/$PKG
    TARBALL=$unpacked/usr/src/$PKG.tar.xz
    if [ ! -f "$TARBALL" ] || [ "$deb" -nt "$TARBALL" ]; then
      rm -rf -- "$unpacked"; mkdir -p "$unpacked"
      dpkg-deb -x "$deb" "$unpacked"
      [ -f "$TARBALL" ] || die "$deb holds no usr/src/$PKG.tar.xz"
    fi
    # only one copy of each version's debs and tarball is kept
    find "$debs" -name "${PKG}_*.deb" ! -path "$deb" -delete
    ;;
  *) die "unknown kernel '$WANT' (6.1, 6.12 or 7)";;
esac

TOP=$PKG                       # top-level directory inside the tarball
dest=$base/$TOP
marker=$dest/$MARKER_NAME
tar_id="$PKG $(stat -c '%s %Y' -- "$TARBALL")"

tree_is_marked() {
  [ -f "$marker" ] && [ "$(head -n1 -- "$marker")" = "$tar_id" ]
}

write_marker() { # $1 = tree
  printf '%s\nextracted %s\n' "$tar_id" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$1/$MARKER_NAME.tmp"
  mv -f -- "$1/$MARKER_NAME.tmp" "$1/$MARKER_NAME"
}

extract_fresh() {
  local staging stale
  staging=$(mktemp -d "$base/.${TOP}.partial.XXXXXX")
  # a staging dir left by an interrupted run is garbage; so is this one if we fail
  trap 'rm -rf -- "$staging"' EXIT
  trap 'exit 130' INT TERM
  log "extracting $TARBALL into $dest (this takes a minute)"
  tar -xJf "$TARBALL" -C "$staging" --no-same-owner
  [ -d "$staging/$TOP" ] || die "tarball has no top-level $TOP/ directory"
  write_marker "$staging/$TOP"
  if [ -e "$dest" ]; then
    stale=$(mktemp -d "$base/.${TOP}.stale.XXXXXX")
    mv -- "$dest" "$stale/"
    mv -- "$staging/$TOP" "$dest"
    rm -rf -- "$stale"
  else
    mv -- "$staging/$TOP" "$dest"
  fi
  rm -rf -- "$staging"
  trap - EXIT INT TERM
}

# The tree (serialised: two concurrent runs must not extract over each other).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$base/.${TOP}.lock"
  flock 9
fi
if tree_is_marked; then
  log "up to date: $dest"
else
  rm -rf -- "$base"/."$TOP".partial.* "$base"/."$TOP".stale.* 2>/dev/null || true
  extract_fresh
fi
tree_is_marked || die "extraction finished but $marker is not valid"

if [ "$WANT" = 7 ]; then
  ln -sfn "$TOP" "$base/linux-source-7.x"
  log "linux-source-7.x -> $TOP ($(head -n5 "$dest/Makefile" | awk '/^(VERSION|PATCHLEVEL|SUBLEVEL) =/ {printf "%s%s", s, $3; s="."}'))"
fi
cd -- "$dest" && pwd -P
