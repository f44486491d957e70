-- A list's `modified_after` reads, for records without an `updated_at` of their own
-- (assessments, placements, transfers, mentor assignments), the ids the change feed names
-- after an instant: by type and time, the id read from the index alone.
CREATE INDEX changes_by_resource ON changes (resource_type, occurred_at, resource_id);
