-- What came of an audited access: allowed, or refused (forbidden, not found, or a refused
-- duplicate registration). Records written before this column were all allowed accesses.
ALTER TABLE audit_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'allowed';
