DROP TABLE plan_goal_progress;
DROP TABLE plan_goal_tasks;
DROP TABLE plan_goals;
DROP INDEX support_plans_review_idx;
ALTER TABLE support_plans DROP COLUMN review_flag_assessment_id;
ALTER TABLE support_plans DROP COLUMN review_flagged_on;
ALTER TABLE support_plans DROP COLUMN next_review_due;
