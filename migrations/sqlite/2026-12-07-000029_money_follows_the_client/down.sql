DROP TABLE claim_lines;
DROP TABLE claims;
DROP TABLE service_deliveries;
DROP TABLE public_holidays;
