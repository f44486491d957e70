-- When a placement's end was recorded (issue 18): a closed monthly claim is computed from
-- where the client lived on the month's last day, so an end recorded after the claim closed,
-- dated before that day, is a change the next claim adjusts for (CLAIM-ADJUST). NULL for an
-- open placement, and for one ended before this column existed.
ALTER TABLE placements ADD COLUMN ended_at TIMESTAMP NULL;
