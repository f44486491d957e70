-- The record's first day (the earliest dated fact, before which a statistic on a date is
-- refused) is read from the start of each dated column: these two had no index leading
-- with their date. (Placements, mentor assignments and service periods have theirs.)
CREATE INDEX clients_created_at_idx ON clients (created_at);
CREATE INDEX assessments_assessed_on_idx ON assessments (assessed_on);
