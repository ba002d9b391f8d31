#!/usr/bin/env bash
# Builds Apicurio Registry (pom.xml beside this script) into a Quarkus
# fast-jar under ~/.cache/ringtap, once per content of this folder, and
# prints the path of its quarkus-run.jar. A warm cache costs nothing; a cold
# build takes about a minute once Maven has the artifacts (a few more
# minutes to fetch them, ~130 MB).
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${RINGTAP_CACHE:-$HOME/.cache/ringtap}
version=$(sed -n 's|.*<apicurio.version>\(.*\)</apicurio.version>.*|\1|p' "$SRC/pom.xml")
key=$(cd "$SRC" && find build.sh pom.xml ringtap.properties src -type f | sort | xargs sha256sum | sha256sum | cut -c1-12)
OUT=$CACHE/apicurio-$version-$key
JAR=$OUT/quarkus-app/quarkus-run.jar
[[ -f $JAR ]] && { echo "$JAR"; exit 0; }

mkdir -p "$CACHE"
exec 9>"$CACHE/apicurio.lock"
flock 9
[[ -f $JAR ]] && { echo "$JAR"; exit 0; }
BUILD=$(mktemp -d "$CACHE/apicurio-build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
cp -r "$SRC/pom.xml" "$SRC/src" "$BUILD/"
mkdir -p "$BUILD/src/main/resources"
cd "$BUILD"
mvn -B -q dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$version" -DoutputDirectory="$BUILD/app" >&2
python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("application.properties"))' \
	"$BUILD/app/apicurio-registry-app-$version.jar" >src/main/resources/application.properties
cat "$SRC/ringtap.properties" >>src/main/resources/application.properties
mvn -B -q package -DskipTests >&2
rm -rf "$OUT"
mkdir -p "$OUT"
mv target/quarkus-app "$OUT/"
echo "$JAR"
