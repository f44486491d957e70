CREATE TABLE indicators (
    code TEXT PRIMARY KEY NOT NULL,
    region TEXT NOT NULL REFERENCES planning_regions (code),
    position INTEGER NOT NULL,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit TEXT NOT NULL CHECK (unit IN ('providers', 'municipalities', 'services', 'items')),
    baseline INTEGER NULL,
    baseline_date DATE NOT NULL,
    target INTEGER NULL,
    target_year INTEGER NOT NULL,
    data_source TEXT NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN ('providers', 'municipalities', 'services', 'none')),
    -- Comma-separated service-type codes counted by `municipalities` and `services`.
    service_types TEXT NULL,
    source_lines TEXT NOT NULL
);
CREATE INDEX indicators_region_idx ON indicators (region, position);

INSERT INTO indicators (code, region, position, name_lv, name_en, unit, baseline,
    baseline_date, target, target_year, data_source, measure, service_types, source_lines)
SELECT d.code, d.region, d.position, d.name_lv, d.name_en, d.unit, d.baseline, d.baseline_date,
    t.value, COALESCE(t.year, 2018), d.data_source,
    CASE WHEN d.measure = 'trained_municipalities' THEN 'none' ELSE d.measure END,
    d.service_types, d.source_lines
FROM indicator_definitions d LEFT JOIN indicator_targets t ON t.code = d.code
WHERE d.programme = 'KURZEME';
DROP TABLE indicator_targets;
DROP TABLE indicator_definitions;
DROP TABLE former_municipalities;
CREATE TRIGGER indicators_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
