#!/bin/sh
# Installs the plug-in API and the contract test kit from this folder into your local Maven
# repository (~/.m2), so a plug-in project can depend on org.authhost:authhost-api and
# org.authhost:authhost-testkit. Needs mvn on the PATH; extra arguments go to mvn (e.g. -q, -o).
set -e
sdk=$(cd "$(dirname "$0")" && pwd)
mvn "$@" install:install-file -Dfile="$sdk/authhost-api.jar" -DpomFile="$sdk/authhost-api.pom"
mvn "$@" install:install-file -Dfile="$sdk/authhost-testkit.jar" -DpomFile="$sdk/authhost-testkit.pom"
