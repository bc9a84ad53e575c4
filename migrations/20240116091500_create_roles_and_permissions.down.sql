-- strata:description Drop roles, permissions and their join tables
-- strata:author Maya Chen

-- Children before parents, so this also works with PRAGMA foreign_keys=ON.
-- Dropping a table drops its indexes.
DROP TABLE "user_roles";
DROP TABLE "role_permissions";
DROP TABLE "permissions";
DROP TABLE "roles";
