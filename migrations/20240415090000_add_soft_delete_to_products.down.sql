-- strata:description Remove products.deleted_at (withdrawn products become live again)
-- strata:author Priya Nair

-- The index uses the column, and SQLite refuses to drop an indexed column: index first.
DROP INDEX idx_products_live_category_id;
ALTER TABLE "products" DROP COLUMN deleted_at;
