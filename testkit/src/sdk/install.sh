#!/bin/sh
# Installs the plug-in API and the contract test kit from this folder into your local Maven
# repository (~/.m2), so a plug-in project can depend on org.authhost:authhost-api and
# org.authhost:authhost-testkit. Needs mvn on the PATH (or MVN=/path/to/mvn or mvnw); extra
# arguments go to mvn (e.g. -q, -o, -Dmaven.repo.local=...). The install plug-in is named with its
# version: without one, Maven may fall back on its old default (2.4), which offline it cannot find.
set -e
sdk=$(cd "$(dirname "$0")" && pwd)
mvn=${MVN:-mvn}
install=org.apache.maven.plugins:maven-install-plugin:3.1.3:install-file
"$mvn" "$@" "$install" -Dfile="$sdk/authhost-api.jar" -DpomFile="$sdk/authhost-api.pom" \
  -Djavadoc="$sdk/authhost-api-javadoc.jar"
"$mvn" "$@" "$install" -Dfile="$sdk/authhost-testkit.jar" -DpomFile="$sdk/authhost-testkit.pom"
