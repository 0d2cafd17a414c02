#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a throwaway Postgres cluster on a free loopback port, then stops the
# cluster and deletes it. Installs Debian's `postgresql` with apt-get when no Postgres binaries are found.
#   bash scripts/indexer/with-postgres.sh npm test -- test/indexer/Indexer.ts
set -uo pipefail

find_bin() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "with-postgres: installing Debian's postgresql"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
  bin=$(find_bin)
fi
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "with-postgres: no Postgres binaries (pg_ctl, initdb) found or installable"
  exit 1
fi

# initdb refuses to run as root: run the cluster as the postgres user then.
as_owner=()
dir=$(mktemp -d)
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(runuser -u postgres --)
  chown postgres "$dir"
fi
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

cleanup() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log"; exit 1; }
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null ||
  { cat "$dir/server.log"; exit 1; }

export DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: Postgres on 127.0.0.1:$port"
"$@"
