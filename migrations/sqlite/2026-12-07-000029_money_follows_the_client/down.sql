DROP TABLE claim_lines;
DROP TABLE claims;
DROP TABLE service_deliveries;
DROP TABLE public_holidays;
UPDATE tariffs SET service_type = 'group_apartment' WHERE code = 'up_adult_group_apartment';
UPDATE tariffs SET service_type = 'group_apartment_with_care' WHERE code = 'up_adult_group_apartment_with_care';
UPDATE tariffs SET service_type = 'workshop' WHERE code = 'up_adult_workshop';
UPDATE tariffs SET service_type = 'day_centre' WHERE code = 'up_adult_day_centre';
