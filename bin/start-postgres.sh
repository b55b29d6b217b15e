#!/usr/bin/env bash
# Starts (once) the PostgreSQL server that the store module's tests talk to, and prints its JDBC URL.
#
#   bin/start-postgres.sh            start if needed, make sure role and database exist, print the URL
#   bin/start-postgres.sh --stop     stop it (the cluster files stay, the next start is quick)
#
# A private cluster in $HEARTGUARD_PG_DIR (default /tmp/heartguard-postgres), listening on 127.0.0.1:55432 only (a
# fixed port that no distribution uses by default), with role heartguard / password heartguard owning the database
# heartguard_test. Idempotent: running it again with the server up only re-checks role and database. As root, the
# server runs as the postgres user (PostgreSQL refuses to run as root). Tests read the URL from
# HEARTGUARD_TEST_POSTGRES_URL, whose default is the URL printed here.
set -euo pipefail

port=${HEARTGUARD_PG_PORT:-55432}
base=${HEARTGUARD_PG_DIR:-/tmp/heartguard-postgres}
data=$base/data
log=$base/server.log
role=heartguard
password=heartguard
database=heartguard_test

fail() { echo "start-postgres: $*" >&2; exit 2; }

bindir=""
for candidate in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
  if [ -x "$candidate/pg_ctl" ]; then bindir=$candidate; break; fi
done
if [ -z "$bindir" ] && command -v pg_ctl >/dev/null; then bindir=$(dirname "$(command -v pg_ctl)"); fi
[ -n "$bindir" ] || fail "no PostgreSQL server found (looked in /usr/lib/postgresql/*/bin and PATH); install postgresql"

# Everything that touches the cluster runs as its owner: postgres when we are root, ourselves otherwise.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || fail "running as root but there is no postgres user to run the server as"
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
  owner=postgres
else
  as_owner() { (cd / && "$@"); }
  owner=$(id -un)
fi

mkdir -p "$base"
[ "$owner" = "$(id -un)" ] || chown "$owner" "$base"
chmod 700 "$base"

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
  echo "start-postgres: stopped" >&2
  exit 0
fi

if [ ! -f "$data/PG_VERSION" ]; then
  # Local socket connections (the owner's administration below) are trusted; TCP needs the password.
  as_owner "$bindir/initdb" -D "$data" -U "$owner" --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C >"$base/initdb.log" 2>&1 || fail "initdb failed, see $base/initdb.log"
fi

if ! as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $base" start >/dev/null \
    || fail "the server did not start on 127.0.0.1:$port, see $log"
fi

psql_admin() { as_owner "$bindir/psql" -h "$base" -p "$port" -U "$owner" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
  psql_admin -c "CREATE ROLE $role LOGIN PASSWORD '$password'" >/dev/null
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE $database OWNER $role" >/dev/null
fi

echo "jdbc:postgresql://127.0.0.1:$port/$database?user=$role&password=$password"
