DROP INDEX service_runs_area_idx;
DROP INDEX client_runs_area_idx;
