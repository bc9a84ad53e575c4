-- strata:description Soft-delete products: deleted_at marks a withdrawn product, which order lines can still reference
-- strata:author Priya Nair

-- order_items references products with ON DELETE RESTRICT, so a product that was ever
-- ordered cannot be deleted; the shop withdraws it by setting deleted_at instead.
ALTER TABLE "products" ADD COLUMN deleted_at TEXT;

-- The storefront lists only live products of a category. A partial index holds just those
-- rows and is used by queries that repeat its WHERE clause ("AND deleted_at IS NULL").
CREATE INDEX idx_products_live_category_id ON products (category_id) WHERE deleted_at IS NULL;
