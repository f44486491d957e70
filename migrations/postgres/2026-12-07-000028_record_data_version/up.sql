-- The record's data version (issue 17, src/api/stats/cache.rs): a statistic's table is kept
-- under the version it was computed at, and served again while the version has not moved.
-- Every statement that changes a table of the record (everything but the logs a read writes:
-- the audit log, the change feed, idempotency keys, webhook deliveries, key checks) adds one
-- to its backend's row, in its own transaction; the version is the sum of the rows. A backend
-- runs one transaction at a time, so no two writers ever share a row: a writer takes no lock
-- another writer waits on, and the sum grows with every commit that changed the record.
CREATE TABLE record_data_version (
    backend INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
CREATE FUNCTION bump_record_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO record_data_version (backend, version) VALUES (pg_backend_pid(), 1)
        ON CONFLICT (backend) DO UPDATE SET version = record_data_version.version + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER assessment_instrument_domains_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_instrument_domains
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER assessment_instrument_levels_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_instrument_levels
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER assessment_instruments_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_instruments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER assessment_runs_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_runs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER assessment_service_types_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_service_types
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER assessment_team_members_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_team_members
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER assessments_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER case_notes_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON case_notes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER client_runs_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON client_runs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER client_transfers_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON client_transfers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER clients_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER di_transitions_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON di_transitions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER indicators_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER legal_bases_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON legal_bases
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER mentor_assignments_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mentor_assignments
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER mentor_load_runs_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mentor_load_runs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER mentor_trainings_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mentor_trainings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER mentors_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON mentors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER municipalities_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER placements_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON placements
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER plan_goal_progress_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_goal_progress
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER plan_goal_tasks_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_goal_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER plan_goals_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_goals
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER planning_regions_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON planning_regions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER provider_status_periods_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON provider_status_periods
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER providers_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON providers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER referrals_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referrals
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER service_decisions_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_decisions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER service_periods_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_periods
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER service_runs_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_runs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER service_search_terms_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_search_terms
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER service_target_groups_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_target_groups
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER service_type_target_groups_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_type_target_groups
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER service_types_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_types
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER services_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER specialist_roles_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON specialist_roles
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER support_plan_sections_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON support_plan_sections
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER support_plans_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON support_plans
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER target_groups_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_groups
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER tariffs_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tariffs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER training_programmes_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON training_programmes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER transfer_requests_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON transfer_requests
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER waiting_list_entries_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON waiting_list_entries
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
CREATE TRIGGER webhook_subscriptions_record_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON webhook_subscriptions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_record_data_version();
