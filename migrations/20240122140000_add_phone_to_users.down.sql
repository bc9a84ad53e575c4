-- strata:description Remove the phone number from users (the numbers are lost)
-- strata:author Tomas Ortega

-- DROP COLUMN needs SQLite 3.35 or later (the app bundles 3.46).
ALTER TABLE "users" DROP COLUMN phone;
