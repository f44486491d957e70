ALTER TABLE placements DROP COLUMN ended_at;
