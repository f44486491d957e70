-- A planning region's indicator table reads the client and service runs of its municipalities
-- only (`db::stats::clients_by_status`, `service_facts`): by municipality, and for the clients
-- with every column the count reads, so the count reads the index alone.
CREATE INDEX client_runs_area_idx
    ON client_runs (municipality, starts_on, ends_on, target_group, di_status, record_key);
CREATE INDEX service_runs_area_idx ON service_runs (municipality, starts_on);
