-- The day each staff member and mentor completed each training programme (TRAINED-PROGRAMME),
-- with where they work and when: derived from the trainings, the staff record and the mentor
-- record by `db::derived`, rewritten with every training recorded and every change of the
-- person, and computed for the whole record when this migration is applied. "Trained by a
-- day" is then one range condition instead of summing every person's hours again.
CREATE TABLE programme_completions (
    trainee_kind TEXT NOT NULL CHECK (trainee_kind IN ('staff', 'mentor')),
    trainee_id BIGINT NOT NULL,
    programme TEXT NOT NULL REFERENCES training_programmes (code),
    completed_on DATE NOT NULL,
    -- A mentor is counted from their registration on; a staff member while employed.
    employed_from DATE NOT NULL,
    employed_until DATE NULL,
    region TEXT NOT NULL REFERENCES planning_regions (code),
    -- A municipality's own staff (and mentors it employs); none for a provider's or a region's.
    municipality TEXT NULL,
    record_key INTEGER NOT NULL,
    PRIMARY KEY (trainee_kind, trainee_id, programme)
);
CREATE INDEX programme_completions_completed_idx ON programme_completions (completed_on);
CREATE TRIGGER programme_completions_record_data_insert AFTER INSERT ON programme_completions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER programme_completions_record_data_update AFTER UPDATE ON programme_completions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER programme_completions_record_data_delete AFTER DELETE ON programme_completions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
