#!/bin/sh
# Installs dynoxide (the DynamoDB emulator) into $1 from the committed lockfile beside this script.
# Run by local-aws/pom.xml (exec-maven-plugin); $2 is "offline=true" when Maven runs offline.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=$1
offline=${2:-offline=false}

if ! command -v npm >/dev/null 2>&1; then
    echo "local AWS needs npm to install dynoxide (its DynamoDB emulator): install Node.js and npm" \
         "(e.g. apt-get install nodejs npm), then build again" >&2
    exit 1
fi
platform="$(uname -s)/$(uname -m)"
case "$platform" in
    Linux/x86_64) ;;
    *)
        echo "local AWS has no dynoxide build for $platform: its lockfile holds @dynoxide/linux-x64 only." \
             "Build and run local AWS on Linux x86-64, or run Drover against AWS or another DynamoDB endpoint" >&2
        exit 1
        ;;
esac

mkdir -p "$target"
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$target/"
cd "$target"
if [ "$offline" = offline=true ]; then
    npm ci --offline --no-audit --no-fund --loglevel=warn
else
    npm ci --prefer-offline --no-audit --no-fund --loglevel=warn
fi
