#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster when it is down and make sure the test role and database
# exist. The suite runs every storage test against it as well as against SQLite.
set -euo pipefail
ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q "^$ver main"; then
  pg_createcluster "$ver" main >/dev/null
fi
if ! pg_lsclusters -h | grep "^$ver main" | grep -q online; then
  echo "==> starting PostgreSQL $ver"
  pg_ctlcluster "$ver" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='onsite'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role onsite login superuser password 'onsite'\""
su postgres -c "psql -qtAc \"select 1 from pg_database where datname='onsite_test'\"" | grep -q 1 \
  || su postgres -c "psql -qc 'create database onsite_test owner onsite'"
