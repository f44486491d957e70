ALTER TABLE placements DROP COLUMN decision_id;
DROP TABLE service_decisions;
DROP TABLE legal_bases;
