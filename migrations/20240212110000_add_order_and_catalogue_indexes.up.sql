-- strata:description Index the order history, the order queue and the foreign keys that lack one
-- strata:author Priya Nair

-- "My orders, newest first": WHERE user_id = ? ORDER BY created_at DESC. The leading
-- user_id column also serves the orders -> users foreign key checks, so no separate index.
CREATE INDEX idx_orders_user_id_created_at ON orders (user_id, created_at);

-- The back office's order queue: WHERE status = 'paid' ORDER BY created_at.
CREATE INDEX idx_orders_status_created_at ON orders (status, created_at);

-- Foreign keys without an index make every DELETE of a parent row scan the child table.
-- (order_items.order_id is already the leading column of the UNIQUE (order_id, product_id) index.)
CREATE INDEX idx_products_category_id ON products (category_id);
CREATE INDEX idx_order_items_product_id ON order_items (product_id);
CREATE INDEX idx_categories_parent_id ON categories (parent_id);
