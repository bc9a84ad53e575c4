#!/usr/bin/env bash
# Makes sure the PostgreSQL and MariaDB servers the tests use are installed and running on
# 127.0.0.1 (PostgreSQL: user postgres, trust auth; MariaDB: user root, empty password).
# Prints nothing when both already answer.
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
