#!/usr/bin/env bash
# Builds the bundle jar: classes of the given jars, plugin.xml, gson (Bundle-ClassPath) and the JNI
# library under lib/<os>-<arch>/ (Bundle-NativeCode). Called by java-bridge/CMakeLists.txt.
set -euo pipefail
out= stage= manifest= plugin_xml= gson=
jars=() natives=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2 ;;
    --stage) stage=$2 ;;
    --manifest) manifest=$2 ;;
    --plugin-xml) plugin_xml=$2 ;;
    --jar) jars+=("$2") ;;
    --gson) gson=$2 ;;
    --native) natives+=("$2") ;;
    *) echo "assemble-bundle: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
rm -rf "$stage" && mkdir -p "$stage/lib"
for j in "${jars[@]}"; do (cd "$stage" && jar xf "$j"); done
rm -rf "$stage/META-INF"
cp "$plugin_xml" "$stage/plugin.xml"
cp "$gson" "$stage/lib/gson.jar"
for n in "${natives[@]}"; do
  platform=${n%%=*} file=${n#*=}
  mkdir -p "$stage/lib/$platform"
  cp "$file" "$stage/lib/$platform/"
  case "$file" in
    *.dll) x86_64-w64-mingw32-strip --strip-unneeded "$stage/lib/$platform/$(basename "$file")" ;;
    *) strip --strip-unneeded "$stage/lib/$platform/$(basename "$file")" ;;
  esac
done
rm -f "$out"
jar --create --file "$out" --manifest "$manifest" -C "$stage" .
