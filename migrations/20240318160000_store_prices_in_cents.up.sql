-- strata:description Store money as integer cents: products.price and order_items.unit_price (REAL) become price_cents and unit_price_cents (INTEGER)
-- strata:author Tomas Ortega

-- REAL cannot hold 0.10 exactly, and sums of REAL prices drift (0.1 + 0.2 <> 0.3).
-- Integer cents are exact. SQLite cannot change a column's type in place, so this is the
-- same rebuild as 20240304120000 (see there why order_items is rebuilt with products and
-- why its copy references products_new), converting while copying:
-- cents = CAST(round(price * 100) AS INTEGER). round() is needed: 19.99 * 100 is
-- 1998.9999999999998 in REAL arithmetic, which CAST alone truncates to 1998.
-- The CHECK constraints keep their names.
PRAGMA legacy_alter_table = OFF;

CREATE TABLE products_new (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER REFERENCES "categories" (id) ON DELETE SET NULL,
    sku         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT,
    price_cents INTEGER NOT NULL,
    stock       INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT products_price_not_negative CHECK (price_cents >= 0),
    CONSTRAINT products_stock_not_negative CHECK (stock >= 0)
);

INSERT INTO products_new (id, category_id, sku, name, description, price_cents, stock, created_at, updated_at)
SELECT id, category_id, sku, name, description, CAST(round(price * 100) AS INTEGER), stock, created_at, updated_at
FROM "products";

CREATE TABLE order_items_new (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES "orders" (id) ON DELETE CASCADE,
    product_id       INTEGER NOT NULL REFERENCES "products_new" (id) ON DELETE RESTRICT,
    quantity         INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    UNIQUE (order_id, product_id),
    CONSTRAINT order_items_quantity_positive CHECK (quantity > 0),
    CONSTRAINT order_items_unit_price_not_negative CHECK (unit_price_cents >= 0)
);

INSERT INTO order_items_new (id, order_id, product_id, quantity, unit_price_cents)
SELECT id, order_id, product_id, quantity, CAST(round(unit_price * 100) AS INTEGER)
FROM "order_items";

-- The child first: after this, nothing references the old products.
DROP TABLE "order_items";
DROP TABLE "products";

ALTER TABLE products_new RENAME TO "products";
ALTER TABLE order_items_new RENAME TO "order_items";

CREATE INDEX idx_products_category_id ON products (category_id);
CREATE INDEX idx_order_items_product_id ON order_items (product_id);
