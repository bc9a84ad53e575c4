#!/usr/bin/env python3
"""journal_replay: what Strata's MariaDB journal costs, replayed through the `mariadb` client.

Runs the engine bench's MariaDB workload (N migrations: a table with a foreign key to the
previous one, an index, a ten-row INSERT; the down part drops the index and the table) three
ways, in a database it creates and drops:

  native   the SQL alone, one transaction per migration, a statement per round trip (the
           engine bench's denominator);
  today    the texts Strata sends: each statement with its journal entry in the history row
           (InnoDB), one text per statement, the last with the history row and the event;
  myisam   the journal in a MyISAM table (no fsync), the history row and the event written
           with the migration's last statement on the way up, and a rollback's history
           changes and events merged into InnoDB once at the end of the run.

Per variant and direction it prints the median time, the median ratio to the native run of the
same repetition (variants alternate) and InnoDB's fsyncs per migration (Innodb_data_fsyncs),
which, unlike time, does not move with the disk's noise.

    python3 tests/bench/journal_replay.py [--n 300] [--reps 6] [--host 127.0.0.1] [--user root]

Not run by CI. Needs the `mariadb` client and a server where the user may create databases.
"""
import argparse
import statistics
import subprocess
import time

DB = "strata_journal_replay"
SEP = "$$"
VARIANTS = ("native", "today", "myisam")


def table(i):
    return f"bench_{i:05}"


def up_sql(i):
    t = table(i)
    fk = f",\n    FOREIGN KEY (prev_id) REFERENCES {table(i - 1)} (id)" if i > 1 else ""
    rows = ",".join(
        f"({r}, {r if i > 1 else 'NULL'}, 'row {r} of {t}', {r}.{i % 100:02})" for r in range(1, 11)
    )
    return [
        f"CREATE TABLE {t} (id BIGINT NOT NULL PRIMARY KEY, prev_id BIGINT NULL, "
        "name VARCHAR(100) NOT NULL, amount DECIMAL(12, 2) NOT NULL DEFAULT 0, "
        "created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "
        f"active BOOLEAN NOT NULL DEFAULT TRUE{fk}) ENGINE = InnoDB;",
        f"CREATE INDEX {t}_name ON {t} (name);",
        f"INSERT INTO {t} (id, prev_id, name, amount) VALUES {rows};",
    ]


def down_sql(i):
    return [f"DROP INDEX {table(i)}_name ON {table(i)};", f"DROP TABLE {table(i)};"]


SCHEMA = """
CREATE TABLE strata_migrations (version VARCHAR(64) PRIMARY KEY, name VARCHAR(255),
  checksum CHAR(64), up_sql LONGTEXT, down_sql LONGTEXT, applied_at DATETIME(6),
  applied_by VARCHAR(255), execution_ms BIGINT, state VARCHAR(32), statements_total INT,
  statements_committed INT) ENGINE = InnoDB;
CREATE TABLE strata_events (id BIGINT AUTO_INCREMENT PRIMARY KEY, run_id VARCHAR(64),
  at DATETIME(6), kind VARCHAR(16), version VARCHAR(64), name VARCHAR(255), outcome VARCHAR(16),
  duration_ms BIGINT, error TEXT, detail TEXT, actor VARCHAR(255)) ENGINE = InnoDB;
CREATE TABLE strata_journal (version VARCHAR(64) PRIMARY KEY, direction VARCHAR(8),
  committed INT, total INT, done TINYINT NOT NULL DEFAULT 0, at DATETIME(6), ms BIGINT)
  ENGINE = MyISAM;
"""

INSERT_ROW = (
    "INSERT INTO strata_migrations (version, name, checksum, up_sql, down_sql, applied_at, "
    "applied_by, execution_ms, state, statements_total, statements_committed) VALUES "
    "(@strata_v, @strata_name, @strata_ck, @strata_up, @strata_down, NOW(6), @strata_actor"
)
EVENT = (
    "INSERT INTO strata_events (run_id, at, kind, version, name, outcome, duration_ms, error, "
    "detail, actor) VALUES (@strata_run, NOW(6), @strata_kind, @strata_v, @strata_name, "
    "@strata_outcome, 1, NULL, NULL, @strata_actor);"
)


def quote(text):
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def variables(i, up):
    return (
        f"SET @strata_t0 = NOW(6), @strata_v = '{i:05}', @strata_name = 'create_{table(i)}', "
        f"@strata_run = 'replay', @strata_actor = 'replay', "
        f"@strata_kind = '{'apply' if up else 'rollback'}', @strata_outcome = 'ok', "
        f"@strata_up = {quote(chr(10).join(up_sql(i)))}, "
        f"@strata_down = {quote(chr(10).join(down_sql(i)))}, @strata_ck = '{'0' * 64}';"
    )


