-- strata:description Create an audit log and record every change of an order's status in it
-- strata:author Maya Chen

-- No foreign keys on purpose: an audit entry must outlive the row it describes.
-- old_values and new_values are JSON objects of the changed columns.
CREATE TABLE "audit_log" (
    id         INTEGER PRIMARY KEY,
    table_name TEXT NOT NULL,
    row_id     INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    old_values TEXT,
    new_values TEXT,
    changed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- "History of this order": WHERE table_name = 'orders' AND row_id = ? ORDER BY id.
CREATE INDEX idx_audit_log_table_name_row_id ON audit_log (table_name, row_id);

-- IS NOT, not <>: an UPDATE that sets the same status again is not a change.
CREATE TRIGGER trg_orders_status_audit
AFTER UPDATE OF status ON orders
FOR EACH ROW WHEN OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO audit_log (table_name, row_id, action, old_values, new_values)
    VALUES ('orders', NEW.id, 'update',
            json_object('status', OLD.status), json_object('status', NEW.status));
END;
