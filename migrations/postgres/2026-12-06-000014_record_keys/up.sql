-- Permanent random record keys for the cell key method (src/domain/disclosure.rs): every
-- record a person count counts carries one, drawn when the record is created (by the
-- service, from the operating system's generator) and never shown. Existing records draw
-- theirs here. A transition carries the key of the placement that began it, and the runs
-- their client's or mentor's, so a statistic sums the keys
-- of a cell without a join; the service fills them right after this migration
-- (`db::run_migrations`).
ALTER TABLE clients ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
UPDATE clients SET record_key = floor(random() * 2147483648)::integer;
ALTER TABLE clients ALTER COLUMN record_key DROP DEFAULT;
ALTER TABLE mentors ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
UPDATE mentors SET record_key = floor(random() * 2147483648)::integer;
ALTER TABLE mentors ALTER COLUMN record_key DROP DEFAULT;
ALTER TABLE placements ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
UPDATE placements SET record_key = floor(random() * 2147483648)::integer;
ALTER TABLE placements ALTER COLUMN record_key DROP DEFAULT;
ALTER TABLE di_transitions ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
UPDATE di_transitions SET record_key = COALESCE(
    (SELECT p.record_key FROM placements p WHERE p.id = di_transitions.placement_id), 0);
ALTER TABLE di_transitions ALTER COLUMN record_key DROP DEFAULT;

ALTER TABLE client_runs ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assessment_runs ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mentor_load_runs ADD COLUMN record_key INTEGER NOT NULL DEFAULT 0;
