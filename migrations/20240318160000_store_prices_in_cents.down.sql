-- strata:description Store money as REAL again: price_cents and unit_price_cents become price and unit_price
-- strata:author Tomas Ortega

-- The reverse rebuild, back to the definitions of 20240304120000. cents / 100.0 is the
-- REAL nearest to the decimal price, i.e. exactly the value stored before the up part
-- for every price with at most two decimals (which the up part's rounding guarantees).
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
    updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT products_price_not_negative CHECK (price >= 0),
    CONSTRAINT products_stock_not_negative CHECK (stock >= 0)
);

INSERT INTO products_new (id, category_id, sku, name, description, price, stock, created_at, updated_at)
SELECT id, category_id, sku, name, description, price_cents / 100.0, stock, created_at, updated_at
FROM "products";

CREATE TABLE order_items_new (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES "orders" (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES "products_new" (id) ON DELETE RESTRICT,
    quantity   INTEGER NOT NULL,
    unit_price REAL NOT NULL,
    UNIQUE (order_id, product_id),
    CONSTRAINT order_items_quantity_positive CHECK (quantity > 0),
    CONSTRAINT order_items_unit_price_not_negative CHECK (unit_price >= 0)
);

INSERT INTO order_items_new (id, order_id, product_id, quantity, unit_price)
SELECT id, order_id, product_id, quantity, unit_price_cents / 100.0
FROM "order_items";

DROP TABLE "order_items";
DROP TABLE "products";

ALTER TABLE products_new RENAME TO "products";
ALTER TABLE order_items_new RENAME TO "order_items";

CREATE INDEX idx_products_category_id ON products (category_id);
CREATE INDEX idx_order_items_product_id ON order_items (product_id);
