#!/bin/sh
# `make run`'s server: the background worker of the database task queue (`manage.py db_worker`),
# a small schedule in place of cron (every five minutes: enqueue the intake mailboxes' polls and
# the webhook retries that are due) and the web server, side by side; Ctrl-C (or the web server
# ending) stops them all.
# Usage: scripts/serve.sh PYTHON ADDRESS:PORT
set -u
PYTHON=${1:?python}
ADDRESS=${2:-127.0.0.1:8000}
"$PYTHON" manage.py db_worker --no-reload --queue-name "*" --interval 1 &
WORKER=$!
(
    while sleep 300; do
        "$PYTHON" manage.py poll_intake >/dev/null 2>&1
        "$PYTHON" manage.py deliver_webhooks >/dev/null 2>&1
    done
) &
SCHEDULE=$!
stop() {
    trap - INT TERM EXIT
    kill -TERM "$SCHEDULE" "$WORKER" 2>/dev/null
    wait "$WORKER" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT
"$PYTHON" manage.py runserver --noreload "$ADDRESS"
