-- strata:description Create the users table: one row per customer or staff account
-- strata:author Maya Chen

-- House style for every migration in this project:
-- * Ids are INTEGER PRIMARY KEY (an alias of SQLite's rowid) without AUTOINCREMENT.
--   AUTOINCREMENT would create the internal sqlite_sequence table, which can never be
--   dropped again, so a full rollback could not return to an empty schema.
-- * Table names are double-quoted in CREATE TABLE and REFERENCES. SQLite has no general
--   ALTER TABLE, so some later migrations rebuild a table and ALTER TABLE ... RENAME the
--   copy into place; SQLite stores a renamed table's name quoted. Quoting from the start
--   keeps the stored schema text identical after a rebuild and its rollback.
-- * Timestamps are UTC text 'YYYY-MM-DD HH:MM:SS' (CURRENT_TIMESTAMP), which sorts correctly.

CREATE TABLE "users" (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    password_hash TEXT,
    is_active     INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
