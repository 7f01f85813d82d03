#!/usr/bin/env bash
# Promote a hot standby to primary (failover); docs/deploy.md, "Failover".
#
#   promote.sh --host db2 --port 5433 --user postgres
#
# Before: make sure the old primary is down and stays down (never two primaries). After:
# point PAKNAM_DATABASE_URL at this server and restart paknam's processes.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: promote.sh --port PORT [options]
  --host HOST     the standby's address (default 127.0.0.1)
  --port PORT     the standby's port
  --user USER     a superuser, or a role granted EXECUTE on pg_promote (default postgres)
  --clear-sync    also clear synchronous_standby_names on the promoted server: otherwise,
                  if it is set (e.g. copied from the old primary), every commit waits for a
                  standby that is not there yet
  --bindir DIR    PostgreSQL programs (default $PG_BINDIR, or /usr/lib/postgresql/15/bin)
USAGE
  exit 2
}

host=127.0.0.1 port="" user=postgres clear_sync=0
bindir="${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
while [ $# -gt 0 ]; do
  case "$1" in
    --host) host="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --clear-sync) clear_sync=1; shift ;;
    --bindir) bindir="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "promote.sh: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$port" ] || usage
sql() { "$bindir/psql" -X -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d postgres -Atc "$1"; }

if [ "$(sql "SELECT pg_is_in_recovery()")" != t ]; then
  echo "promote.sh: $host:$port is not a standby (already a primary?): nothing done" >&2
  exit 2
fi
# pg_promote waits (up to 60 s) until the server accepts writes.
if [ "$(sql "SELECT pg_promote(wait => true, wait_seconds => 60)")" != t ]; then
  echo "promote.sh: $host:$port did not finish promotion within 60 s" >&2
  exit 1
fi
timeline="$(sql "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")"
echo "promoted $host:$port: now a primary (accepts writes; timeline $timeline)"
sync_names="$(sql "SHOW synchronous_standby_names")"
if [ -n "$sync_names" ]; then
  if [ "$clear_sync" = 1 ]; then
    sql "ALTER SYSTEM SET synchronous_standby_names = ''" >/dev/null
    sql "SELECT pg_reload_conf()" >/dev/null
    echo "cleared synchronous_standby_names (was '$sync_names'): commits no longer wait"
  else
    echo "warning: synchronous_standby_names = '$sync_names': commits wait for that standby;" \
      "add one (make-replica.sh) or run again with --clear-sync" >&2
  fi
fi
echo "next: set PAKNAM_DATABASE_URL to this server and restart paknam's processes"
