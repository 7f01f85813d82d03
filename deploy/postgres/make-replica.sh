#!/usr/bin/env bash
# Make a streaming hot standby (read replica) of a PostgreSQL primary with pg_basebackup.
# Run it as the PostgreSQL OS user on the replica's machine; docs/deploy.md, "Read replica".
#
#   make-replica.sh --primary-host db1 --primary-port 5432 --user replicator \
#       --pgdata /var/lib/postgresql/15/replica --port 5433 --name replica1 --slot replica1 --start
#
# The primary needs a role with REPLICATION (or a superuser), a `host replication ...` line
# in pg_hba.conf for this machine, and max_wal_senders > 0 (the default 10 will do).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: make-replica.sh --pgdata DIR --port PORT [options]
  --primary-host HOST   the primary's address (default 127.0.0.1)
  --primary-port PORT   the primary's port (default 5432)
  --user USER           role with REPLICATION on the primary (default postgres); a password
                        comes from ~/.pgpass or PGPASSWORD, never from the command line
  --pgdata DIR          the replica's data folder: absent or empty
  --port PORT           the port the replica listens on
  --name NAME           application_name the primary sees (pg_stat_replication, and
                        synchronous_standby_names); default replica1
  --slot SLOT           create and use a physical replication slot: the primary keeps
                        the WAL this replica has not received yet
  --socket-dir DIR      unix_socket_directories of the replica (default: as the primary's)
  --bindir DIR          PostgreSQL programs (default $PG_BINDIR, or /usr/lib/postgresql/15/bin)
  --start               start the replica (log: DIR/replica.log) and wait until it streams
  --no-sync             do not fsync the copy (throwaway test clusters only: a crash of this
                        machine right after the copy could leave it corrupt)
USAGE
  exit 2
}

primary_host=127.0.0.1 primary_port=5432 user=postgres pgdata="" port="" name=replica1
slot="" socket_dir="" start=0 sync_args=()
bindir="${PG_BINDIR:-/usr/lib/postgresql/15/bin}"
while [ $# -gt 0 ]; do
  case "$1" in
    --primary-host) primary_host="$2"; shift 2 ;;
    --primary-port) primary_port="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --pgdata) pgdata="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --name) name="$2"; shift 2 ;;
    --slot) slot="$2"; shift 2 ;;
    --socket-dir) socket_dir="$2"; shift 2 ;;
    --bindir) bindir="$2"; shift 2 ;;
    --start) start=1; shift ;;
    --no-sync) sync_args=(--no-sync); shift ;;
    -h|--help) usage ;;
    *) echo "make-replica.sh: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$pgdata" ] && [ -n "$port" ] || usage
[ -x "$bindir/pg_basebackup" ] || { echo "make-replica.sh: no pg_basebackup in $bindir (--bindir)" >&2; exit 2; }
if [ -d "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then
  echo "make-replica.sh: $pgdata is not empty: refusing to overwrite it" >&2
  exit 2
fi
if [ "$(id -u)" = 0 ]; then
  echo "make-replica.sh: run it as the PostgreSQL OS user (e.g. runuser -u postgres -- $0 ...)" >&2
  exit 2
fi

# -R writes standby.signal and primary_conninfo (with application_name) into the copy;
# -X stream copies the WAL written meanwhile, so the copy starts consistent.
slot_args=()
[ -n "$slot" ] && slot_args=(--slot="$slot" --create-slot)
echo "copying ${user}@${primary_host}:${primary_port} into $pgdata"
"$bindir/pg_basebackup" --pgdata="$pgdata" \
  --dbname="host=$primary_host port=$primary_port user=$user application_name=$name" \
  --wal-method=stream --write-recovery-conf --checkpoint=fast "${slot_args[@]}" "${sync_args[@]}"
chmod 700 "$pgdata"

# Settings of the replica itself (postgresql.auto.conf wins over postgresql.conf).
{
  echo "# make-replica.sh: this server is the read replica $name"
  echo "port = $port"
  echo "hot_standby = on"
  echo "hot_standby_feedback = on  # long public reads are not cancelled by the primary's vacuum"
  [ -n "$socket_dir" ] && echo "unix_socket_directories = '$socket_dir'"
} >>"$pgdata/postgresql.auto.conf"
echo "replica $name: $pgdata, port $port, streaming from $primary_host:$primary_port"

if [ "$start" = 1 ]; then
  "$bindir/pg_ctl" --pgdata="$pgdata" --log="$pgdata/replica.log" --wait start >/dev/null
  status=""
  for _ in $(seq 1 300); do  # up to 30 s
    status="$("$bindir/psql" -X -h 127.0.0.1 -p "$port" -U "$user" -d postgres -Atc \
      "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)"
    [ "$status" = streaming ] && break
    sleep 0.1
  done
  if [ "$status" != streaming ]; then
    echo "make-replica.sh: the replica started but does not stream (see $pgdata/replica.log)" >&2
    exit 1
  fi
  echo "replica $name is streaming (hot standby: read-only queries on port $port)"
fi
