-- Indicator tables as data (issue 18, point 6; domain::indicator): each programme's
-- indicators (Kurzeme, Latgale, the DI plan) with their baseline, their targets by year, what
-- they count, and the geography their targets were set in. Kurzeme's targets (2015) count the
-- 20 municipalities of 2009-2021; `former_municipalities` maps them (and Latgale's 21) to
-- today's (the 2021 reform, reference/former_municipalities.csv), so a value is compared with
-- its target in the target's own geography.
CREATE TABLE former_municipalities (
    iso_3166_2 TEXT PRIMARY KEY NOT NULL,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    planning_region TEXT NOT NULL REFERENCES planning_regions (code),
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    successor TEXT NOT NULL REFERENCES municipalities (code),
    source TEXT NOT NULL
);

CREATE TABLE indicator_definitions (
    code TEXT PRIMARY KEY NOT NULL,
    -- KURZEME | LATGALE | DI_PLAN (domain::indicator::Programme)
    programme TEXT NOT NULL,
    -- The planning region the indicator counts in; none for the national DI plan.
    region TEXT NULL REFERENCES planning_regions (code),
    position INTEGER NOT NULL,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    -- domain::indicator::Unit
    unit TEXT NOT NULL,
    baseline INTEGER NULL,
    baseline_date DATE NOT NULL,
    data_source TEXT NOT NULL,
    -- What computes the value (domain::indicator::IndicatorMeasure); `none` when the record
    -- cannot.
    measure TEXT NOT NULL,
    -- Comma-separated service-type codes a service count is restricted to.
    service_types TEXT NULL,
    -- The programme a `trained_staff` indicator counts.
    training_programme TEXT NULL REFERENCES training_programmes (code),
    -- current | municipalities_2009 (domain::indicator::Geography)
    geography TEXT NOT NULL,
    source_lines TEXT NOT NULL
);
CREATE INDEX indicator_definitions_programme ON indicator_definitions (programme, position);

CREATE TABLE indicator_targets (
    code TEXT NOT NULL REFERENCES indicator_definitions (code),
    year INTEGER NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (code, year)
);

INSERT INTO indicator_definitions (code, programme, region, position, name_lv, name_en, unit,
    baseline, baseline_date, data_source, measure, service_types, training_programme,
    geography, source_lines)
SELECT code, 'KURZEME', region, position, name_lv, name_en, unit, baseline, baseline_date,
    data_source, measure, service_types, NULL,
    CASE WHEN unit = 'municipalities' THEN 'municipalities_2009' ELSE 'current' END,
    source_lines
FROM indicators;
INSERT INTO indicator_targets (code, year, value)
SELECT code, target_year, target FROM indicators WHERE target IS NOT NULL;
-- KUR-TR: the municipalities whose staff completed a training programme.
UPDATE indicator_definitions SET measure = 'trained_municipalities' WHERE code = 'KUR-TR';
DROP TABLE indicators;

INSERT INTO former_municipalities (iso_3166_2, name_lv, name_en, planning_region, valid_from, valid_to, successor, source) VALUES
('LV-003', 'Aizputes novads', 'Aizpute Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '112', '001:301'),
('LV-006', 'Alsungas novads', 'Alsunga Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '050', '001:302'),
('LV-018', 'Brocēnu novads', 'Brocēni Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '088', '001:303'),
('LV-027', 'Dundagas novads', 'Dundaga Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '097', '001:304'),
('LV-028', 'Durbes novads', 'Durbe Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '112', '001:305'),
('LV-032', 'Grobiņas novads', 'Grobiņa Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '112', '001:306'),
('LV-050', 'Kuldīgas novads', 'Kuldīga Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '050', '001:307'),
('LV-LPX', 'Liepāja', 'Liepāja', 'KURZEME', '2009-07-01', '2021-06-30', 'LPX', '001:308'),
('LV-063', 'Mērsraga novads', 'Mērsrags Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '097', '001:309'),
('LV-066', 'Nīcas novads', 'Nīca Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '112', '001:310'),
('LV-071', 'Pāvilostas novads', 'Pāvilosta Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '112', '001:311'),
('LV-074', 'Priekules novads', 'Priekule Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '112', '001:312'),
('LV-079', 'Rojas novads', 'Roja Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '097', '001:313'),
('LV-081', 'Rucavas novads', 'Rucava Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '112', '001:314'),
('LV-088', 'Saldus novads', 'Saldus Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '088', '001:315'),
('LV-093', 'Skrundas novads', 'Skrunda Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '050', '001:316'),
('LV-097', 'Talsu novads', 'Talsi Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '097', '001:317'),
('LV-100', 'Vaiņodes novads', 'Vaiņode Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '112', '001:318'),
('LV-VEN', 'Ventspils', 'Ventspils', 'KURZEME', '2009-07-01', '2021-06-30', 'VEN', '001:319'),
('LV-106', 'Ventspils novads', 'Ventspils Municipality', 'KURZEME', '2009-07-01', '2021-06-30', '106', '001:320'),
('LV-001', 'Aglonas novads', 'Aglona Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '073', '003:690'),
('LV-014', 'Baltinavas novads', 'Baltinava Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '015', '003:692'),
('LV-015', 'Balvu novads', 'Balvi Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '015', '003:694'),
('LV-023', 'Ciblas novads', 'Cibla Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '058', '003:696'),
('LV-024', 'Dagdas novads', 'Dagda Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '047', '003:698'),
('LV-DGV', 'Daugavpils', 'Daugavpils', 'LATGALE', '2009-07-01', '2021-06-30', 'DGV', '003:700'),
('LV-025', 'Daugavpils novads', 'Daugavpils Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '111', '003:702'),
('LV-036', 'Ilūkstes novads', 'Ilūkste Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '111', '003:704'),
('LV-044', 'Kārsavas novads', 'Kārsava Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '058', '003:706'),
('LV-047', 'Krāslavas novads', 'Krāslava Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '047', '003:708'),
('LV-056', 'Līvānu novads', 'Līvāni Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '056', '003:710'),
('LV-058', 'Ludzas novads', 'Ludza Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '058', '003:712'),
('LV-073', 'Preiļu novads', 'Preiļi Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '073', '003:714'),
('LV-REZ', 'Rēzekne', 'Rēzekne', 'LATGALE', '2009-07-01', '2021-06-30', 'REZ', '003:716'),
('LV-077', 'Rēzeknes novads', 'Rēzekne Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '077', '003:718'),
('LV-078', 'Riebiņu novads', 'Riebiņi Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '073', '003:720'),
('LV-082', 'Rugāju novads', 'Rugāji Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '015', '003:722'),
('LV-103', 'Vārkavas novads', 'Vārkava Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '073', '003:724'),
('LV-108', 'Viļakas novads', 'Viļaka Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '015', '003:726'),
('LV-109', 'Viļānu novads', 'Viļāni Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '077', '003:728'),
('LV-110', 'Zilupes novads', 'Zilupe Municipality', 'LATGALE', '2009-07-01', '2021-06-30', '058', '003:730');

INSERT INTO indicator_definitions (code, programme, region, position, name_lv, name_en, unit, baseline, baseline_date, data_source, measure, service_types, training_programme, geography, source_lines) VALUES
('LAT-01', 'LATGALE', 'LATGALE', 1, 'Ieviesto sociālo pakalpojumu skaits', 'Number of social services introduced', 'services', NULL, '2010-01-01', 'Pašvaldību sociālie dienesti', 'services', NULL, NULL, 'current', '003:9591'),
('LAT-02', 'LATGALE', 'LATGALE', 2, 'Speciālistu skaits', 'Number of specialists', 'persons', NULL, '2010-01-01', 'Pašvaldību sociālie dienesti', 'staff', NULL, NULL, 'current', '003:9592'),
('LAT-03', 'LATGALE', 'LATGALE', 3, 'Sociālo pakalpojumu saņēmēju skaits, t.sk. mērķa grupu un pašvaldību griezumā', 'Number of social service recipients, by target group and municipality', 'persons', NULL, '2010-01-01', 'Pašvaldību sociālie dienesti', 'recipients', NULL, NULL, 'current', '003:9593-9594'),
('LAT-04', 'LATGALE', 'LATGALE', 4, 'Minimālais sociālo pakalpojumu apjoms katrā pašvaldībā', 'Minimum package of social services in every municipality', 'municipalities', NULL, '2010-01-01', 'Pašvaldību sociālie dienesti', 'minimum_package', NULL, NULL, 'current', '003:4088-4120; 003:266-279'),
('DI-01', 'DI_PLAN', NULL, 1, 'Slēgtās institūcijas', 'Institutions closed', 'institutions', 0, '2014-01-01', 'LM', 'institutions_closed', NULL, NULL, 'current', '002:L5516-5520; 002:L5654-5658'),
('DI-02', 'DI_PLAN', NULL, 2, 'Klienti, kas izgājuši no ilgstošās aprūpes institūcijām', 'Clients who left long-term care institutions', 'persons', 0, '2014-01-01', 'LM', 'transitions', NULL, NULL, 'current', '002:L5654-5660'),
('DI-TR-support_plan_development', 'DI_PLAN', NULL, 3, 'Apmācītie darbinieki: Atbalsta plāna klientam izstrāde', 'Staff trained: Client support-plan development', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'support_plan_development', 'current', '002:L4405-4409; 002:L4536-4540; 002:L4641-4645'),
('DI-TR-life_skills', 'DI_PLAN', NULL, 4, 'Apmācītie darbinieki: Sadzīves iemaņu apgūšana', 'Staff trained: Life-skills training', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'life_skills', 'current', '002:L4411-4429; 002:L4542-4544; 002:L4647-4651'),
('DI-TR-work_with_disabilities', 'DI_PLAN', NULL, 5, 'Apmācītie darbinieki: Darbs ar personām ar invaliditāti, personu ar invaliditāti ģimenēm', 'Staff trained: Work with persons with disabilities and their families', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'work_with_disabilities', 'current', '002:L4472-4476; 002:L4546; 002:L4573-4589; 002:L4653-4671'),
('DI-TR-cbs_development', 'DI_PLAN', NULL, 6, 'Apmācītie darbinieki: Sabiedrībā balstītu pakalpojumu izveide un pilnveidošana', 'Staff trained: Creating and improving community-based services', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'cbs_development', 'current', '002:L4478-4482; 002:L4673-4675; 002:L4712-4714'),
('DI-TR-client_needs_work', 'DI_PLAN', NULL, 7, 'Apmācītie darbinieki: Uz klienta vajadzībām orientēts darbs sabiedrībā balstītos sociālos pakalpojumos', 'Staff trained: Client-needs-oriented work in community-based social services', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'client_needs_work', 'current', '002:L4484-4488; 002:L4573-4589; 002:L4653-4671'),
('DI-TR-youth_home_work', 'DI_PLAN', NULL, 8, 'Apmācītie darbinieki: Darbs ar jauniešiem Jauniešu mājas pakalpojumos un ģimeniskai videi pietuvinātā pakalpojuma nodrošināšanai', 'Staff trained: Work with young people in youth homes and family-like services', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'youth_home_work', 'current', '002:L4490-4494; 002:L4573-4589; 002:L4653-4671'),
('DI-TR-family_like_child_work', 'DI_PLAN', NULL, 9, 'Apmācītie darbinieki: Darbs ar bērniem ģimeniskai videi pietuvinātos pakalpojumos', 'Staff trained: Work with children in family-like services', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'family_like_child_work', 'current', '002:L4496-4498; 002:L4587-4589; 002:L4653-4671'),
('DI-TR-di_assessment', 'DI_PLAN', NULL, 10, 'Apmācītie darbinieki: Apmācība par DI un vienotas metodikas izmantošanu novērtēšanā', 'Staff trained: Training on DI and the unified assessment methodology', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'di_assessment', 'current', '002:L606-622; 002:L749-751; 002:L1110-1111; 002:L1486-1488'),
('DI-TR-foster_family', 'DI_PLAN', NULL, 11, 'Apmācītie darbinieki: Audžuģimeņu apmācības (uz pieredzes izglītības bāzes veidota programma)', 'Staff trained: Foster-family training (experiential learning programme)', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'foster_family', 'current', '002:L3029-3030; 002:L3074-3075'),
('DI-TR-specialised_foster_family', 'DI_PLAN', NULL, 12, 'Apmācītie darbinieki: Specializēto audžuģimeņu apmācību programma', 'Staff trained: Specialised foster-family training programme', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'specialised_foster_family', 'current', '002:L2915; 002:L3077-3079; 002:L3147-3149'),
('DI-TR-crisis_intervention', 'DI_PLAN', NULL, 13, 'Apmācītie darbinieki: Krīzes intervences apmācība', 'Staff trained: Crisis-intervention training', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'crisis_intervention', 'current', '002:L2932-2934'),
('DI-TR-foster_mentor', 'DI_PLAN', NULL, 14, 'Apmācītie darbinieki: Mentora apmācības', 'Staff trained: Mentor training (foster families)', 'persons', NULL, '2014-01-01', 'Kopiena', 'trained_staff', NULL, 'foster_mentor', 'current', '002:L2899-2900'),
('DI-FOSTER', 'DI_PLAN', NULL, 15, 'Apmācītās audžuģimenes', 'Foster families trained', 'families', 0, '2014-01-01', 'LM', 'none', NULL, NULL, 'current', '002:L3029-3030; 002:L3074-3075');

INSERT INTO indicator_targets (code, year, value) VALUES
('LAT-04', 2017, 9),
('DI-01', 2020, 3),
('DI-02', 2020, 700),
('DI-FOSTER', 2015, 80),
('DI-FOSTER', 2016, 180);

CREATE TRIGGER former_municipalities_record_data_insert AFTER INSERT ON former_municipalities
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER former_municipalities_record_data_update AFTER UPDATE ON former_municipalities
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER former_municipalities_record_data_delete AFTER DELETE ON former_municipalities
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicator_definitions_record_data_insert AFTER INSERT ON indicator_definitions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicator_definitions_record_data_update AFTER UPDATE ON indicator_definitions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicator_definitions_record_data_delete AFTER DELETE ON indicator_definitions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicator_targets_record_data_insert AFTER INSERT ON indicator_targets
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicator_targets_record_data_update AFTER UPDATE ON indicator_targets
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicator_targets_record_data_delete AFTER DELETE ON indicator_targets
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
