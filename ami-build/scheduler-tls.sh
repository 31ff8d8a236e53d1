#!/usr/bin/env bash
# The scheduler replicas' one TLS identity, kept in an SSM SecureString parameter (PEM: the private
# key, then the certificate). drover-scheduler.service runs it before every start:
#
#   scheduler-tls.sh PARAMETER DNS_NAME FILE
#
# reads the parameter into FILE (mode 0600, for --tls-cert and --tls-key). When there is no parameter
# yet (the stack's first replica), it makes a self-signed EC P-256 certificate naming DNS_NAME (the
# load balancer's name, which clients connect to) and creates the parameter without overwrite: of
# replicas that start at once, one creation wins and the others read the winner's. CloudFormation
# cannot create a SecureString, hence this. The key never appears on a command line: openssl writes
# it to a 0600 file and the AWS CLI reads the parameter's value from that file (file://).
#
# Exit 2: bad arguments; 255: SSM or openssl failed (the unit restarts and tries again).
set -euo pipefail

usage() {
    echo "usage: scheduler-tls.sh PARAMETER DNS_NAME FILE (PARAMETER starts with /; DNS_NAME is letters, digits, dots, hyphens)" >&2
    exit 2
}

[[ $# -eq 3 && $1 == /* && $2 =~ ^[A-Za-z0-9.-]+$ && -n $3 ]] || usage
parameter=$1
dns_name=$2
out=$3
# The AWS CLI v1 reads only AWS_DEFAULT_REGION; the scheduler's env file sets AWS_REGION.
if [[ -n ${AWS_REGION:-} ]]; then
    export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-$AWS_REGION}
fi

umask 077
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
    echo "scheduler-tls.sh: $1" >&2
    cat "$work/error" >&2 2>/dev/null || true
    exit 255
}

# The parameter's value into $work/identity.pem; returns 1 when there is no such parameter.
read_parameter() {
    if aws ssm get-parameter --name "$parameter" --with-decryption --query Parameter.Value --output text \
        >"$work/identity.pem" 2>"$work/error"; then
        return 0
    fi
    grep -q ParameterNotFound "$work/error" && return 1
    fail "cannot read $parameter"
}

# A new key and self-signed certificate into $work/new.pem.
make_identity() {
    cat >"$work/openssl.cnf" <<EOF
[req]
distinguished_name = dn
x509_extensions = ext
prompt = no
[dn]
CN = drover scheduler
[ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$dns_name, DNS:localhost, IP:127.0.0.1
EOF
    openssl req -x509 -config "$work/openssl.cnf" -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
        -days 3650 -keyout "$work/key.pem" -out "$work/certificate.pem" 2>"$work/error" \
        || fail "openssl could not make a certificate"
    cat "$work/key.pem" "$work/certificate.pem" >"$work/new.pem"
}

# Creates the parameter from $work/new.pem; returns 1 when another replica created it first.
create_parameter() {
    if aws ssm put-parameter --name "$parameter" --type SecureString --no-overwrite \
        --description "Drover scheduler replicas' TLS key and certificate (PEM)" \
        --value "file://$work/new.pem" >/dev/null 2>"$work/error"; then
        return 0
    fi
    grep -q ParameterAlreadyExists "$work/error" && return 1
    fail "cannot create $parameter"
}

if read_parameter; then
    echo "scheduler-tls.sh: read the replicas' certificate from $parameter"
else
    make_identity
    if create_parameter; then
        cp "$work/new.pem" "$work/identity.pem"
        echo "scheduler-tls.sh: made a certificate for $dns_name and stored it in $parameter"
    else
        read_parameter || fail "$parameter was created by another replica but cannot be found"
        echo "scheduler-tls.sh: another replica stored its certificate in $parameter first: using that one"
    fi
fi

if ! grep -q -e '-----BEGIN PRIVATE KEY-----' "$work/identity.pem" \
    || ! openssl x509 -noout -in "$work/identity.pem" 2>"$work/error"; then
    fail "$parameter does not hold a PEM private key and certificate"
fi

# Beside the target and renamed, so the scheduler never reads half a file.
mkdir -p "$(dirname "$out")" # 0700: umask 077
tmp=$(mktemp "$out.XXXXXX")
# Without blank lines: the CLI's text output adds a newline to the value it read.
grep -v '^[[:space:]]*$' "$work/identity.pem" >"$tmp"
mv -f "$tmp" "$out"
echo "scheduler-tls.sh: wrote $out"
