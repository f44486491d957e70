-- The record's data version (issue 17, src/api/stats/cache.rs): a statistic's table is kept
-- under the version it was computed at, and served again while the version has not moved.
-- Every row changed in a table of the record (everything but the logs a read writes: the
-- audit log, the change feed, idempotency keys, webhook deliveries, key checks) adds one to
-- its one row in its own transaction. SQLite has one writer at a time, so the row is no point
-- of contention. The table has PostgreSQL's shape, so that one query reads the version on both.
CREATE TABLE record_data_version (
    backend INTEGER PRIMARY KEY CHECK (backend = 0),
    version BIGINT NOT NULL
);
INSERT INTO record_data_version (backend, version) VALUES (0, 0);

CREATE TRIGGER assessment_instrument_domains_record_data_insert AFTER INSERT ON assessment_instrument_domains
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_instrument_domains_record_data_update AFTER UPDATE ON assessment_instrument_domains
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_instrument_domains_record_data_delete AFTER DELETE ON assessment_instrument_domains
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_instrument_levels_record_data_insert AFTER INSERT ON assessment_instrument_levels
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_instrument_levels_record_data_update AFTER UPDATE ON assessment_instrument_levels
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_instrument_levels_record_data_delete AFTER DELETE ON assessment_instrument_levels
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_instruments_record_data_insert AFTER INSERT ON assessment_instruments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_instruments_record_data_update AFTER UPDATE ON assessment_instruments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_instruments_record_data_delete AFTER DELETE ON assessment_instruments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_runs_record_data_insert AFTER INSERT ON assessment_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_runs_record_data_update AFTER UPDATE ON assessment_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_runs_record_data_delete AFTER DELETE ON assessment_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_service_types_record_data_insert AFTER INSERT ON assessment_service_types
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_service_types_record_data_update AFTER UPDATE ON assessment_service_types
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_service_types_record_data_delete AFTER DELETE ON assessment_service_types
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_team_members_record_data_insert AFTER INSERT ON assessment_team_members
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_team_members_record_data_update AFTER UPDATE ON assessment_team_members
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessment_team_members_record_data_delete AFTER DELETE ON assessment_team_members
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessments_record_data_insert AFTER INSERT ON assessments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessments_record_data_update AFTER UPDATE ON assessments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER assessments_record_data_delete AFTER DELETE ON assessments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER case_notes_record_data_insert AFTER INSERT ON case_notes
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER case_notes_record_data_update AFTER UPDATE ON case_notes
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER case_notes_record_data_delete AFTER DELETE ON case_notes
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER client_runs_record_data_insert AFTER INSERT ON client_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER client_runs_record_data_update AFTER UPDATE ON client_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER client_runs_record_data_delete AFTER DELETE ON client_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER client_transfers_record_data_insert AFTER INSERT ON client_transfers
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER client_transfers_record_data_update AFTER UPDATE ON client_transfers
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER client_transfers_record_data_delete AFTER DELETE ON client_transfers
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER clients_record_data_insert AFTER INSERT ON clients
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER clients_record_data_update AFTER UPDATE ON clients
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER clients_record_data_delete AFTER DELETE ON clients
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER di_transitions_record_data_insert AFTER INSERT ON di_transitions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER di_transitions_record_data_update AFTER UPDATE ON di_transitions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER di_transitions_record_data_delete AFTER DELETE ON di_transitions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicators_record_data_insert AFTER INSERT ON indicators
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicators_record_data_update AFTER UPDATE ON indicators
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER indicators_record_data_delete AFTER DELETE ON indicators
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER legal_bases_record_data_insert AFTER INSERT ON legal_bases
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER legal_bases_record_data_update AFTER UPDATE ON legal_bases
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER legal_bases_record_data_delete AFTER DELETE ON legal_bases
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_assignments_record_data_insert AFTER INSERT ON mentor_assignments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_assignments_record_data_update AFTER UPDATE ON mentor_assignments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_assignments_record_data_delete AFTER DELETE ON mentor_assignments
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_load_runs_record_data_insert AFTER INSERT ON mentor_load_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_load_runs_record_data_update AFTER UPDATE ON mentor_load_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_load_runs_record_data_delete AFTER DELETE ON mentor_load_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_trainings_record_data_insert AFTER INSERT ON mentor_trainings
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_trainings_record_data_update AFTER UPDATE ON mentor_trainings
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentor_trainings_record_data_delete AFTER DELETE ON mentor_trainings
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentors_record_data_insert AFTER INSERT ON mentors
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentors_record_data_update AFTER UPDATE ON mentors
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER mentors_record_data_delete AFTER DELETE ON mentors
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER municipalities_record_data_insert AFTER INSERT ON municipalities
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER municipalities_record_data_update AFTER UPDATE ON municipalities
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER municipalities_record_data_delete AFTER DELETE ON municipalities
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER placements_record_data_insert AFTER INSERT ON placements
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER placements_record_data_update AFTER UPDATE ON placements
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER placements_record_data_delete AFTER DELETE ON placements
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goal_progress_record_data_insert AFTER INSERT ON plan_goal_progress
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goal_progress_record_data_update AFTER UPDATE ON plan_goal_progress
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goal_progress_record_data_delete AFTER DELETE ON plan_goal_progress
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goal_tasks_record_data_insert AFTER INSERT ON plan_goal_tasks
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goal_tasks_record_data_update AFTER UPDATE ON plan_goal_tasks
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goal_tasks_record_data_delete AFTER DELETE ON plan_goal_tasks
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goals_record_data_insert AFTER INSERT ON plan_goals
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goals_record_data_update AFTER UPDATE ON plan_goals
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER plan_goals_record_data_delete AFTER DELETE ON plan_goals
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER planning_regions_record_data_insert AFTER INSERT ON planning_regions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER planning_regions_record_data_update AFTER UPDATE ON planning_regions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER planning_regions_record_data_delete AFTER DELETE ON planning_regions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER provider_status_periods_record_data_insert AFTER INSERT ON provider_status_periods
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER provider_status_periods_record_data_update AFTER UPDATE ON provider_status_periods
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER provider_status_periods_record_data_delete AFTER DELETE ON provider_status_periods
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER providers_record_data_insert AFTER INSERT ON providers
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER providers_record_data_update AFTER UPDATE ON providers
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER providers_record_data_delete AFTER DELETE ON providers
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER referrals_record_data_insert AFTER INSERT ON referrals
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER referrals_record_data_update AFTER UPDATE ON referrals
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER referrals_record_data_delete AFTER DELETE ON referrals
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_decisions_record_data_insert AFTER INSERT ON service_decisions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_decisions_record_data_update AFTER UPDATE ON service_decisions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_decisions_record_data_delete AFTER DELETE ON service_decisions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_periods_record_data_insert AFTER INSERT ON service_periods
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_periods_record_data_update AFTER UPDATE ON service_periods
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_periods_record_data_delete AFTER DELETE ON service_periods
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_runs_record_data_insert AFTER INSERT ON service_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_runs_record_data_update AFTER UPDATE ON service_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_runs_record_data_delete AFTER DELETE ON service_runs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_search_terms_record_data_insert AFTER INSERT ON service_search_terms
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_search_terms_record_data_update AFTER UPDATE ON service_search_terms
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_search_terms_record_data_delete AFTER DELETE ON service_search_terms
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_target_groups_record_data_insert AFTER INSERT ON service_target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_target_groups_record_data_update AFTER UPDATE ON service_target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_target_groups_record_data_delete AFTER DELETE ON service_target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_type_target_groups_record_data_insert AFTER INSERT ON service_type_target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_type_target_groups_record_data_update AFTER UPDATE ON service_type_target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_type_target_groups_record_data_delete AFTER DELETE ON service_type_target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_types_record_data_insert AFTER INSERT ON service_types
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_types_record_data_update AFTER UPDATE ON service_types
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER service_types_record_data_delete AFTER DELETE ON service_types
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER services_record_data_insert AFTER INSERT ON services
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER services_record_data_update AFTER UPDATE ON services
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER services_record_data_delete AFTER DELETE ON services
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER specialist_roles_record_data_insert AFTER INSERT ON specialist_roles
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER specialist_roles_record_data_update AFTER UPDATE ON specialist_roles
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER specialist_roles_record_data_delete AFTER DELETE ON specialist_roles
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER support_plan_sections_record_data_insert AFTER INSERT ON support_plan_sections
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER support_plan_sections_record_data_update AFTER UPDATE ON support_plan_sections
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER support_plan_sections_record_data_delete AFTER DELETE ON support_plan_sections
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER support_plans_record_data_insert AFTER INSERT ON support_plans
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER support_plans_record_data_update AFTER UPDATE ON support_plans
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER support_plans_record_data_delete AFTER DELETE ON support_plans
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER target_groups_record_data_insert AFTER INSERT ON target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER target_groups_record_data_update AFTER UPDATE ON target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER target_groups_record_data_delete AFTER DELETE ON target_groups
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER tariffs_record_data_insert AFTER INSERT ON tariffs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER tariffs_record_data_update AFTER UPDATE ON tariffs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER tariffs_record_data_delete AFTER DELETE ON tariffs
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER training_programmes_record_data_insert AFTER INSERT ON training_programmes
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER training_programmes_record_data_update AFTER UPDATE ON training_programmes
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER training_programmes_record_data_delete AFTER DELETE ON training_programmes
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER transfer_requests_record_data_insert AFTER INSERT ON transfer_requests
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER transfer_requests_record_data_update AFTER UPDATE ON transfer_requests
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER transfer_requests_record_data_delete AFTER DELETE ON transfer_requests
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER waiting_list_entries_record_data_insert AFTER INSERT ON waiting_list_entries
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER waiting_list_entries_record_data_update AFTER UPDATE ON waiting_list_entries
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER waiting_list_entries_record_data_delete AFTER DELETE ON waiting_list_entries
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER webhook_subscriptions_record_data_insert AFTER INSERT ON webhook_subscriptions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER webhook_subscriptions_record_data_update AFTER UPDATE ON webhook_subscriptions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
CREATE TRIGGER webhook_subscriptions_record_data_delete AFTER DELETE ON webhook_subscriptions
    BEGIN UPDATE record_data_version SET version = version + 1 WHERE backend = 0; END;
