#!/usr/bin/env bash
# Builds libale_c.so, Plasticity.ML's C shim over the Arcade Learning Environment (ALE), for AleEnvironment.
#
#   native/ale-shim/build.sh --ale-source ALE_TARBALL_OR_FOLDER --out DIR [--jobs N]
#   native/ale-shim/build.sh --ale-prefix ALE_INSTALL_PREFIX   --out DIR [--jobs N]
#
# --ale-source: an ALE source tarball (e.g. ale-0.12.1-src.tar.gz) or an unpacked source folder; ALE is built
#               as a static C++ library (no Python, no SDL) and installed into DIR/ale.
# --ale-prefix: an ALE already installed with BUILD_CPP_LIB=ON (holds lib/cmake/ale and include/ale).
# The shim links ALE statically, so DIR/libale_c.so is the only file .NET needs: set
# PLASTICITY_ALE_LIBRARY=DIR/libale_c.so, pass AleOptions.LibraryPath, or copy it next to your app.
# Needs cmake >= 3.16, a C++17 compiler and zlib's headers (Debian/Ubuntu: apt-get install zlib1g-dev).
# ALE is GPL-2.0: the library you build is for your own use; Plasticity.ML never ships ALE or any ROM.
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_arg="" prefix_arg="" out="" jobs="$(nproc 2>/dev/null || echo 2)"
while [ $# -gt 0 ]; do
  case "$1" in
    --ale-source) source_arg="${2:-}"; shift 2 ;;
    --ale-prefix) prefix_arg="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --jobs) jobs="${2:-}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "build.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
if [ -z "$out" ] || { [ -z "$source_arg" ] && [ -z "$prefix_arg" ]; } || { [ -n "$source_arg" ] && [ -n "$prefix_arg" ]; }; then
  echo "build.sh: give --out and exactly one of --ale-source or --ale-prefix" >&2
  usage
fi
case "$jobs" in ''|*[!0-9]*|0) echo "build.sh: --jobs must be a positive integer, not '$jobs'" >&2; exit 2 ;; esac

fail() { echo "build.sh: $*" >&2; exit 1; }
command -v cmake >/dev/null 2>&1 || fail "cmake is missing (Debian/Ubuntu: apt-get install cmake)"
cxx="${CXX:-c++}"
command -v "$cxx" >/dev/null 2>&1 || fail "no C++ compiler '$cxx' (Debian/Ubuntu: apt-get install g++)"
printf '#include <zlib.h>\nint main() { return 0; }\n' | "$cxx" -x c++ -fsyntax-only - 2>/dev/null \
  || fail "zlib's headers are missing (Debian/Ubuntu: apt-get install zlib1g-dev)"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$out/build"
mkdir -p "$work"

if [ -n "$source_arg" ]; then
  [ -e "$source_arg" ] || fail "ALE source '$source_arg' does not exist"
  if [ -f "$source_arg" ]; then
    echo "== unpacking $source_arg"
    rm -rf "$work/ale-src"
    mkdir -p "$work/ale-src"
    tar -xzf "$source_arg" -C "$work/ale-src"
    top=""
    for candidate in "$work/ale-src" "$work/ale-src"/*; do
      if [ -f "$candidate/CMakeLists.txt" ]; then top="$candidate"; break; fi
    done
  else
    top="$(cd "$source_arg" && pwd)"
  fi
  [ -n "$top" ] && [ -f "$top/src/ale/ale_interface.hpp" ] \
    || fail "'$source_arg' does not look like ALE's sources (no src/ale/ale_interface.hpp next to a CMakeLists.txt)"
  prefix="$out/ale"
  echo "== building ALE from $top into $prefix"
  cmake -S "$top" -B "$work/ale-build" -DCMAKE_BUILD_TYPE=Release -DBUILD_CPP_LIB=ON -DBUILD_PYTHON_LIB=OFF \
    -DSDL_SUPPORT=OFF -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib
  cmake --build "$work/ale-build" -j "$jobs"
  cmake --install "$work/ale-build"
else
  [ -d "$prefix_arg" ] || fail "ALE prefix '$prefix_arg' is not a folder"
  prefix="$(cd "$prefix_arg" && pwd)"
fi
[ -f "$prefix/include/ale/ale_interface.hpp" ] || fail "no include/ale/ale_interface.hpp under '$prefix' (install ALE with BUILD_CPP_LIB=ON)"

echo "== building the shim against $prefix"
cmake -S "$here" -B "$work/shim-build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix"
cmake --build "$work/shim-build" -j "$jobs"
cp "$work/shim-build/libale_c.so" "$out/libale_c.so.tmp"
mv -f "$out/libale_c.so.tmp" "$out/libale_c.so"
echo "== built $out/libale_c.so"
echo "   use it with: export PLASTICITY_ALE_LIBRARY=$out/libale_c.so"
