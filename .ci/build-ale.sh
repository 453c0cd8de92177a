#!/usr/bin/env bash
# CI helper: builds the Arcade Learning Environment and our shim (native/ale-shim/build.sh) from an ALE source
# tarball, into a cache under ~/.cache keyed by the hashes of the tarball, the shim's sources and the toolchain, so
# that later runs on the same machine reuse it (about a minute saved). Installs zlib1g-dev with apt-get when zlib's
# headers are missing. Prints the path of libale_c.so on stdout; everything else goes to stderr.
#   bash .ci/build-ale.sh ../shared/vendor/ale/ale-0.12.1-src.tar.gz   (ALE_BUILD_JOBS=N limits make's jobs; default nproc)
set -euo pipefail
cd "$(dirname "$0")/.."
tarball="${1:?usage: build-ale.sh ALE_SOURCE_TARBALL}"
exec 3>&1 1>&2

if ! printf '#include <zlib.h>\nint main() { return 0; }\n' | c++ -x c++ -fsyntax-only - 2>/dev/null; then
  echo "== ALE: zlib's headers are missing; installing zlib1g-dev"
  apt=(apt-get)
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then apt=(sudo apt-get); fi
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" install -y -q zlib1g-dev || { "${apt[@]}" update -q && "${apt[@]}" install -y -q zlib1g-dev; }
fi

key=$({
  sha256sum "$tarball" | cut -d' ' -f1
  cat native/ale-shim/CMakeLists.txt native/ale-shim/ale_c.h native/ale-shim/ale_c.cpp native/ale-shim/build.sh | sha256sum | cut -d' ' -f1
  c++ --version | head -n 1
  cmake --version | head -n 1
} | sha256sum | cut -c1-16)
root="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/plasticity-ml"
if ! mkdir -p "$root" 2>/dev/null || [ ! -w "$root" ]; then
  root="$PWD/artifacts/ale-cache"   # no writable home: build inside the clone (not kept between fresh clones)
  mkdir -p "$root"
fi
cache="$root/ale-shim-$key"
if [ -f "$cache/libale_c.so" ]; then
  echo "== ALE: reusing $cache/libale_c.so (cache key $key)"
else
  echo "== ALE: building ALE and the shim from $tarball (cache key $key)"
  partial="$cache.partial.$$"
  rm -rf "$partial"
  trap 'rm -rf "$partial"' EXIT
  bash native/ale-shim/build.sh --ale-source "$tarball" --out "$partial" --jobs "${ALE_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"
  mkdir -p "$cache"
  mv -f "$partial/libale_c.so" "$cache/libale_c.so"
fi
echo "$cache/libale_c.so" >&3
