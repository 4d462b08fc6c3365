-- Authdeck schema: the audit log. Append-only: no code path updates or deletes an entry, and
-- these triggers refuse it anyway. No foreign keys: an entry outlives the app or environment
-- it names, which is why it keeps their names as they were. No column holds a secret or token
-- value.

CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    at               INTEGER NOT NULL,
    actor            TEXT NOT NULL CHECK (actor IN ('desktop', 'cli')),
    action           TEXT NOT NULL,
    environment_id   TEXT,
    environment_name TEXT,
    app_id           TEXT,
    app_name         TEXT,
    detail           TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_app ON audit_log (app_id);

CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_refuses_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
