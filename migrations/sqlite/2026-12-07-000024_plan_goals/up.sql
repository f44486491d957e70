-- Plans that are followed up (issue 15, point 5): a final plan's structured goals, whose
-- status is updated with a progress note without a new plan version, and the plan's review
-- date (KOPIENA_PLAN_REVIEW_MONTHS after finalisation, earlier when a change of the client's
-- care level flags it; domain::support_plan).
-- (The flag's assessment is no foreign key: a second one to assessments would make the
-- schema's join between the tables ambiguous.)
ALTER TABLE support_plans ADD COLUMN next_review_due DATE NULL;
-- The day a new assessment changed the client's care level, and that assessment.
ALTER TABLE support_plans ADD COLUMN review_flagged_on DATE NULL;
ALTER TABLE support_plans ADD COLUMN review_flag_assessment_id BIGINT NULL;
-- Final plans of before: due twelve months (the default) after their finalisation.
UPDATE support_plans SET next_review_due = date(finalised_at, '+12 months')
    WHERE status = 'final' AND finalised_at IS NOT NULL;
CREATE INDEX support_plans_review_idx ON support_plans (next_review_due)
    WHERE status = 'final' AND replaced_by_id IS NULL;

CREATE TABLE plan_goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    plan_id BIGINT NOT NULL REFERENCES support_plans (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    responsible TEXT NOT NULL,
    target_date DATE NOT NULL,
    -- open | achieved | dropped (domain::support_plan::GoalStatus)
    status TEXT NOT NULL,
    -- The cell key method's record key (domain::disclosure): /stats/plan-goals counts goals.
    record_key INTEGER NOT NULL,
    UNIQUE (plan_id, position)
);

CREATE TABLE plan_goal_tasks (
    goal_id BIGINT NOT NULL REFERENCES plan_goals (id),
    position INTEGER NOT NULL,
    task TEXT NOT NULL,
    PRIMARY KEY (goal_id, position)
);

-- Append-only: each status update of a goal of a final plan, with its note.
CREATE TABLE plan_goal_progress (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    goal_id BIGINT NOT NULL REFERENCES plan_goals (id),
    noted_on DATE NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_goal_progress_goal_idx ON plan_goal_progress (goal_id, id);
