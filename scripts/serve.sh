#!/bin/sh
# `make run`'s server: the background worker of the database task queue (`manage.py db_worker`)
# and the web server side by side; Ctrl-C (or either one ending) stops both.
# Usage: scripts/serve.sh PYTHON ADDRESS:PORT
set -u
PYTHON=${1:?python}
ADDRESS=${2:-127.0.0.1:8000}
"$PYTHON" manage.py db_worker --no-reload --queue-name "*" --interval 1 &
WORKER=$!
stop() {
    trap - INT TERM EXIT
    kill -TERM "$WORKER" 2>/dev/null
    wait "$WORKER" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT
"$PYTHON" manage.py runserver --noreload "$ADDRESS"
