-- Reference data: public, read-only through the API, loaded by the next migration.
CREATE TABLE planning_regions (
    code TEXT PRIMARY KEY NOT NULL,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE municipalities (
    code TEXT PRIMARY KEY NOT NULL,
    iso_3166_2 TEXT NOT NULL UNIQUE,
    atvk_code TEXT NOT NULL,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('state_city', 'municipality')),
    planning_region TEXT NOT NULL REFERENCES planning_regions (code),
    valid_from DATE NOT NULL,
    valid_to DATE NULL,
    successor TEXT NULL REFERENCES municipalities (code),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX municipalities_planning_region_idx ON municipalities (planning_region);

CREATE TABLE target_groups (
    code TEXT PRIMARY KEY NOT NULL,
    label_lv TEXT NOT NULL,
    label_en TEXT NOT NULL,
    is_di BOOLEAN NOT NULL,
    min_age INTEGER NULL,
    max_age INTEGER NULL,
    position INTEGER NOT NULL
);

CREATE TABLE service_types (
    code TEXT PRIMARY KEY NOT NULL,
    label_lv TEXT NOT NULL,
    label_en TEXT NOT NULL,
    setting TEXT NOT NULL CHECK (setting IN ('institutional', 'community')),
    is_social_service BOOLEAN NOT NULL,
    is_di_alternative BOOLEAN NOT NULL,
    max_capacity INTEGER NULL CHECK (max_capacity IS NULL OR max_capacity >= 0),
    max_age_at_placement INTEGER NULL,
    default_price_unit TEXT NULL CHECK (default_price_unit IN ('person_day', 'hour', 'month')),
    position INTEGER NOT NULL
);

CREATE TABLE service_type_target_groups (
    service_type TEXT NOT NULL REFERENCES service_types (code),
    target_group TEXT NOT NULL REFERENCES target_groups (code),
    PRIMARY KEY (service_type, target_group)
);
CREATE INDEX service_type_target_groups_target_group_idx ON service_type_target_groups (target_group);

CREATE TABLE specialist_roles (
    code TEXT PRIMARY KEY NOT NULL,
    label_lv TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE training_programmes (
    code TEXT PRIMARY KEY NOT NULL,
    label_lv TEXT NOT NULL,
    label_en TEXT NOT NULL,
    min_hours INTEGER NULL CHECK (min_hours IS NULL OR min_hours > 0),
    position INTEGER NOT NULL
);
