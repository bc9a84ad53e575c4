-- strata:description Create roles, permissions and the join tables that grant them
-- strata:author Maya Chen

CREATE TABLE "roles" (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- A permission is a stable code the application checks, e.g. 'orders.refund'.
CREATE TABLE "permissions" (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    description TEXT
);

-- Join tables: the composite primary key is the natural key, so WITHOUT ROWID stores each
-- row once, in key order. Deleting a role or permission removes its grants.
CREATE TABLE "role_permissions" (
    role_id       INTEGER NOT NULL REFERENCES "roles" (id) ON DELETE CASCADE,
    permission_id INTEGER NOT NULL REFERENCES "permissions" (id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, permission_id)
) WITHOUT ROWID;

CREATE TABLE "user_roles" (
    user_id    INTEGER NOT NULL REFERENCES "users" (id) ON DELETE CASCADE,
    role_id    INTEGER NOT NULL REFERENCES "roles" (id) ON DELETE CASCADE,
    granted_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id, role_id)
) WITHOUT ROWID;

-- The primary keys serve lookups by their first column; these serve the reverse direction
-- ("who has this role", "which roles grant this permission") and the ON DELETE CASCADE scans.
CREATE INDEX idx_role_permissions_permission_id ON role_permissions (permission_id);
CREATE INDEX idx_user_roles_role_id ON user_roles (role_id);
