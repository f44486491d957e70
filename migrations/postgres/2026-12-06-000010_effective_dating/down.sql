DROP INDEX client_transfers_date_idx;
DROP INDEX mentor_assignments_dates_idx;
DROP INDEX mentor_assignments_client_idx;
DROP INDEX mentor_assignments_mentor_idx;
CREATE INDEX mentor_assignments_mentor_idx ON mentor_assignments (mentor_id, ended_on);
DROP INDEX placements_dates_idx;
DROP INDEX placements_client_idx;
DROP INDEX placements_service_idx;
CREATE INDEX placements_service_idx ON placements (service_id, ended_on);
CREATE INDEX placements_client_idx ON placements (client_id, ended_on);

-- Today's values, counted from the intervals.
ALTER TABLE clients ADD COLUMN di_status TEXT NOT NULL DEFAULT 'waiting_list'
    CHECK (di_status IN ('in_institution', 'waiting_list', 'in_community'));
UPDATE clients SET di_status = CASE
    WHEN EXISTS (SELECT 1 FROM placements p WHERE p.client_id = clients.id AND p.institutional
                 AND p.started_on <= CURRENT_DATE AND (p.ended_on IS NULL OR p.ended_on > CURRENT_DATE))
        THEN 'in_institution'
    WHEN EXISTS (SELECT 1 FROM placements p WHERE p.client_id = clients.id AND NOT p.institutional
                 AND p.started_on <= CURRENT_DATE AND (p.ended_on IS NULL OR p.ended_on > CURRENT_DATE))
        THEN 'in_community'
    ELSE 'waiting_list' END;
DROP INDEX clients_target_group_idx;
CREATE INDEX clients_target_group_idx ON clients (target_group, di_status);
ALTER TABLE mentors ADD COLUMN active_assignments INTEGER NOT NULL DEFAULT 0 CHECK (active_assignments >= 0);
UPDATE mentors SET active_assignments = (SELECT COUNT(*) FROM mentor_assignments a
    WHERE a.mentor_id = mentors.id AND a.started_on <= CURRENT_DATE
      AND (a.ended_on IS NULL OR a.ended_on > CURRENT_DATE));
ALTER TABLE services ADD COLUMN occupied INTEGER NOT NULL DEFAULT 0 CHECK (occupied >= 0);
UPDATE services SET occupied = (SELECT COUNT(*) FROM placements p
    WHERE p.service_id = services.id AND p.started_on <= CURRENT_DATE
      AND (p.ended_on IS NULL OR p.ended_on > CURRENT_DATE));

DROP TABLE service_periods;
DROP TABLE provider_status_periods;
