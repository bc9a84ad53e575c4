-- strata:description Drop the order, catalogue and foreign-key indexes
-- strata:author Priya Nair

DROP INDEX idx_categories_parent_id;
DROP INDEX idx_order_items_product_id;
DROP INDEX idx_products_category_id;
DROP INDEX idx_orders_status_created_at;
DROP INDEX idx_orders_user_id_created_at;
