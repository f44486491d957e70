-- Results indicators of the Kurzeme planning region's social services development
-- (seed 000, April 2015; registry-and-indicators.md §2), as reference data. `measure` says
-- how the current value is computed from the registry: `providers` (registered providers in
-- the region), `municipalities` (municipalities of the region with an active service of the
-- listed types), `services` (active services of the listed types), or `none` when the
-- registry cannot compute it.
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

INSERT INTO indicators (code, region, position, name_lv, name_en, unit, baseline, baseline_date, target, target_year, data_source, measure, service_types, source_lines) VALUES
('KUR-01', 'KURZEME', 1, 'Reģistrētais sociālo pakalpojumu sniedzēju skaits', 'Number of registered social service providers', 'providers', 53, '2010-01-01', 150, 2018, 'LM', 'providers', NULL, '001:11-19; 000:32-45'),
('KUR-02', 'KURZEME', 2, 'Aprūpes mājās pakalpojumi', 'Home care services', 'municipalities', 1, '2010-01-01', 20, 2018, 'LM', 'municipalities', 'home_care', '001:21-30; 000:47-56'),
('KUR-03', 'KURZEME', 3, 'Dienas aprūpes centru pakalpojumi', 'Day care centre services', 'municipalities', 3, '2010-01-01', 15, 2018, 'LM', 'municipalities', 'day_care_centre', '001:32-39; 000:58-67'),
('KUR-04', 'KURZEME', 4, 'Grupu mājas (dzīvokļa) pakalpojumi', 'Group home (apartment) services', 'municipalities', 1, '2010-01-01', 16, 2018, 'LM', 'municipalities', 'group_home,group_home_with_care', '001:41-48; 000:69-78'),
('KUR-05', 'KURZEME', 5, 'SOS ciemats', 'SOS children''s village', 'municipalities', 0, '2010-01-01', 1, 2018, 'LM', 'municipalities', 'sos_village', '001:50-56; 000:80-83'),
('KUR-06', 'KURZEME', 6, 'Krīzes centru pakalpojumi', 'Crisis centre services', 'municipalities', 4, '2010-01-01', 14, 2018, 'LM', 'municipalities', 'crisis_centre', '001:58-67; 000:85-94'),
('KUR-07', 'KURZEME', 7, 'Naktspatversmes/patversmes pakalpojumi', 'Night shelter / shelter services', 'municipalities', 2, '2010-01-01', 10, 2018, 'LM', 'municipalities', 'night_shelter,shelter', '001:69-74; 000:96-105'),
('KUR-08', 'KURZEME', 8, 'Pusceļa mājas pakalpojumi', 'Halfway house services', 'municipalities', 1, '2010-01-01', 7, 2018, 'LM', 'municipalities', 'halfway_house', '001:76-84; 000:107-113'),
('KUR-09', 'KURZEME', 9, 'Specializētās darbnīcas pakalpojumi', 'Specialised workshop services', 'municipalities', 0, '2010-01-01', 10, 2018, 'LM', 'municipalities', 'specialised_workshop', '001:86-91; 000:115-121'),
('KUR-10', 'KURZEME', 10, 'Jauniešu mājas pakalpojumi', 'Youth home services', 'municipalities', 1, '2010-01-01', 9, 2018, 'Ilgstošas soc. aprūpes un soc. rehabilitācijas institūcijas', 'municipalities', 'youth_home', '001:93-101; 000:123-138'),
('KUR-11', 'KURZEME', 11, 'Sociālās rehabilitācijas pakalpojumi', 'Social rehabilitation services', 'municipalities', 4, '2010-01-01', 20, 2018, 'LM', 'municipalities', 'social_rehabilitation', '001:103-114; 000:140-156'),
('KUR-11S', 'KURZEME', 12, 'Sociālās rehabilitācijas pakalpojumi (pakalpojumu skaits)', 'Social rehabilitation services (number of services)', 'services', NULL, '2010-01-01', 67, 2018, 'LM', 'services', 'social_rehabilitation', '001:103-114; 000:140-156'),
('KUR-12', 'KURZEME', 13, 'Dienas centra pakalpojumi', 'Day centre services', 'municipalities', 0, '2010-01-01', 20, 2018, 'LM', 'municipalities', 'day_centre', '001:116-126; 000:158-167'),
('KUR-13', 'KURZEME', 14, 'Asistentu un pavadoņu pakalpojumi', 'Assistant and companion services', 'municipalities', 0, '2010-01-01', 20, 2018, 'Kurzemes reģiona pašvaldību sociālie dienesti', 'municipalities', 'assistant,companion', '001:128-135; 000:169-180'),
('KUR-14', 'KURZEME', 15, 'Sociālā darba pakalpojumi', 'Social work services', 'municipalities', 6, '2010-01-01', 20, 2018, 'LM', 'municipalities', 'social_work', '001:137-142; 000:182-185'),
('KUR-15', 'KURZEME', 16, 'Servisa dzīvokļu pakalpojumi', 'Service apartment services', 'municipalities', 0, '2010-01-01', 8, 2018, 'LM', 'municipalities', 'service_apartment', '001:144-153; 000:187-193'),
('KUR-16', 'KURZEME', 17, 'Iedzīvotāju atbalsta vai pašpalīdzības grupas', 'Resident support or self-help groups', 'municipalities', 0, '2010-01-01', 18, 2018, 'Pašvaldību sociālie dienesti', 'municipalities', 'support_group,self_help_group', '001:155-162; 000:194-204'),
('KUR-17', 'KURZEME', 18, 'Atsevišķu sociālo pakalpojumu attīstības plāni', 'Development plans for individual services', 'municipalities', 2, '2010-01-01', 17, 2018, 'Sociālo pakalpojumu sniedzēji', 'none', NULL, '001:164-171; 000:206-216'),
('KUR-18', 'KURZEME', 19, 'Pašvaldības sociālo pakalpojumu un sociālās palīdzības attīstības plāni', 'Municipal social services and assistance development plans', 'municipalities', NULL, '2010-01-01', 17, 2018, 'Sociālo pakalpojumu sniedzēji', 'none', NULL, '001:173-178; 000:218-228'),
('KUR-19', 'KURZEME', 20, 'Vienota datu bāze sociālo pakalpojumu un sociālās palīdzības uzskaitei', 'Unified database for recording social services and social assistance', 'items', 0, '2010-01-01', 1, 2018, 'Sociālo pakalpojumu sniedzēji', 'none', NULL, '001:180-186; 000:230-243'),
('KUR-20', 'KURZEME', 21, 'Sociālo pakalpojumu koordinācijas centrs', 'Social services coordination centre', 'items', 0, '2010-01-01', 1, 2018, 'Sociālo pakalpojumu sniedzēji', 'none', NULL, '001:188-196; 000:245-256'),
('KUR-CH', 'KURZEME', 22, 'Sociālie pakalpojumi ārpus institūcijām bērniem', 'Non-institutional services for children (foster, guest, guardianship, support families, trusted persons)', 'municipalities', NULL, '2010-01-01', 18, 2018, '-', 'municipalities', 'foster_family,crisis_foster_family,therapeutic_foster_family,specialised_foster_family,respite_foster_care,guest_family,guardianship,support_family,trusted_person', '001:198-203; 000:258-267'),
('KUR-ST', 'KURZEME', 23, 'Īslaicīgas sociālās aprūpes pakalpojumi', 'Short-term social care services', 'municipalities', 0, '2010-01-01', 17, 2018, 'LM', 'municipalities', 'short_term_social_care', '001:205-210; 000:269-275'),
('KUR-FS', 'KURZEME', 24, 'Ģimenes atbalsta centra pakalpojumi', 'Family support centre services', 'municipalities', 0, '2010-01-01', 14, 2018, 'LM', 'municipalities', 'family_support_centre', '001:212-217; 000:277-283'),
('KUR-SK', 'KURZEME', 25, 'Zupas virtuves un/vai higiēnas centri', 'Soup kitchens and/or hygiene centres', 'municipalities', NULL, '2010-01-01', 16, 2018, 'Sociālo pakalpojumu sniedzēji', 'municipalities', 'soup_kitchen,hygiene_centre', '001:219-228; 000:285-297'),
('KUR-OA', 'KURZEME', 26, 'Citi alternatīvie sociālie pakalpojumi (specializētais transports, atbalstītais darbs, sociālais uzņēmums)', 'Other alternative services (specialised transport, supported employment, social enterprise)', 'municipalities', NULL, '2010-01-01', 16, 2018, 'Sociālo pakalpojumu sniedzēji', 'municipalities', 'specialised_transport,supported_employment,social_enterprise', '001:230-239; 000:299-313'),
('KUR-TR', 'KURZEME', 27, 'Kvalifikācijas paaugstināšana un sociālā atbalsta pasākumu nodrošināšana darbiniekiem', 'Staff upskilling and staff social-support measures', 'municipalities', NULL, '2010-01-01', 20, 2018, 'LM, sociālo pakalpojumu sniedzēji', 'none', NULL, '001:241-246; 000:315-325'),
('KUR-DX', 'KURZEME', 28, 'Datu apmaiņas nodrošināšana ar valsts un pašvaldības informācijas sistēmām', 'Data exchange with state and municipal information systems', 'municipalities', NULL, '2010-01-01', 20, 2018, 'Pašvaldību sociālie dienesti', 'none', NULL, '001:262-267; 000:351-363'),
('KUR-QA', 'KURZEME', 29, 'Vienota kvalitātes novērtēšanas sistēma', 'Unified quality assessment system', 'items', NULL, '2010-01-01', 1, 2018, 'Sociālo pakalpojumu sniedzēji', 'none', NULL, '001:283-291; 000:390-401');