def script(variant, up, n):
    """The client input: with `DELIMITER $$`, each text between `$$`s is one round trip."""
    texts = []
    for i in range(1, n + 1) if up else range(n, 0, -1):
        s = up_sql(i) if up else down_sql(i)
        if variant == "native":
            texts += ["START TRANSACTION", *(x.rstrip(";") for x in s), "COMMIT"]
            continue
        first = variables(i, up) + "\n"
        if up and variant == "today":
            texts += [
                f"{first}{s[0]}\n{INSERT_ROW}, 0, 'partial', 3, 1)",
                f"{s[1]}\nUPDATE strata_migrations SET statements_committed = 2 "
                "WHERE version = @strata_v",
                f"START TRANSACTION;\n{s[2]}\nUPDATE strata_migrations SET "
                "statements_committed = 3, state = 'applied', execution_ms = 1 "
                f"WHERE version = @strata_v;\n{EVENT}\nCOMMIT",
            ]
        elif up:
            texts += [
                f"{first}{s[0]}\nREPLACE INTO strata_journal (version, direction, committed, "
                "total) VALUES (@strata_v, 'up', 1, 3)",
                f"{s[1]}\nUPDATE strata_journal SET committed = 2 WHERE version = @strata_v",
                f"START TRANSACTION;\n{s[2]}\n{INSERT_ROW}, 1, 'applied', 3, 3);\n{EVENT}\n"
                "COMMIT;\nDELETE FROM strata_journal WHERE version = @strata_v",
            ]
        elif variant == "today":
            texts += [
                f"{first}{s[0]}\nUPDATE strata_migrations SET statements_committed = 1, "
                "statements_total = 2, state = 'partial_rollback' WHERE version = @strata_v",
                f"{s[1]}\nSTART TRANSACTION;\nDELETE FROM strata_migrations "
                f"WHERE version = @strata_v;\n{EVENT}\nCOMMIT",
            ]
        else:
            texts += [
                f"{first}{s[0]}\nREPLACE INTO strata_journal (version, direction, committed, "
                "total) VALUES (@strata_v, 'down', 1, 2)",
                f"{s[1]}\nUPDATE strata_journal SET committed = 2, done = 1, at = NOW(6), "
                "ms = 1 WHERE version = @strata_v",
            ]
    if variant == "myisam" and not up:
        texts.append(
            "START TRANSACTION;\nDELETE m FROM strata_migrations m JOIN strata_journal j "
            "ON j.version = m.version AND j.done = 1;\nINSERT INTO strata_events (run_id, at, "
            "kind, version, name, outcome, duration_ms, error, detail, actor) SELECT 'replay', "
            "j.at, 'rollback', j.version, '', 'ok', j.ms, NULL, NULL, 'replay' "
            "FROM strata_journal j WHERE j.done = 1;\nCOMMIT;\n"
            "DELETE FROM strata_journal WHERE done = 1"
        )
    return f"DELIMITER {SEP}\n" + "".join(f"{t}{SEP}\n" for t in texts)


class Server:
    def __init__(self, host, user):
        self.base = ["mariadb", f"-h{host}", f"-u{user}", "--batch", "--skip-column-names"]

    def run(self, sql, db=DB):
        out = subprocess.run(
            self.base + [db], input=sql.encode(), capture_output=True, check=False
        )
        if out.returncode != 0:
            raise SystemExit(f"journal_replay: the mariadb client failed: {out.stderr.decode()}")
        return out.stdout.decode()

    def fsyncs(self):
        out = self.run("SHOW GLOBAL STATUS LIKE 'Innodb_data_fsyncs'", db="")
        return int(out.split()[1])

    def fresh(self):
        self.run(f"DROP DATABASE IF EXISTS {DB}; CREATE DATABASE {DB};", db="")
        self.run(SCHEMA)

    def all_applied(self, n):
        self.run(script("native", True, n))
        self.run("".join(f"{variables(i, True)}\n{INSERT_ROW}, 1, 'applied', 3, 3);\n" for i in range(1, n + 1)))

    def check(self, variant, up, n):
        """The work was done: the tables, and but for the native run the history rows, are there
        (or gone), with an event a migration."""
        tables, rows, events = self.run(
            "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
            f"'{DB}' AND TABLE_NAME LIKE 'bench%'), (SELECT COUNT(*) FROM strata_migrations), "
            "(SELECT COUNT(*) FROM strata_events)"
        ).split()
        bookkeeping = variant != "native"
        # Down starts from all applied with their history rows, which the native run leaves.
        rows_left = n if up == bookkeeping else 0
        want = (n if up else 0, rows_left, n if bookkeeping else 0)
        got = (int(tables), int(rows), int(events))
        if got != want:
            raise SystemExit(
                f"journal_replay: {variant} {'up' if up else 'down'} left (tables, history "
                f"rows, events) = {got}, expected {want}"
            )


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--reps", type=int, default=6)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--user", default="root")
    a = p.parse_args()
    server = Server(a.host, a.user)
    scripts = {(v, up): script(v, up, a.n) for v in VARIANTS for up in (True, False)}
    times = {k: [] for k in scripts}
    syncs = {k: [] for k in scripts}
    try:
        for rep in range(a.reps):
            for v in VARIANTS[rep % 3:] + VARIANTS[: rep % 3]:
                for up in (True, False):
                    server.fresh()
                    if not up:
                        server.all_applied(a.n)
                    before, t0 = server.fsyncs(), time.perf_counter()
                    server.run(scripts[(v, up)])
                    times[(v, up)].append(time.perf_counter() - t0)
                    syncs[(v, up)].append((server.fsyncs() - before) / a.n)
                    server.check(v, up, a.n)
            print(f"repetition {rep + 1} of {a.reps} done", flush=True)
    finally:
        server.run(f"DROP DATABASE IF EXISTS {DB}", db="")
    print(f"MariaDB journal replay, N = {a.n}, {a.reps} repetitions (median, ratio range)")
    for up in (True, False):
        for v in VARIANTS:
            r = [x / y for x, y in zip(times[(v, up)], times[("native", up)])]
            print(
                f"{'up' if up else 'down':4} {v:7} {statistics.median(times[(v, up)]):6.2f} s  "
                f"{statistics.median(r):.2f}x ({min(r):.2f}-{max(r):.2f})  "
                f"{statistics.median(syncs[(v, up)]):5.2f} fsyncs a migration"
            )


if __name__ == "__main__":
    main()
