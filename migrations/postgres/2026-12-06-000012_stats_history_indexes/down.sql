DROP INDEX assessments_assessed_on_idx;
DROP INDEX clients_created_at_idx;
