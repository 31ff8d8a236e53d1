#!/usr/bin/env bash
# ExecStopPost= of drover-worker.service. The worker exits 0 only when it found no work for its idle
# timeout: then power off, and the launch template's shutdown behaviour (terminate) ends the bill.
# Any other end (a crash, a signal, a stop by hand) is left to Restart= and the unit's start limit.
# systemd sets SERVICE_RESULT, EXIT_CODE and EXIT_STATUS for this hook.
set -euo pipefail

if [[ ${SERVICE_RESULT:-} == success && ${EXIT_CODE:-} == exited && ${EXIT_STATUS:-} == 0 ]]; then
    echo "on-worker-exit.sh: the worker exited idle: powering off"
    systemctl poweroff --no-block
else
    echo "on-worker-exit.sh: result=${SERVICE_RESULT:-?} code=${EXIT_CODE:-?} status=${EXIT_STATUS:-?}: not idle, staying up"
fi
