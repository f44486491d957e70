-- The public directory's changes (issue 17, src/public_cache.rs): every statement that changes
-- a table the public reads show (the registry, occupancy and holds, the reference data)
-- notifies the channel `kopiena_public_data`. PostgreSQL delivers a notification when its
-- transaction commits (several in one transaction as one), and takes no row lock for it, so
-- writers do not wait on each other for it. Each instance listens and empties its cache of
-- public answers. Triggers keep it without a write path that could forget it.
CREATE FUNCTION notify_public_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kopiena_public_data', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER assessment_instrument_domains_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_instrument_domains
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER assessment_instrument_levels_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_instrument_levels
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER assessment_instruments_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assessment_instruments
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER legal_bases_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON legal_bases
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER municipalities_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER planning_regions_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON planning_regions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER placements_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON placements
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER provider_status_periods_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON provider_status_periods
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER providers_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON providers
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER referrals_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referrals
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER service_periods_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_periods
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER service_runs_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_runs
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER service_search_terms_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_search_terms
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER service_target_groups_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_target_groups
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER service_type_target_groups_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_type_target_groups
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER service_types_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_types
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER services_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON services
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER specialist_roles_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON specialist_roles
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER support_plan_sections_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON support_plan_sections
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER target_groups_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_groups
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER tariffs_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tariffs
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
CREATE TRIGGER training_programmes_public_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON training_programmes
    FOR EACH STATEMENT EXECUTE FUNCTION notify_public_data();
