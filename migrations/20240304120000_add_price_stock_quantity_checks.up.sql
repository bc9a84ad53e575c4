-- strata:description Reject negative prices and stock and non-positive quantities (CHECK constraints, by table rebuild)
-- strata:author Priya Nair

-- SQLite has no ALTER TABLE ... ADD CONSTRAINT, so products and order_items are rebuilt
-- following https://www.sqlite.org/lang_altertable.html#otheralter: create the new table,
-- copy the rows, drop the old table, rename the new one into place, recreate the indexes.
-- If an existing row breaks a new rule, its INSERT fails with "CHECK constraint failed:
-- <name>" and the migration rolls back: correct the data first.
--
-- Why order_items is rebuilt too: it references products. With PRAGMA foreign_keys=ON,
-- DROP TABLE products first deletes every product row, which fails on ON DELETE RESTRICT
-- (and with ON DELETE CASCADE would silently delete the order lines). The usual remedy,
-- PRAGMA foreign_keys=OFF, is ignored inside a transaction, and this migration runs in one.
-- So the copy of order_items references products_new: when the old products is dropped,
-- no table refers to it any more; renaming products_new to products then rewrites that
-- reference to "products". This works with foreign keys on or off.
-- (SQLite stores a renamed table as CREATE TABLE "products" (...), quoted: that is why this
-- project quotes table names from the start, see 20240115103000_create_users.)
--
-- The rename rewrites references in other tables only while legacy_alter_table is off
-- (the default); with it on and foreign keys off, order_items would be left pointing at
-- products_new. Make sure it is off. No view or trigger refers to these tables yet; a
-- later rebuild must drop and recreate those, as RENAME refuses a schema whose views
-- name a missing table.
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
SELECT id, category_id, sku, name, description, price, stock, created_at, updated_at
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
SELECT id, order_id, product_id, quantity, unit_price
FROM "order_items";

-- The child first: after this, nothing references the old products.
DROP TABLE "order_items";
DROP TABLE "products";

ALTER TABLE products_new RENAME TO "products";
ALTER TABLE order_items_new RENAME TO "order_items";

-- Dropping a table drops its indexes: recreate those of 20240212110000 (the UNIQUE
-- indexes come back with the tables).
CREATE INDEX idx_products_category_id ON products (category_id);
CREATE INDEX idx_order_items_product_id ON order_items (product_id);
