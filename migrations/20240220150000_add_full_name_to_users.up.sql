-- strata:description Add users.full_name and fill it from first_name and last_name (data migration)
-- strata:author Maya Chen

-- SQLite can add a NOT NULL column only with a default, and cannot make a column NOT NULL
-- later without rebuilding the table (users is referenced by orders and user_roles).
-- So: NOT NULL with an empty default, then fill every existing row in the same transaction.
-- The application sets full_name on insert and whenever the name changes.
ALTER TABLE "users" ADD COLUMN full_name TEXT NOT NULL DEFAULT '';

UPDATE "users" SET full_name = first_name || ' ' || last_name;
