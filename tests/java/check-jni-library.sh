#!/usr/bin/env bash
# The JNI library must load on a stock desktop from inside an OSGi bundle: it may need only glibc's
# own libraries (no libssh2/libssl/libfmt/libstdc++, which a bundle cannot provide), and it must
# export only the JNI entry points (no third-party symbols leaking into the IDE's process).
# Usage: check-jni-library.sh LIB.so
set -euo pipefail
lib=$1
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "NEEDED: $(echo $needed)"
bad=$(echo "$needed" | grep -v -E '^(libc|libm|libpthread|libdl|librt|ld-linux-x86-64)\.so' || true)
if [ -n "$bad" ]; then
  echo "check-jni-library: depends on libraries a stock desktop may lack: $bad" >&2
  exit 1
fi
exports=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}')
leaked=$(echo "$exports" | grep -v -E '^(Java_com_stm32mp_prelaunch_bridge_PreLaunchNative_[A-Za-z]+|JNI_OnLoad|JNI_OnUnload)$' || true)
if [ -n "$leaked" ]; then
  echo "check-jni-library: exports more than the JNI entry points:" >&2
  echo "$leaked" | head -20 >&2
  exit 1
fi
echo "check-jni-library: $(echo "$exports" | wc -l) exported JNI symbols, glibc only"
