#!/usr/bin/env bash
# Before the tests (npm's pretest, and pretest:postgres): makes sure a PostgreSQL server is there
# for the suite's second run and for the embedded run's `npm run migrate` test. When
# TEST_DATABASE_URL is not set and nothing answers on 127.0.0.1:5432, it starts Debian's cluster
# (pg_ctlcluster) and creates the role `notiziario` (password `notiziario`, CREATEDB) that
# test/helpers/database.ts connects as. It needs root for that; otherwise it says
# what to do and fails.
set -uo pipefail

if [ -n "${TEST_DATABASE_URL:-}" ]; then exit 0; fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && PGPASSWORD=notiziario psql -q -h 127.0.0.1 -U notiziario -d postgres -c 'select 1' >/dev/null 2>&1; then
  exit 0
fi

cluster=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -n "$cluster" ] && [ "$(id -u)" -eq 0 ]; then
  # pg_ctl gives up waiting after 60 s, but a server that was not shut down cleanly goes on with
  # its crash recovery (it syncs the whole data directory first): wait for it to take connections.
  pg_ctlcluster $cluster start 2>/dev/null || true
  for second in $(seq 1 900); do
    su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
    if [ $((second % 30)) -eq 0 ]; then echo "test:postgres: PostgreSQL is still starting (${second} s; see its log)" >&2; fi
    sleep 1
  done
  su postgres -c "psql -qc \"do \\\$\\\$ begin if not exists (select from pg_roles where rolname = 'notiziario') then create role notiziario login createdb password 'notiziario'; end if; end \\\$\\\$\"" >/dev/null
  if PGPASSWORD=notiziario psql -q -h 127.0.0.1 -U notiziario -d postgres -c 'select 1' >/dev/null 2>&1; then exit 0; fi
fi

echo "test:postgres: no PostgreSQL for the tests at 127.0.0.1:5432 (role notiziario, password notiziario)." >&2
echo "  Debian: apt-get install postgresql, then run this as root, or set TEST_DATABASE_URL (see README, Two commands)." >&2
exit 1
