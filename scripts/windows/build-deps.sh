#!/usr/bin/env bash
# Builds the Windows x86-64 static libraries the cross build links (OpenSSL 3, libssh2 with the OpenSSL
# backend and zlib, pugixml, {fmt}, GoogleTest) from Debian bookworm source packages with pinned
# versions, plus the header-only CLI11 and nlohmann-json from the installed Debian packages, into a
# sysroot cached outside the tree and keyed by those versions. Prints the sysroot path on stdout.
# Run as root (apt-get source needs deb-src, which scripts/install-deps.sh enables). Idempotent: a
# complete sysroot (stamp file) returns at once. OpenSSL takes ~7 minutes on 2 cores.
set -euo pipefail

openssl_version=3.0.20-1~deb12u2
libssh2_version=1.10.0-3
pugixml_version=1.13-0.2
fmtlib_version=9.1.0+ds1-2
googletest_version=1.12.1-0.2
gcc_version=$(x86_64-w64-mingw32-g++-posix -dumpfullversion)
zlib_version=$(dpkg-query -W -f='${Version}' libz-mingw-w64-dev)

key="gcc${gcc_version}-openssl${openssl_version}-libssh2${libssh2_version}-pugixml${pugixml_version}-fmt${fmtlib_version}-gtest${googletest_version}-zlib${zlib_version}"
key=${key//[~+:]/_}
cache_root=${PRELAUNCH_CACHE_DIR:-/var/cache/stm32mp-prelaunch}
sysroot=$cache_root/mingw-w64-x86_64/$key
if [ -f "$sysroot/.complete" ]; then
  echo "$sysroot"
  exit 0
fi

jobs=${PRELAUNCH_BUILD_JOBS:-2}
work=$(mktemp -d "$cache_root/build.XXXXXX" 2>/dev/null || { mkdir -p "$cache_root" && mktemp -d "$cache_root/build.XXXXXX"; })
trap 'rm -rf "$work"' EXIT
rm -rf "$sysroot"
mkdir -p "$sysroot/include" "$sysroot/lib"
toolchain=$(cd "$(dirname "$0")/../../cmake" && pwd)/mingw-w64-x86_64.cmake
log() { echo "build-deps: $*" >&2; }

fetch() {  # package version → the unpacked source directory
  (cd "$work" && apt-get source -qq --only-source "$1=$2" >/dev/null 2>&1) || {
    log "apt-get source $1=$2 failed (deb-src enabled? run scripts/install-deps.sh)"; exit 1; }
  find "$work" -maxdepth 1 -mindepth 1 -type d -name "$3*" | head -n1
}

cmake_build() {  # source dir, then extra cache entries
  local src=$1; shift
  cmake -S "$src" -B "$src/_build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DPRELAUNCH_WIN_SYSROOT="$sysroot" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$sysroot" -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_CROSSCOMPILING_EMULATOR= "$@" >/dev/null
  cmake --build "$src/_build" -j "$jobs" >/dev/null
  cmake --install "$src/_build" >/dev/null
}

# zlib: Debian ships the mingw build; only the static archive goes in (libz.dll.a would win otherwise).
cp /usr/x86_64-w64-mingw32/include/zlib.h /usr/x86_64-w64-mingw32/include/zconf.h "$sysroot/include/"
cp /usr/x86_64-w64-mingw32/lib/libz.a "$sysroot/lib/"

log "OpenSSL $openssl_version"
src=$(fetch openssl "$openssl_version" openssl-)
(cd "$src" && ./Configure mingw64 no-shared no-asm no-tests no-module --cross-compile-prefix=x86_64-w64-mingw32- \
   --prefix="$sysroot" --libdir=lib >/dev/null && make -j"$jobs" build_libs >/dev/null 2>&1 && make install_dev >/dev/null)

log "libssh2 $libssh2_version"
src=$(fetch libssh2 "$libssh2_version" libssh2-)
cmake_build "$src" -DCRYPTO_BACKEND=OpenSSL -DOPENSSL_ROOT_DIR="$sysroot" -DOPENSSL_USE_STATIC_LIBS=ON \
  -DENABLE_ZLIB_COMPRESSION=ON -DZLIB_LIBRARY="$sysroot/lib/libz.a" -DZLIB_INCLUDE_DIR="$sysroot/include" \
  -DBUILD_EXAMPLES=OFF -DBUILD_TESTING=OFF

log "pugixml $pugixml_version"
src=$(fetch pugixml "$pugixml_version" pugixml-)
cmake_build "$src" -DPUGIXML_BUILD_TESTS=OFF

log "fmt $fmtlib_version"
src=$(fetch fmtlib "$fmtlib_version" fmtlib-)
cmake_build "$src" -DFMT_DOC=OFF -DFMT_TEST=OFF

log "googletest $googletest_version"
src=$(fetch googletest "$googletest_version" googletest-)
cmake_build "$src" -Dgtest_disable_pthreads=OFF

# Header-only libraries: the Debian packages' headers and CMake package files serve any target.
cp -r /usr/include/CLI "$sysroot/include/"
cp -r /usr/include/nlohmann "$sysroot/include/"
mkdir -p "$sysroot/share/cmake"
cp -r /usr/share/cmake/nlohmann_json "$sysroot/share/cmake/" 2>/dev/null || cp -r /usr/lib/cmake/nlohmann_json "$sysroot/share/cmake/"
cp -r /usr/share/cmake/CLI11 "$sysroot/share/cmake/" 2>/dev/null || cp -r /usr/lib/cmake/CLI11 "$sysroot/share/cmake/" 2>/dev/null || true

touch "$sysroot/.complete"
log "done: $sysroot ($(du -sh "$sysroot" | cut -f1))"
echo "$sysroot"
