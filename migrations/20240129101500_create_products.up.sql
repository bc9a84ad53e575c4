-- strata:description Create the product catalogue
-- strata:author Priya Nair

-- Deleting a category leaves its products uncategorised rather than deleting them.
-- price is REAL here; 20240318160000_store_prices_in_cents moves money to integer cents.
CREATE TABLE "products" (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER REFERENCES "categories" (id) ON DELETE SET NULL,
    sku         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT,
    price       REAL NOT NULL,
    stock       INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
