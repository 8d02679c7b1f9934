#!/usr/bin/env bash
# Installs every Debian bookworm package the build, the simulated board, the tests and the demo need.
# Idempotent: when everything is present it returns without touching apt. Run as root.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # C++ libraries
  libgtest-dev libgmock-dev nlohmann-json3-dev libcli11-dev libfmt-dev libpugixml-dev
  libssh2-1-dev libssl-dev libboost-dev libboost-filesystem-dev libfuse3-dev
  # fuzzing (libFuzzer)
  clang-14 libclang-rt-14-dev
  # firmware test images and signatures
  gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi openssl
  # simulated board
  openssh-server openssh-client dropbear-bin socat fuse3 iproute2 util-linux procps psmisc kmod python3
  # serial-port holder tests; slow local files for the cancel tests (strace's syscall delay injection)
  picocom time strace
  # JNI, plug-in and Eclipse tests
  openjdk-17-jdk-headless default-jdk-headless junit5
  libeclipse-debug-core-java libeclipse-core-runtime-java libeclipse-osgi-java libequinox-launcher-java
  libeclipse-core-variables-java libeclipse-core-resources-java libeclipse-core-expressions-java
  libeclipse-debug-ui-java libeclipse-ui-workbench-java libeclipse-jface-java libeclipse-ui-console-java
  libswt-gtk-4-java libswt-gtk-4-jni libswt-cairo-gtk-4-jni libfelix-scr-java libequinox-console-java libosgi-compendium-java libgoogle-gson-java
  libfelix-gogo-runtime-java libfelix-gogo-shell-java libfelix-gogo-command-java
  libequinox-event-java libbatik-java libcommons-jxpath-java libeclipse-emf-ecore-change-java libservlet-api-java
  libbcutil-java libjna-java libjna-platform-java libxz-java libbcprov-java libbcpg-java
  xvfb xauth imagemagick x11-apps
  # Windows x86-64 cross build (posix threads) and its tests under wine; dpkg-dev for `apt-get source`
  # (scripts/windows/build-deps.sh builds OpenSSL, libssh2, pugixml, fmt and GoogleTest from source packages;
  # curl fetches the libssh2 security patches, whose .dsc the mirror does not serve)
  g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev
  libz-mingw-w64-dev wine wine64 dpkg-dev curl patch xz-utils
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (apt-get install is needed)" >&2
  exit 2
fi

# Source packages for the Windows dependency build: bookworm's deb-src, beside the binary sources.
src_list=/etc/apt/sources.list.d/stm32mp-prelaunch-src.sources
if [ ! -f "$src_list" ]; then
  cat >"$src_list" <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  need_update=1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  [ -n "${need_update:-}" ] && apt-get update -qq
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
