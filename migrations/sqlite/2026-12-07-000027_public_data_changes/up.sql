-- The public directory's data version (issue 17, src/public_cache.rs): every row changed in a
-- table the public reads show (the registry, occupancy and holds, the reference data) adds
-- one to it in its own transaction. SQLite has one writer at a time, so the row is no point
-- of contention; an instance that reads a new version empties its cache of public answers.
-- Triggers keep it without a write path that could forget it.
CREATE TABLE public_data_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO public_data_version (id, version) VALUES (1, 0);

CREATE TRIGGER assessment_instrument_domains_public_data_insert AFTER INSERT ON assessment_instrument_domains
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_instrument_domains_public_data_update AFTER UPDATE ON assessment_instrument_domains
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_instrument_domains_public_data_delete AFTER DELETE ON assessment_instrument_domains
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_instrument_levels_public_data_insert AFTER INSERT ON assessment_instrument_levels
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_instrument_levels_public_data_update AFTER UPDATE ON assessment_instrument_levels
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_instrument_levels_public_data_delete AFTER DELETE ON assessment_instrument_levels
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_instruments_public_data_insert AFTER INSERT ON assessment_instruments
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_instruments_public_data_update AFTER UPDATE ON assessment_instruments
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER assessment_instruments_public_data_delete AFTER DELETE ON assessment_instruments
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER legal_bases_public_data_insert AFTER INSERT ON legal_bases
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER legal_bases_public_data_update AFTER UPDATE ON legal_bases
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER legal_bases_public_data_delete AFTER DELETE ON legal_bases
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER municipalities_public_data_insert AFTER INSERT ON municipalities
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER municipalities_public_data_update AFTER UPDATE ON municipalities
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER municipalities_public_data_delete AFTER DELETE ON municipalities
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER planning_regions_public_data_insert AFTER INSERT ON planning_regions
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER planning_regions_public_data_update AFTER UPDATE ON planning_regions
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER planning_regions_public_data_delete AFTER DELETE ON planning_regions
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER placements_public_data_insert AFTER INSERT ON placements
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER placements_public_data_update AFTER UPDATE ON placements
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER placements_public_data_delete AFTER DELETE ON placements
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER provider_status_periods_public_data_insert AFTER INSERT ON provider_status_periods
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER provider_status_periods_public_data_update AFTER UPDATE ON provider_status_periods
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER provider_status_periods_public_data_delete AFTER DELETE ON provider_status_periods
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER providers_public_data_insert AFTER INSERT ON providers
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER providers_public_data_update AFTER UPDATE ON providers
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER providers_public_data_delete AFTER DELETE ON providers
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER referrals_public_data_insert AFTER INSERT ON referrals
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER referrals_public_data_update AFTER UPDATE ON referrals
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER referrals_public_data_delete AFTER DELETE ON referrals
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_periods_public_data_insert AFTER INSERT ON service_periods
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_periods_public_data_update AFTER UPDATE ON service_periods
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_periods_public_data_delete AFTER DELETE ON service_periods
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_runs_public_data_insert AFTER INSERT ON service_runs
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_runs_public_data_update AFTER UPDATE ON service_runs
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_runs_public_data_delete AFTER DELETE ON service_runs
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_search_terms_public_data_insert AFTER INSERT ON service_search_terms
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_search_terms_public_data_update AFTER UPDATE ON service_search_terms
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_search_terms_public_data_delete AFTER DELETE ON service_search_terms
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_target_groups_public_data_insert AFTER INSERT ON service_target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_target_groups_public_data_update AFTER UPDATE ON service_target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_target_groups_public_data_delete AFTER DELETE ON service_target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_type_target_groups_public_data_insert AFTER INSERT ON service_type_target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_type_target_groups_public_data_update AFTER UPDATE ON service_type_target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_type_target_groups_public_data_delete AFTER DELETE ON service_type_target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_types_public_data_insert AFTER INSERT ON service_types
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_types_public_data_update AFTER UPDATE ON service_types
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER service_types_public_data_delete AFTER DELETE ON service_types
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER services_public_data_insert AFTER INSERT ON services
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER services_public_data_update AFTER UPDATE ON services
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER services_public_data_delete AFTER DELETE ON services
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER specialist_roles_public_data_insert AFTER INSERT ON specialist_roles
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER specialist_roles_public_data_update AFTER UPDATE ON specialist_roles
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER specialist_roles_public_data_delete AFTER DELETE ON specialist_roles
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER support_plan_sections_public_data_insert AFTER INSERT ON support_plan_sections
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER support_plan_sections_public_data_update AFTER UPDATE ON support_plan_sections
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER support_plan_sections_public_data_delete AFTER DELETE ON support_plan_sections
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER target_groups_public_data_insert AFTER INSERT ON target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER target_groups_public_data_update AFTER UPDATE ON target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER target_groups_public_data_delete AFTER DELETE ON target_groups
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tariffs_public_data_insert AFTER INSERT ON tariffs
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tariffs_public_data_update AFTER UPDATE ON tariffs
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tariffs_public_data_delete AFTER DELETE ON tariffs
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER training_programmes_public_data_insert AFTER INSERT ON training_programmes
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER training_programmes_public_data_update AFTER UPDATE ON training_programmes
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER training_programmes_public_data_delete AFTER DELETE ON training_programmes
    BEGIN UPDATE public_data_version SET version = version + 1 WHERE id = 1; END;
