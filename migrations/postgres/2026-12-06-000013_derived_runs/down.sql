DROP TABLE mentor_load_runs;
DROP TABLE assessment_runs;
DROP TABLE service_runs;
DROP TABLE client_runs;
