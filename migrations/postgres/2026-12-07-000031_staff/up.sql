-- Staff beyond mentors (issue 18, point 5; domain::staff): provider, municipal and planning-
-- region staff with their profession, employer and qualifications (INV-A06), and their
-- trainings per programme (di-rules §6.2). Employees' personal data: their employer, their
-- planning region and an administrator read them; everyone else sees statistics only.
CREATE TABLE staff (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    role TEXT NOT NULL REFERENCES specialist_roles (code),
    -- provider | municipality | region (domain::staff::StaffEmployerKind)
    employer_kind TEXT NOT NULL,
    -- The provider's id, the municipality's or the region's code.
    employer_code TEXT NOT NULL,
    -- Where the employer is: a provider's or a municipality's municipality; none for a region.
    municipality TEXT NULL REFERENCES municipalities (code),
    region TEXT NOT NULL REFERENCES planning_regions (code),
    higher_education_in_field BOOLEAN NOT NULL,
    target_group_experience_years INTEGER NOT NULL
        CHECK (target_group_experience_years BETWEEN 0 AND 60),
    instrument_certificate BOOLEAN NOT NULL,
    employed_from DATE NOT NULL,
    employed_until DATE NULL CHECK (employed_until IS NULL OR employed_until >= employed_from),
    version INTEGER NOT NULL DEFAULT 1,
    record_key INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_region ON staff (region, family_name, given_name, id);
CREATE INDEX staff_employer ON staff (employer_kind, employer_code);

CREATE TABLE staff_trainings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    programme TEXT NOT NULL REFERENCES training_programmes (code),
    hours INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 2000),
    completed_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_trainings_staff ON staff_trainings (staff_id);

CREATE TRIGGER staff_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER staff_trainings_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff_trainings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
