-- strata:description Create product categories, nestable one under another
-- strata:author Priya Nair

-- A category cannot be deleted while it has subcategories (RESTRICT): move or delete them first.
CREATE TABLE "categories" (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES "categories" (id) ON DELETE RESTRICT,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
