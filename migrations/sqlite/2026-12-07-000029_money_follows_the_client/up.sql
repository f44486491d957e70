-- Money follows the client (issue 18, points 2 and 3; domain::subsidy).
--
-- Latvia's public holidays (reference/public_holidays.csv): a month's working days are its
-- weekdays that are not one of them (INV-F01).
CREATE TABLE public_holidays (
    day DATE PRIMARY KEY NOT NULL,
    name_lv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    source TEXT NOT NULL
);

-- The services delivered to a client in a month: the days, and for a service billed by the
-- hour the hours (INV-F12). A correction is the next version of the same client, service and
-- month; versions are never changed.
CREATE TABLE service_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    service_id BIGINT NOT NULL REFERENCES services (id),
    -- The month's first day.
    month DATE NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    -- Bit d-1 set: delivered on day d of the month (domain::subsidy::MonthDays).
    days BIGINT NOT NULL CHECK (days >= 0),
    -- person_day | hour (domain::registry::PriceUnit), the service type's billing unit
    unit TEXT NOT NULL,
    -- In hundredths of the unit: person-days are the days delivered, hours as recorded.
    quantity_hundredths BIGINT NOT NULL CHECK (quantity_hundredths >= 0),
    recorded_by TEXT NOT NULL,
    recorded_role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (client_id, service_id, month, version)
);
CREATE INDEX service_deliveries_month ON service_deliveries (month, client_id);

-- A municipality's closed (frozen) monthly claim (CLAIM-CLOSE): its lines as computed when
-- it closed. An open month's claim is computed, never stored.
CREATE TABLE claims (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    -- The month's first day.
    month DATE NOT NULL,
    working_days INTEGER NOT NULL,
    total_cents BIGINT NOT NULL,
    closed_by TEXT NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (municipality, month)
);

-- A closed claim's lines: the month's subsidy of a client (for_month = month), or an
-- adjustment of an earlier closed month (for_month < month, CLAIM-ADJUST) whose `amount_cents`
-- is the change and `due_cents` what that month is due now.
CREATE TABLE claim_lines (
    municipality TEXT NOT NULL,
    month DATE NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    for_month DATE NOT NULL,
    assessment_id BIGINT NULL REFERENCES assessments (id),
    assessed_on DATE NULL,
    care_level TEXT NULL,
    living_situation TEXT NULL,
    tariff_id BIGINT NULL REFERENCES tariffs (id),
    package_cents BIGINT NOT NULL,
    delivered_days INTEGER NOT NULL,
    working_days INTEGER NOT NULL,
    halved BOOLEAN NOT NULL,
    due_cents BIGINT NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (municipality, month, client_id, for_month),
    FOREIGN KEY (municipality, month) REFERENCES claims (municipality, month)
);
CREATE INDEX claim_lines_for_month ON claim_lines (municipality, for_month, client_id);

