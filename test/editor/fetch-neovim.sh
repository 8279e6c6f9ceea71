#!/usr/bin/env bash
# A newer Neovim for test/editors.test.ts (Debian 12 ships 0.7.2, which has no vim.lsp.start()).
#
#   test/editor/fetch-neovim.sh [DEST]     default DEST: <repo>/.editor-test/neovim (git-ignored)
#
# Downloads Debian trixie's neovim, its runtime and the libraries it needs (glibc included) with a private apt
# configuration under DEST/apt (its own sources list, lists, cache and status: the machine's /etc/apt is neither
# read nor written), unpacks them with dpkg-deb -x into DEST/root, and writes DEST/nvim, a wrapper that runs the
# binary through trixie's own dynamic loader (so nothing of the machine's libc is mixed in, and the processes
# Neovim starts — node, clangd — run with the machine's libraries). Idempotent: a finished install has
# DEST/.done. The last line on stdout is the wrapper's path.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
dest=${1:-$(cd -- "$here/../.." && pwd)/.editor-test/neovim}
log() { printf 'fetch-neovim: %s\n' "$*" >&2; }

if [ -f "$dest/.done" ] && [ -x "$dest/nvim" ]; then echo "$dest/nvim"; exit 0; fi
command -v apt-get >/dev/null || { log "apt-get not found"; exit 1; }
key=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$key" ] || { log "$key missing (package debian-archive-keyring)"; exit 1; }

rm -rf "$dest"
a=$dest/apt
mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$dest/debs" "$dest/root"
: >"$a/status"
echo "deb [signed-by=$key] http://deb.debian.org/debian trixie main" >"$a/sources.list"
apt_opts=(-o Dir::Etc::SourceList="$a/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
  -o Dir::State::Lists="$a/lists" -o Dir::State::Status="$a/status" -o Dir::Cache="$a/cache"
  -o Debug::NoLocking=1 -o APT::Sandbox::User=root)

log "apt-get update (private configuration in $a)"
apt-get "${apt_opts[@]}" update -qq >&2
# neovim's Depends in trixie, plus glibc and libgcc for the loader they need (glibc >= 2.38).
pkgs=(neovim neovim-runtime libc6 libgcc-s1 libluajit-5.1-2 libluajit-5.1-common libmsgpack-c2 libtree-sitter0.22
  libunibilium4 libuv1t64 libvterm0 lua-lpeg lua-luv)
log "apt-get download ${pkgs[*]}"
(cd "$dest/debs" && apt-get "${apt_opts[@]}" download "${pkgs[@]}" >&2)
for d in "$dest"/debs/*.deb; do dpkg-deb -x "$d" "$dest/root"; done

lib=$dest/root/usr/lib/x86_64-linux-gnu
cat >"$dest/nvim" <<EOF
#!/bin/sh
# trixie's Neovim through trixie's loader; the library path is the loader's argument, not the environment.
VIMRUNTIME=\${VIMRUNTIME:-$dest/root/usr/share/nvim/runtime} exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$dest/root/usr/bin/nvim" "\$@"
EOF
chmod +x "$dest/nvim"
"$dest/nvim" --version | head -n1 >&2
touch "$dest/.done"
echo "$dest/nvim"
