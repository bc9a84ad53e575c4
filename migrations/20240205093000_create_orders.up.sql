-- strata:description Create orders, each placed by one user and moving through a fixed set of statuses
-- strata:author Tomas Ortega

-- A user with orders cannot be deleted (RESTRICT): orders are accounting records.
CREATE TABLE "orders" (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES "users" (id) ON DELETE RESTRICT,
    status     TEXT NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
    placed_at  TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
