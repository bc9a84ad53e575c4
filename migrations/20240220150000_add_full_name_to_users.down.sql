-- strata:description Remove users.full_name (first_name and last_name still hold the data)
-- strata:author Maya Chen

-- DROP COLUMN needs SQLite 3.35 or later (the app bundles 3.46).
ALTER TABLE "users" DROP COLUMN full_name;
