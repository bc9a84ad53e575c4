#!/usr/bin/env bash
# Makes sure the PostgreSQL and MariaDB servers the tests use are installed and running on
# 127.0.0.1 (PostgreSQL: user postgres, trust auth; MariaDB: user root, empty password).
# Prints nothing when all already answer. Below: the TLS test servers (5433, 3307).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
my_ready() { mariadb-admin --protocol=tcp -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; }

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 1 60); do $check && return 0; sleep 0.5; done
  echo "error: $what did not start on 127.0.0.1; see its log under /var/log." >&2
  exit 1
}

if ! pg_ready; then
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "==> installing PostgreSQL"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n1)
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  fi
  echo "==> starting PostgreSQL"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  wait_for PostgreSQL pg_ready
fi
psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1 from pg_database where datname='test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -d postgres -qc "create database test"

if ! my_ready; then
  if [ ! -x /usr/sbin/mariadbd ]; then
    echo "==> installing MariaDB"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mariadb-server >/dev/null
    fresh_mariadb=1
  fi
  echo "==> starting MariaDB"
  $SUDO mkdir -p /run/mysqld && $SUDO chown mysql:mysql /run/mysqld 2>/dev/null || true
  $SUDO start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  if [ "${fresh_mariadb:-0}" = 1 ]; then
    for _ in $(seq 1 60); do $SUDO mariadb -e "select 1" >/dev/null 2>&1 && break; sleep 0.5; done
    $SUDO mariadb -e "ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')"
  fi
  wait_for MariaDB my_ready
fi
mariadb --protocol=tcp -h 127.0.0.1 -u root -e "CREATE DATABASE IF NOT EXISTS test"

# ---------------------------------------------------------------------------------------------
# TLS test servers, beside the plain ones above (which stay untouched): a throwaway CA and
# certificates under $STRATA_TEST_TLS_DIR, a second PostgreSQL cluster on 5433 that refuses
# plaintext, and a second MariaDB on 3307 with require_secure_transport. The server
# certificate names only DNS:localhost, so verify-full against 127.0.0.1 must fail.
TLS_DIR=${STRATA_TEST_TLS_DIR:-/var/lib/strata-test-tls}
PG_TLS_PORT=5433
MY_TLS_PORT=3307
MY_TLS_DATA=/var/lib/strata-test-mariadb-tls
MY_TLS_SOCK=/run/mysqld/strata-tls.sock
MY_TLS_PID=/run/mysqld/strata-tls.pid
PG_VERSION=$(ls /etc/postgresql | sort -n | tail -n1)
PG_TLS_CONF=/etc/postgresql/$PG_VERSION/strata_tls

# Readiness means "answers over TLS", so a stray plaintext server on the port does not count.
pg_tls_ready() {
  psql "host=localhost port=$PG_TLS_PORT user=postgres dbname=postgres sslmode=require connect_timeout=2" \
    -Atqc "select 1" >/dev/null 2>&1
}
my_tls_ready() {
  mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MY_TLS_PORT" -u root --ssl \
    --connect-timeout=2 -e "select 1" >/dev/null 2>&1
}