INSERT INTO public_holidays (day, name_lv, name_en, source) VALUES
    ('2020-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-04-10', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-04-12', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-04-13', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2020-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-04-02', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-04-04', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-04-05', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2021-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-04-15', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-04-17', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-04-18', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2022-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-04-07', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-04-09', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-04-10', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-05-29', 'Brīvdiena (hokeja izlases bronzas medaļa)', 'Day off (the ice-hockey team''s bronze medal)', 'Likums Par 2023. gada 29. maiju (one-off)'),
    ('2023-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-07-10', 'Vispārējo latviešu Dziesmu un Deju svētku noslēguma nākamā diena', 'Day after the closing of the Song and Dance Festival', 'Par svētku, atceres un atzīmējamām dienām, 1. pants (2023 festival)'),
    ('2023-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-11-20', 'Brīvdiena (18. novembris brīvdienā)', 'Day off (18 November on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2023-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-03-29', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-03-31', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-04-01', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-05-06', 'Brīvdiena (4. maijs brīvdienā)', 'Day off (4 May on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2024-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-04-18', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-04-20', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-04-21', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-05-05', 'Brīvdiena (4. maijs brīvdienā)', 'Day off (4 May on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2025-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-04-03', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-04-05', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-04-06', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2026-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-03-26', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-03-28', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-03-29', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2027-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-04-14', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-04-16', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-04-17', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-11-20', 'Brīvdiena (18. novembris brīvdienā)', 'Day off (18 November on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2028-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-03-30', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-04-01', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-04-02', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-11-19', 'Brīvdiena (18. novembris brīvdienā)', 'Day off (18 November on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2029-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-04-19', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-04-21', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-04-22', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-05-06', 'Brīvdiena (4. maijs brīvdienā)', 'Day off (4 May on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2030-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-04-11', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-04-13', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-04-14', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-05-05', 'Brīvdiena (4. maijs brīvdienā)', 'Day off (4 May on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2031-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-03-26', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-03-28', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-03-29', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2032-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-04-15', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-04-17', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-04-18', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2033-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-04-07', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-04-09', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-04-10', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-11-20', 'Brīvdiena (18. novembris brīvdienā)', 'Day off (18 November on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2034-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-01-01', 'Jaungada diena', 'New Year''s Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-03-23', 'Lielā Piektdiena', 'Good Friday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-03-25', 'Pirmās Lieldienas', 'Easter Sunday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-03-26', 'Otrās Lieldienas', 'Easter Monday', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-05-01', 'Darba svētki, Latvijas Republikas Satversmes sapulces sasaukšanas diena', 'Labour Day, Convocation of the Constituent Assembly', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-05-04', 'Latvijas Republikas Neatkarības deklarācijas pasludināšanas diena', 'Restoration of Independence Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-06-23', 'Līgo diena', 'Midsummer Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-06-24', 'Jāņu diena', 'Midsummer Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-11-18', 'Latvijas Republikas proklamēšanas diena', 'Proclamation Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-11-19', 'Brīvdiena (18. novembris brīvdienā)', 'Day off (18 November on a weekend)', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-12-24', 'Ziemassvētku vakars', 'Christmas Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-12-25', 'Pirmie Ziemassvētki', 'Christmas Day', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-12-26', 'Otrie Ziemassvētki', 'Second Day of Christmas', 'Par svētku, atceres un atzīmējamām dienām, 1. pants'),
    ('2035-12-31', 'Vecgada diena', 'New Year''s Eve', 'Par svētku, atceres un atzīmējamām dienām, 1. pants');

-- The statistics and public caches follow these tables too (migration 000028).
CREATE TRIGGER public_holidays_record_data_insert AFTER INSERT ON public_holidays
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER public_holidays_record_data_update AFTER UPDATE ON public_holidays
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER public_holidays_record_data_delete AFTER DELETE ON public_holidays
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_deliveries_record_data_insert AFTER INSERT ON service_deliveries
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_deliveries_record_data_update AFTER UPDATE ON service_deliveries
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_deliveries_record_data_delete AFTER DELETE ON service_deliveries
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER claims_record_data_insert AFTER INSERT ON claims
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER claims_record_data_update AFTER UPDATE ON claims
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER claims_record_data_delete AFTER DELETE ON claims
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER claim_lines_record_data_insert AFTER INSERT ON claim_lines
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER claim_lines_record_data_update AFTER UPDATE ON claim_lines
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER claim_lines_record_data_delete AFTER DELETE ON claim_lines
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;

-- A unit price names the catalogue's service type it prices (reference/tariffs.csv), so that
-- a delivery of that type is priced by it (INV-F12, /stats/costs): Table 3's group
-- apartments (with care) are the catalogue's group homes, its day centres day care centres,
-- its workshops specialised workshops (the catalogue cites the same Table 3 lines, 002:6518-6536).
UPDATE tariffs SET service_type = 'group_home' WHERE code = 'up_adult_group_apartment';
UPDATE tariffs SET service_type = 'group_home_with_care' WHERE code = 'up_adult_group_apartment_with_care';
UPDATE tariffs SET service_type = 'specialised_workshop' WHERE code = 'up_adult_workshop';
UPDATE tariffs SET service_type = 'day_care_centre' WHERE code = 'up_adult_day_centre';
