#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL and Redis on free loopback ports, then stops them,
# whatever the command's outcome. Never reuses a server it did not start.
set -euo pipefail

workdir=$(mktemp -d /tmp/expertise-services.XXXXXX)
chmod 755 "$workdir"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cleanup() {
  status=$?
  if [ -f "$workdir/redis.pid" ]; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$workdir/redis.pid")" 2>/dev/null || true
  fi
  if [ -f "$workdir/pg/data/postmaster.pid" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$workdir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
  exit $status
}
trap cleanup EXIT INT TERM

pg_port=$(free_port)
install -d -o postgres -g postgres "$workdir/pg"
runuser -u postgres -- "$pg_bin/initdb" -D "$workdir/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$workdir/pg/data" -l "$workdir/pg/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $workdir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres expertise
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --dir "$workdir" --save '' \
  --appendonly no --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log"
for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "Redis on 127.0.0.1:$redis_port"

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/expertise"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export MEDIA_ROOT="$workdir/media"
"$@"
