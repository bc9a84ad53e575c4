-- strata:description Remove the price, stock and quantity CHECK constraints (table rebuild)
-- strata:author Priya Nair

-- The same rebuild as the up part, back to the definitions of 20240129101500 and
-- 20240205094500; see the up part for why order_items is rebuilt alongside products.
PRAGMA legacy_alter_table = OFF;

CREATE TABLE products_new (
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

INSERT INTO products_new (id, category_id, sku, name, description, price, stock, created_at, updated_at)
SELECT id, category_id, sku, name, description, price, stock, created_at, updated_at
FROM "products";

CREATE TABLE order_items_new (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES "orders" (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES "products_new" (id) ON DELETE RESTRICT,
    quantity   INTEGER NOT NULL,
    unit_price REAL NOT NULL,
    UNIQUE (order_id, product_id)
);

INSERT INTO order_items_new (id, order_id, product_id, quantity, unit_price)
SELECT id, order_id, product_id, quantity, unit_price
FROM "order_items";

DROP TABLE "order_items";
DROP TABLE "products";

ALTER TABLE products_new RENAME TO "products";
ALTER TABLE order_items_new RENAME TO "order_items";

CREATE INDEX idx_products_category_id ON products (category_id);
CREATE INDEX idx_order_items_product_id ON order_items (product_id);
