#!/usr/bin/env bash
# Reads this instance's user data through IMDSv2 (a token PUT, then a GET).
#
#   fetch-config.sh FILE     write the user data's KEY=VALUE lines to FILE, for systemd's EnvironmentFile=
#   fetch-config.sh --check  exit 0 if the user data is such an env file (a worker host); exit 1 if it is
#                            empty, a script or cloud-config (the scheduler host, or an instance started
#                            by hand), which as an ExecCondition= makes systemd skip the unit quietly
#
# Not reaching the metadata service exits 255: a failure (so the unit restarts), never a skip.
# DROVER_IMDS_ENDPOINT points it elsewhere (the tests serve user data on loopback).
set -euo pipefail

imds=${DROVER_IMDS_ENDPOINT:-http://169.254.169.254}
curl_opts=(--silent --show-error --max-time 5 --retry 5 --retry-connrefused --retry-delay 1)

usage() {
    echo "usage: fetch-config.sh FILE | --check" >&2
    exit 2
}

[[ $# -eq 1 ]] || usage
user_data=$(mktemp)
trap 'rm -f "$user_data"' EXIT

token=$(curl "${curl_opts[@]}" --fail -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" \
    "$imds/latest/api/token") || exit 255
status=$(curl "${curl_opts[@]}" -o "$user_data" -w '%{http_code}' -H "X-aws-ec2-metadata-token: $token" \
    "$imds/latest/user-data") || exit 255
case $status in
    200) ;;
    404) : >"$user_data" ;; # no user data at all
    *)
        echo "fetch-config.sh: metadata service answered $status for user-data" >&2
        exit 255
        ;;
esac

# Environment lines only, without carriage returns: comments and blank lines drop out.
env_lines() {
    tr -d '\r' <"$user_data" | grep -E '^[A-Za-z_][A-Za-z0-9_]*=' || true
}

is_env_file() {
    local first
    first=$(tr -d '\r' <"$user_data" | grep -m 1 -v '^[[:space:]]*$' || true)
    case $first in
        '' | '#!'* | '#cloud-config'* | 'Content-Type:'*) return 1 ;;
    esac
    [[ -n $(env_lines) ]]
}

if [[ $1 == --check ]]; then
    if is_env_file; then
        exit 0
    fi
    echo "fetch-config.sh: user data is not a Drover env file: not a worker host"
    exit 1
fi
[[ $1 != -* ]] || usage

if ! is_env_file; then
    echo "fetch-config.sh: user data has no KEY=VALUE lines for $1" >&2
    exit 1
fi
# Write beside the target and rename, so a reader never sees half a file.
out=$1
tmp=$(mktemp "$out.XXXXXX")
env_lines >"$tmp"
chmod 0600 "$tmp"
mv -f "$tmp" "$out"
echo "fetch-config.sh: wrote $(wc -l <"$out") settings to $out"
