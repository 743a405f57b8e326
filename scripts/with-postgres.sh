#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server beside it, then stops the server and removes
# its files whatever the command did:
#
#   scripts/with-postgres.sh cargo test
#
# The command sees VETTED_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres (trust
# authentication, superuser; tests create their own databases and roles in it), the folder of
# its Unix socket in VETTED_TEST_POSTGRES_SOCKET_DIR (same port, trusted too), and
# VETTED_REQUIRE_POSTGRES=1, so tests that need the server fail instead of skipping. Members of
# the role `vetted_password_login` must give their password (scram-sha-256): tests of passwords
# create their login roles IN ROLE vetted_password_login.
# The server also takes TLS (either kind of session is allowed): its certificate names only
# `localhost` and is signed by the CA in VETTED_TEST_POSTGRES_CA; VETTED_TEST_POSTGRES_OTHER_CA is
# a CA that signed nothing the server holds (for tests of refused certificates).
# PostgreSQL comes from Debian's `postgresql` package (scripts/setup.sh test installs it).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: PostgreSQL is not installed; run: bash scripts/setup.sh test" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/vetted-pg.XXXXXX)
chown postgres "$dir"
as_postgres() { runuser -u postgres -- "$@"; }
stop() {
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

# A throwaway CA and a server certificate for `localhost` only (openssl is installed).
tls() { openssl "$@" >/dev/null 2>&1; }
tls req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Vetted test CA" \
  -keyout "$dir/ca.key" -out "$dir/ca.pem"
tls req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Vetted other CA" \
  -keyout "$dir/other-ca.key" -out "$dir/other-ca.pem"
tls req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr"
printf 'subjectAltName=DNS:localhost\n' > "$dir/server.ext"
tls x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
  -days 2 -extfile "$dir/server.ext" -out "$dir/server.pem"
chown postgres "$dir/server.key" && chmod 600 "$dir/server.key"

# A free TCP port: ask the kernel for one.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
# First match wins: password logins first, everyone else trusted (a throwaway server only).
cat > "$dir/data/pg_hba.conf" <<'HBA'
local all all                                  trust
host  all +vetted_password_login 127.0.0.1/32  scram-sha-256
host  all all                    127.0.0.1/32  trust
HBA
as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on \
      -c ssl_cert_file=$dir/server.pem -c ssl_key_file=$dir/server.key" start >/dev/null \
  || { cat "$dir/log" >&2; exit 1; }

export VETTED_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
export VETTED_TEST_POSTGRES_SOCKET_DIR="$dir"
export VETTED_TEST_POSTGRES_CA="$dir/ca.pem" VETTED_TEST_POSTGRES_OTHER_CA="$dir/other-ca.pem"
"$bin/psql" -q -v ON_ERROR_STOP=1 "$VETTED_TEST_POSTGRES_URL" \
  -c "CREATE ROLE vetted_password_login NOLOGIN" >/dev/null
export VETTED_REQUIRE_POSTGRES=1
"$@"
