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
# bookworm-security's libssh2 1.10.0-3+deb12u1 (CVE-2025-15661, CVE-2026-7598, -58050, -58051, -66032,
# -66034): the mirror serves its debian tarball but not its .dsc (404), so apt-get source cannot fetch it;
# the build takes 1.10.0-3's source and applies the security patches of that tarball, pinned by its hash
# (the one bookworm-security's Sources index lists).
libssh2_security=1.10.0-3+deb12u1
libssh2_security_tarball=http://deb.debian.org/debian-security/pool/updates/main/libs/libssh2/libssh2_1.10.0-3+deb12u1.debian.tar.xz
libssh2_security_sha256=e4da32facae7fea48f1ba73ba1a17214ee88863143517bf7e4d58a6149deb792
libssh2_security_patches="0005 0006 0007 0008 0009 0010"
pugixml_version=1.13-0.2
fmtlib_version=9.1.0+ds1-2
googletest_version=1.12.1-0.2
gcc_version=$(x86_64-w64-mingw32-g++-posix -dumpfullversion)
zlib_version=$(dpkg-query -W -f='${Version}' libz-mingw-w64-dev)

key="gcc${gcc_version}-openssl${openssl_version}-libssh2${libssh2_security}-pugixml${pugixml_version}-fmt${fmtlib_version}-gtest${googletest_version}-zlib${zlib_version}"
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

# OpenSSL, by far the longest build (~7 min on 2 idle cores, far more on a loaded machine), has a cache of
# its own keyed by the compiler and its version, so a change to another library (libssh2's security
# patches) does not build it again. A complete sysroot of the earlier one-directory layout with the same
# compiler and OpenSSL already holds that build: its OpenSSL files are taken over once.
openssl_key="gcc${gcc_version}-openssl${openssl_version}"
openssl_key=${openssl_key//[~+:]/_}
openssl_dir=$cache_root/mingw-w64-x86_64/openssl/$openssl_key
if [ ! -f "$openssl_dir/.complete" ]; then
  rm -rf "$openssl_dir"
  mkdir -p "$openssl_dir/lib/pkgconfig"
  earlier=
  for d in "$cache_root/mingw-w64-x86_64/$openssl_key"-*/; do
    [ -f "$d.complete" ] && [ -f "$d/lib/libcrypto.a" ] && { earlier=${d%/}; break; }
  done
  if [ -n "$earlier" ]; then
    log "OpenSSL $openssl_version: taken from $earlier"
    cp -r "$earlier/include/openssl" "$openssl_dir/include-openssl.tmp"
    mkdir -p "$openssl_dir/include" && mv "$openssl_dir/include-openssl.tmp" "$openssl_dir/include/openssl"
    cp "$earlier/lib/libcrypto.a" "$earlier/lib/libssl.a" "$openssl_dir/lib/"
    for pc in libcrypto.pc libssl.pc openssl.pc; do
      [ -f "$earlier/lib/pkgconfig/$pc" ] && sed "s|$earlier|$openssl_dir|g" "$earlier/lib/pkgconfig/$pc" >"$openssl_dir/lib/pkgconfig/$pc"
    done
  else
    log "OpenSSL $openssl_version"
    src=$(fetch openssl "$openssl_version" openssl-)
    (cd "$src" && ./Configure mingw64 no-shared no-asm no-tests no-module --cross-compile-prefix=x86_64-w64-mingw32- \
       --prefix="$openssl_dir" --libdir=lib >/dev/null && make -j"$jobs" build_libs >/dev/null 2>&1 && make install_dev >/dev/null)
  fi
  touch "$openssl_dir/.complete"
fi
cp -r "$openssl_dir/include/." "$sysroot/include/"
cp -r "$openssl_dir/lib/." "$sysroot/lib/"

log "libssh2 $libssh2_version + the $libssh2_security patches"
src=$(fetch libssh2 "$libssh2_version" libssh2-)
mkdir "$work/libssh2-security"
curl -fsS --connect-timeout 20 --max-time 120 -o "$work/libssh2-security.tar.xz" "$libssh2_security_tarball" || {
  log "could not download $libssh2_security_tarball"; exit 1; }
echo "$libssh2_security_sha256  $work/libssh2-security.tar.xz" | sha256sum -c --quiet - || {
  log "$libssh2_security_tarball does not have the pinned sha256"; exit 1; }
tar -xJf "$work/libssh2-security.tar.xz" -C "$work/libssh2-security"
for n in $libssh2_security_patches; do
  patch -d "$src" -p1 -s --forward <"$(ls "$work"/libssh2-security/debian/patches/"$n"-*.patch)" || {
    log "libssh2 security patch $n does not apply"; exit 1; }
done
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
