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

# --- UI (workbench) runtime only ---------------------------------------------------------------
# org.osgi.service.event API (imported by ui.ide, e4 workbench) is not a bundle in Debian either.
mkdir -p "$out/event"
(cd "$out/event" && unzip -q "$cmpn" 'org/osgi/service/event/*')
cat > "$out/event.mf" <<'MF'
Bundle-ManifestVersion: 2
Bundle-SymbolicName: org.osgi.service.event
Bundle-Version: 1.4.0
Export-Package: org.osgi.service.event;version="1.4.0"
MF
jar --create --file "$out/org.osgi.service.event_1.4.0.jar" --manifest "$out/event.mf" -C "$out/event" .

# Debian's SWT jar says Bundle-Version 3.114.100 although its code is 4.26 (SWT 4956); ui.workbench
# needs [3.117,4): a copy with the version 4.26's SWT really has.
mkdir -p "$out/swt"
(cd "$out/swt" && unzip -q /usr/share/java/swt4.jar)
sed -i 's/^Bundle-Version: .*/Bundle-Version: 3.121.0/' "$out/swt/META-INF/MANIFEST.MF"
mv "$out/swt/META-INF/MANIFEST.MF" "$out/swt.mf"
jar --create --file "$out/org.eclipse.swt_3.121.0.jar" --manifest "$out/swt.mf" -C "$out/swt" .

# BouncyCastle (needed by p2, which ui.ide requires) has no OSGi manifest in Debian: one wrapper bundle.
mkdir -p "$out/bc"
for j in bcprov bcpg bcutil; do (cd "$out/bc" && unzip -q -o "/usr/share/java/$j.jar" -x 'META-INF/*'); done
packages=$(cd "$out/bc" && find org -name '*.class' -printf '%h\n' | sort -u | tr / . | sed 's/$/;version="1.72.0"/' | paste -sd,)
{
  echo "Bundle-ManifestVersion: 2"
  echo "Bundle-SymbolicName: org.bouncycastle.debian"
  echo "Bundle-Version: 1.72.0"
  echo "Export-Package: $packages"
} | awk '{ line = $0; print substr(line, 1, 70); for (i = 71; i <= length(line); i += 69) print " " substr(line, i, 69) }' > "$out/bc.mf"
jar --create --file "$out/org.bouncycastle.debian_1.72.0.jar" --manifest "$out/bc.mf" -C "$out/bc" .
