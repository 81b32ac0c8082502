#!/bin/sh
# Start the local services the test suite talks to, when they are not running already.
# PostgreSQL: the web tests run a second time against the real server (trust auth on 127.0.0.1).
set -eu
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
    echo "PostgreSQL is not answering on $PGHOST:$PGPORT; starting it" >&2
    if command -v pg_ctlcluster >/dev/null 2>&1; then
        for version in $(ls /etc/postgresql 2>/dev/null); do
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        done
    elif command -v systemctl >/dev/null 2>&1; then
        systemctl start postgresql || true
    fi
    for _ in $(seq 1 30); do
        pg_isready -q -h "$PGHOST" -p "$PGPORT" && break
        sleep 1
    done
    pg_isready -h "$PGHOST" -p "$PGPORT" || {
        echo "PostgreSQL did not start; the web tests need it (set TEST_DATABASE_URL to use another server)" >&2
        exit 1
    }
fi
# Redis: the "rq" task engine's queue; the worker tests use its database 12 on 127.0.0.1.
REDIS_PORT=${REDIS_PORT:-6379}
if command -v redis-server >/dev/null 2>&1 && ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    echo "Redis is not answering on 127.0.0.1:$REDIS_PORT; starting it" >&2
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.2
    done
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null || {
        echo "Redis did not start; the task tests need it on 127.0.0.1:$REDIS_PORT" >&2
        exit 1
    }
fi