make_tls_files() {
  echo "==> creating the test CA and certificates in $TLS_DIR"
  $SUDO mkdir -p "$TLS_DIR"
  local tmp
  tmp=$(mktemp -d)
  (
    cd "$tmp"
    key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
    ca() { # name, subject
      key "$1.key"
      openssl req -x509 -new -key "$1.key" -days 3650 -subj "$2" -out "$1.pem" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    }
    leaf() { # name, subject, extensions
      key "$1.key"
      openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
      printf '%s\n' "$3" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
        -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    }
    ca ca "/CN=Strata test CA"
    ca other-ca "/CN=Strata unrelated test CA"
    leaf server "/CN=localhost" "subjectAltName=DNS:localhost
extendedKeyUsage=serverAuth
basicConstraints=CA:FALSE"
    # PostgreSQL's `cert` auth and MariaDB's REQUIRE SUBJECT match this common name.
    leaf client "/CN=strata_cert" "extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE"
    rm -f ./*.csr ./*.ext ./*.srl
  )
  $SUDO cp "$tmp"/*.pem "$tmp"/*.key "$TLS_DIR"/
  rm -rf "$tmp"
  # Throwaway keys for local servers: the tests (any user) read the client key; the CA keys
  # stay root's. Each server gets its own copy of the server key, owned by its user.
  $SUDO chmod 755 "$TLS_DIR"
  $SUDO chmod 644 "$TLS_DIR"/*.pem "$TLS_DIR"/client.key
  $SUDO chmod 600 "$TLS_DIR"/ca.key "$TLS_DIR"/other-ca.key "$TLS_DIR"/server.key
  for who in postgres mysql; do
    $SUDO install -d -o "$who" -m 700 "$TLS_DIR/$who"
    $SUDO install -o "$who" -m 600 "$TLS_DIR/server.key" "$TLS_DIR/$who/server.key"
  done
  $SUDO touch "$TLS_DIR/.complete"
}

start_pg_tls() {
  if [ ! -d "$PG_TLS_CONF" ]; then
    echo "==> creating the PostgreSQL TLS cluster on port $PG_TLS_PORT"
    $SUDO pg_createcluster "$PG_VERSION" strata_tls -p "$PG_TLS_PORT" >/dev/null
  fi
  $SUDO tee "$PG_TLS_CONF/conf.d/strata-tls.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
ssl = on
ssl_ca_file = '$TLS_DIR/ca.pem'
ssl_cert_file = '$TLS_DIR/server.pem'
ssl_key_file = '$TLS_DIR/postgres/server.key'
password_encryption = 'scram-sha-256'
CONF
  # TLS only from the network: plaintext is rejected before any authentication.
  $SUDO tee "$PG_TLS_CONF/pg_hba.conf" >/dev/null <<HBA
local     all all                  peer
hostssl   all strata_pw   127.0.0.1/32 scram-sha-256
hostssl   all strata_cert 127.0.0.1/32 cert
hostssl   all all         127.0.0.1/32 trust
hostnossl all all         0.0.0.0/0    reject
HBA
  echo "==> starting PostgreSQL (TLS) on port $PG_TLS_PORT"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" strata_tls restart
  wait_for "PostgreSQL (TLS, port $PG_TLS_PORT)" pg_tls_ready
  psql "host=localhost port=$PG_TLS_PORT user=postgres dbname=postgres sslmode=require" -qv ON_ERROR_STOP=1 <<'SQL'
SELECT 'CREATE ROLE strata_pw LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'strata_pw') \gexec
SELECT 'CREATE ROLE strata_cert LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'strata_cert') \gexec
ALTER ROLE strata_pw PASSWORD 'strata-test-pw';
SQL
}

start_my_tls() {
  $SUDO mkdir -p /run/mysqld && $SUDO chown mysql:mysql /run/mysqld
  if [ ! -d "$MY_TLS_DATA/mysql" ]; then
    echo "==> creating the MariaDB TLS data folder $MY_TLS_DATA"
    $SUDO mkdir -p "$MY_TLS_DATA"
    $SUDO chown mysql:mysql "$MY_TLS_DATA"
    $SUDO mariadb-install-db --no-defaults --user=mysql --datadir="$MY_TLS_DATA" \
      --auth-root-authentication-method=socket --skip-test-db >/dev/null
  fi
  echo "==> starting MariaDB (TLS) on port $MY_TLS_PORT"
  $SUDO start-stop-daemon --start --oknodo --background --pidfile "$MY_TLS_PID" \
    --exec /usr/sbin/mariadbd -- --no-defaults --user=mysql --datadir="$MY_TLS_DATA" \
    --port="$MY_TLS_PORT" --bind-address=127.0.0.1 --socket="$MY_TLS_SOCK" --pid-file="$MY_TLS_PID" \
    --skip-name-resolve --log-error="$MY_TLS_DATA/error.log" \
    --ssl-ca="$TLS_DIR/ca.pem" --ssl-cert="$TLS_DIR/server.pem" \
    --ssl-key="$TLS_DIR/mysql/server.key" --require-secure-transport=ON
  for _ in $(seq 1 60); do
    $SUDO mariadb --no-defaults --socket="$MY_TLS_SOCK" -u root -e "select 1" >/dev/null 2>&1 && break
    sleep 0.5
  done
  # Over the socket as root (unix_socket auth); the socket counts as a secure transport.
  $SUDO mariadb --no-defaults --socket="$MY_TLS_SOCK" -u root <<'SQL'
CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS strata_pw@'127.0.0.1' IDENTIFIED BY 'strata-test-pw';
GRANT ALL ON *.* TO strata_pw@'127.0.0.1';
CREATE USER IF NOT EXISTS strata_cert@'127.0.0.1' REQUIRE SUBJECT '/CN=strata_cert';
GRANT SELECT ON mysql.* TO strata_cert@'127.0.0.1';
SQL
  wait_for "MariaDB (TLS, port $MY_TLS_PORT)" my_tls_ready
}

if [ ! -f "$TLS_DIR/.complete" ]; then
  make_tls_files
  # New certificates: servers started with the old ones must reload them.
  tls_renewed=1
fi
if [ "${tls_renewed:-0}" = 1 ] || ! pg_tls_ready; then start_pg_tls; fi
if [ "${tls_renewed:-0}" = 1 ] || ! my_tls_ready; then
  if [ "${tls_renewed:-0}" = 1 ] && [ -f "$MY_TLS_PID" ]; then
    $SUDO start-stop-daemon --stop --quiet --oknodo --retry 30 --pidfile "$MY_TLS_PID" --exec /usr/sbin/mariadbd
  fi
  start_my_tls
fi
