DROP TABLE idempotency_keys;
DROP TABLE service_search_terms;
DROP TABLE service_target_groups;
DROP TABLE services;
DROP TABLE providers;
