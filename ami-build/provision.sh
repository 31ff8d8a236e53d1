#!/usr/bin/env bash
# Installs the Drover worker into the image: Corretto 21, nftables, the AWS CLI and openssl (for the
# scheduler replicas' shared TLS identity), the `drover` system user (the scheduler's), the
# `drover-task` system user (tasks run as it), the jar, the config fetcher, the exit hook, the
# scheduler's TLS fetcher, the firewall rule that keeps tasks off the metadata service, and the
# systemd units. Packer runs it as root on the build instance; the ami-build tests run it against a
# scratch root.
#
#   ROOT (or DESTDIR)     install under this directory instead of /
#   DROVER_JAR            the jar to install (default: drover.jar beside this script)
#   DROVER_SKIP_SYSTEM=1  skip what changes the running system (dnf, useradd, chown)
set -euo pipefail

root=${ROOT:-${DESTDIR:-}}
root=${root%/}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jar=${DROVER_JAR:-$src/drover.jar}
skip_system=${DROVER_SKIP_SYSTEM:-0}

# Runs a command that changes the system, or says it was skipped.
system() {
    if [[ $skip_system == 1 ]]; then
        echo "provision.sh: skipped: $*"
    else
        "$@"
    fi
}

if [[ ! -f $jar ]]; then
    echo "provision.sh: no jar at $jar (build it with: mvn -B package -DskipTests)" >&2
    exit 1
fi

system dnf install -y java-21-amazon-corretto-headless nftables awscli-2 openssl
system dnf clean all
if [[ $skip_system == 1 ]] || ! getent passwd drover >/dev/null; then
    system useradd --system --user-group --home-dir /var/lib/drover --no-create-home \
        --shell /sbin/nologin drover
fi
# Tasks run as drover-task: no login, no home (a task's HOME is its own working directory), no
# group but its own, so it can read none of the worker's files.
if [[ $skip_system == 1 ]] || ! getent passwd drover-task >/dev/null; then
    system useradd --system --user-group --home-dir /nonexistent --no-create-home \
        --shell /sbin/nologin drover-task
fi

install -d -m 0755 "$root/opt/drover/bin" "$root/etc/drover" \
    "$root/etc/systemd/system/multi-user.target.wants"
install -m 0644 "$jar" "$root/opt/drover/drover.jar"
install -m 0755 "$src/fetch-config.sh" "$src/on-worker-exit.sh" "$src/scheduler-tls.sh" "$root/opt/drover/bin/"
install -m 0644 "$src/drover-worker.service" "$src/drover-scheduler.service" \
    "$src/drover-task-firewall.service" "$root/etc/systemd/system/"
install -m 0644 "$src/task-firewall.nft" "$root/etc/drover/task-firewall.nft"

# Empty until boot: fetch-config.sh fills worker.env from the user data, and the scheduler host's
# user data writes scheduler.env. Names and URLs only, no secrets; worker.env is still the worker's
# (root's) alone, so a task learns nothing of the queues and tables it names.
for env_file in worker.env:0600 scheduler.env:0644; do
    if [[ ! -e $root/etc/drover/${env_file%:*} ]]; then
        : >"$root/etc/drover/${env_file%:*}"
        chmod "${env_file#*:}" "$root/etc/drover/${env_file%:*}"
    fi
done

# What `systemctl enable drover-worker.service` does, done by hand so it works the same on a
# scratch root. drover-scheduler.service stays disabled: only the scheduler host's user data enables it.
for unit in drover-worker.service drover-task-firewall.service; do
    ln -sfn "/etc/systemd/system/$unit" "$root/etc/systemd/system/multi-user.target.wants/$unit"
done

echo "provision.sh: installed Drover under ${root:-/}"
