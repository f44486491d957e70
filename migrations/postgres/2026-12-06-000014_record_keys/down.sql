ALTER TABLE mentor_load_runs DROP COLUMN record_key;
ALTER TABLE assessment_runs DROP COLUMN record_key;
ALTER TABLE client_runs DROP COLUMN record_key;
ALTER TABLE di_transitions DROP COLUMN record_key;
ALTER TABLE placements DROP COLUMN record_key;
ALTER TABLE mentors DROP COLUMN record_key;
ALTER TABLE clients DROP COLUMN record_key;
