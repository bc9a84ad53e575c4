-- strata:description Create order lines: which products, how many, at what price
-- strata:author Tomas Ortega

-- unit_price is copied from the product when the order is placed, so later price
-- changes do not rewrite old orders. Deleting an order deletes its lines; a product
-- that was ever ordered cannot be deleted (RESTRICT).
-- The UNIQUE constraint keeps one line per product per order; its automatic index also
-- serves lookups by order_id.
CREATE TABLE "order_items" (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES "orders" (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES "products" (id) ON DELETE RESTRICT,
    quantity   INTEGER NOT NULL,
    unit_price REAL NOT NULL,
    UNIQUE (order_id, product_id)
);
