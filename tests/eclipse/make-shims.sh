#!/usr/bin/env bash
# Debian's Eclipse 4.26 jars are not a self-consistent OSGi runtime (docs: shared eclipse-integration §4.2):
# equinox.preferences requires a bundle org.osgi.service.prefs and Felix SCR imports org.osgi.util.promise,
# which no Debian package provides as bundles. Wraps the classes from osgi.cmpn.jar into two shim bundles.
# Usage: make-shims.sh OUT_DIR
set -euo pipefail
out=$1
cmpn=/usr/share/java/osgi.cmpn.jar
rm -rf "$out" && mkdir -p "$out/prefs" "$out/promise"
(cd "$out/prefs" && unzip -q "$cmpn" 'org/osgi/service/prefs/*')
(cd "$out/promise" && unzip -q "$cmpn" 'org/osgi/util/promise/*' 'org/osgi/util/function/*')
cat > "$out/prefs.mf" <<'MF'
Bundle-ManifestVersion: 2
Bundle-SymbolicName: org.osgi.service.prefs
Bundle-Version: 1.1.2
Export-Package: org.osgi.service.prefs;version="1.1.2"
MF
cat > "$out/promise.mf" <<'MF'
Bundle-ManifestVersion: 2
Bundle-SymbolicName: org.osgi.util.promise
Bundle-Version: 1.1.0
Export-Package: org.osgi.util.promise;version="1.1.0";uses:="org.osgi.util.function",org.osgi.util.function;version="1.1.0"
MF
jar --create --file "$out/org.osgi.service.prefs_1.1.2.jar" --manifest "$out/prefs.mf" -C "$out/prefs" .
jar --create --file "$out/org.osgi.util.promise_1.1.0.jar" --manifest "$out/promise.mf" -C "$out/promise" .
