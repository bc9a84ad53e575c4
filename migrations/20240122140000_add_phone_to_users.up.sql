-- strata:description Add an optional phone number to users
-- strata:author Tomas Ortega

-- Nullable, no default: ADD COLUMN only rewrites the schema entry, not the table's rows.
ALTER TABLE "users" ADD COLUMN phone TEXT;
