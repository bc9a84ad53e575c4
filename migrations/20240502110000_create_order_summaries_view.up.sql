-- strata:description Create the order_summaries view: one row per order with its customer, line count and total
-- strata:author Tomas Ortega

-- Totals are computed, never stored, so they cannot disagree with the lines.
-- LEFT JOIN keeps orders without lines (total 0). A later rebuild of orders, users or
-- order_items must drop this view first and recreate it afterwards: ALTER TABLE ... RENAME
-- fails while a view names a table that does not exist.
CREATE VIEW order_summaries AS
SELECT
    o.id                                                 AS order_id,
    o.user_id                                            AS user_id,
    u.email                                              AS email,
    u.full_name                                          AS customer_name,
    o.status                                             AS status,
    o.created_at                                         AS created_at,
    COUNT(oi.id)                                         AS line_count,
    COALESCE(SUM(oi.quantity), 0)                        AS item_count,
    COALESCE(SUM(oi.quantity * oi.unit_price_cents), 0)  AS total_cents
FROM orders AS o
JOIN users AS u ON u.id = o.user_id
LEFT JOIN order_items AS oi ON oi.order_id = o.id
GROUP BY o.id;
