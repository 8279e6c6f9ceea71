#!/usr/bin/env bash
# Fetch and extract Debian's linux-source-6.1 for pagecheck's real-kernel tests and benchmarks.
#
#   scripts/kernel.sh            # -> <repo>/.kernel/linux-source-6.1
#   PAGECHECK_KERNEL_DIR=/x scripts/kernel.sh   # -> /x/linux-source-6.1
#
# Idempotent:
#   * installs the linux-source-6.1 package only when /usr/src/linux-source-6.1.tar.xz is missing;
#   * extracts only when the tree has no valid marker (.pagecheck-extracted, written last, holding the
#     tarball's identity). A tree without a marker is first verified against the tarball's listing
#     (every regular file present with the right size): a complete tree is adopted as is, a partial one is
#     re-extracted into a staging directory and swapped in, so readers never see a half-written tree.
# Progress goes to stderr. The last line on stdout is the kernel root path.
set -euo pipefail

PKG=linux-source-6.1
TARBALL=${PAGECHECK_KERNEL_TARBALL:-/usr/src/${PKG}.tar.xz}
TOP=${PKG}                     # top-level directory inside the tarball
MARKER_NAME=.pagecheck-extracted

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
base=${PAGECHECK_KERNEL_DIR:-$repo_root/.kernel}
dest=$base/$TOP
marker=$dest/$MARKER_NAME

log() { printf 'kernel.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"
  fi
}

# 1. the tarball
if [ ! -f "$TARBALL" ]; then
  log "$TARBALL missing: installing $PKG"
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PKG" >&2
  [ -f "$TARBALL" ] || die "$PKG installed but $TARBALL is still missing"
fi

# identity of the tarball the tree must come from (path, size, mtime)
tar_id=$(stat -c '%n %s %Y' -- "$TARBALL")

tree_is_marked() {
  [ -f "$marker" ] && [ "$(head -n1 -- "$marker")" = "$tar_id" ]
}

write_marker() { # $1 = tree
  printf '%s\nextracted %s\n' "$tar_id" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$1/$MARKER_NAME.tmp"
  mv -f -- "$1/$MARKER_NAME.tmp" "$1/$MARKER_NAME"
}

# true when every regular file of the tarball exists in $dest with its size
tree_matches_tarball() {
  local work rc
  work=$(mktemp -d "${TMPDIR:-/tmp}/pagecheck-kernel.XXXXXX")
  rc=0
  # expected: "<size> <path below TOP>" for regular files ('-' entries)
  tar -tvJf "$TARBALL" --quoting-style=literal \
    | awk -v top="$TOP/" '
        substr($1,1,1) == "-" {
          name = $6; for (i = 7; i <= NF; i++) name = name " " $i
          if (index(name, top) == 1) print $3 " " substr(name, length(top) + 1)
        }' \
    | LC_ALL=C sort >"$work/expected" || rc=1
  (cd -- "$dest" && find . -type f ! -name "$MARKER_NAME" -printf '%s %P\n') \
    | LC_ALL=C sort >"$work/actual" || rc=1
  if [ "$rc" -eq 0 ] && [ -s "$work/expected" ]; then
    local missing
    missing=$(LC_ALL=C comm -23 "$work/expected" "$work/actual" | wc -l)
    if [ "$missing" -ne 0 ]; then
      log "$missing file(s) missing or truncated in $dest"
      rc=1
    fi
  else
    rc=1
  fi
  rm -rf -- "$work"
  return "$rc"
}

extract_fresh() {
  mkdir -p -- "$base"
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

# 2. the tree (serialised: two concurrent runs must not extract over each other)
mkdir -p -- "$base"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$base/.${TOP}.lock"
  flock 9
fi
if tree_is_marked; then
  log "up to date: $dest"
elif [ -d "$dest" ] && [ ! -f "$marker" ] && tree_matches_tarball; then
  log "existing complete tree adopted: $dest"
  write_marker "$dest"
else
  # no tree, a partial tree, or a tree from another tarball
  # remove staging leftovers of interrupted runs
  rm -rf -- "$base"/."$TOP".partial.* "$base"/."$TOP".stale.* 2>/dev/null || true
  extract_fresh
fi

tree_is_marked || die "extraction finished but $marker is not valid"
cd -- "$dest" && pwd -P
