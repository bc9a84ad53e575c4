-- strata:description Drop the order status trigger and the audit log (its entries are lost)
-- strata:author Maya Chen

DROP TRIGGER trg_orders_status_audit;
DROP TABLE "audit_log";
