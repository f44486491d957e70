// @generated automatically by Diesel CLI.

diesel::table! {
    assessment_instrument_domains (instrument_code, instrument_version, domain) {
        instrument_code -> Text,
        instrument_version -> Int4,
        domain -> Text,
        min_score -> Int4,
        max_score -> Int4,
    }
}

diesel::table! {
    assessment_instrument_levels (instrument_code, instrument_version, care_level) {
        instrument_code -> Text,
        instrument_version -> Int4,
        care_level -> Text,
        min_total -> Int4,
    }
}

diesel::table! {
    assessment_instruments (code, version) {
        code -> Text,
        version -> Int4,
        name_lv -> Text,
        name_en -> Text,
        description_en -> Text,
        quality_of_life_min -> Int4,
        quality_of_life_max -> Int4,
        floor_score -> Nullable<Int4>,
        floor_level -> Nullable<Text>,
        is_default -> Bool,
        published_on -> Date,
    }
}

diesel::table! {
    assessment_runs (client_id, starts_on) {
        client_id -> Int8,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        municipality -> Text,
        target_group -> Text,
        care_level -> Text,
        next_reassessment_due -> Date,
        record_key -> Int4,
    }
}

diesel::table! {
    assessment_service_types (assessment_id, service_type) {
        assessment_id -> Int8,
        service_type -> Text,
    }
}

diesel::table! {
    assessment_team_members (assessment_id, position) {
        assessment_id -> Int8,
        position -> Int4,
        role -> Text,
        name -> Nullable<Text>,
        lead -> Bool,
    }
}

diesel::table! {
    assessments (id) {
        id -> Int8,
        client_id -> Int8,
        assessed_on -> Date,
        organisation_type -> Text,
        health_score -> Int4,
        self_care_score -> Int4,
        communication_score -> Int4,
        quality_of_life_score -> Int4,
        instrument_code -> Text,
        instrument_version -> Int4,
        total_score -> Int4,
        level_by_total -> Text,
        raised_by_domain -> Nullable<Text>,
        care_level -> Text,
        notes -> Nullable<Text>,
        next_reassessment_due -> Date,
        supersedes_id -> Nullable<Int8>,
        superseded_by_id -> Nullable<Int8>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        occurred_at -> Timestamp,
        actor_sub -> Text,
        actor_role -> Text,
        actor_municipality -> Nullable<Text>,
        action -> Text,
        record_type -> Text,
        record_id -> Nullable<Int8>,
        client_id -> Nullable<Int8>,
        request_id -> Text,
        outcome -> Text,
    }
}

diesel::table! {
    case_notes (id) {
        id -> Int8,
        client_id -> Int8,
        kind -> Text,
        noted_on -> Date,
        body -> Text,
        author_sub -> Text,
        author_role -> Text,
        author_municipality -> Nullable<Text>,
        author_provider_id -> Nullable<Int8>,
        author_mentor_id -> Nullable<Int8>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    changes (seq) {
        seq -> Int8,
        occurred_at -> Timestamp,
        resource_type -> Text,
        resource_id -> Int8,
        parent_id -> Nullable<Int8>,
        action -> Text,
        public -> Bool,
        municipality -> Nullable<Text>,
        previous_municipality -> Nullable<Text>,
        region -> Nullable<Text>,
        provider_id -> Nullable<Int8>,
    }
}

diesel::table! {
    claim_lines (municipality, month, client_id, for_month) {
        municipality -> Text,
        month -> Date,
        client_id -> Int8,
        for_month -> Date,
        assessment_id -> Nullable<Int8>,
        assessed_on -> Nullable<Date>,
        care_level -> Nullable<Text>,
        living_situation -> Nullable<Text>,
        tariff_id -> Nullable<Int8>,
        package_cents -> Int8,
        delivered_days -> Int4,
        working_days -> Int4,
        halved -> Bool,
        due_cents -> Int8,
        amount_cents -> Int8,
    }
}

diesel::table! {
    claim_months (client_id, month) {
        client_id -> Int8,
        month -> Date,
        municipality -> Text,
        assessment_id -> Nullable<Int8>,
        assessed_on -> Nullable<Date>,
        care_level -> Nullable<Text>,
        next_reassessment_due -> Nullable<Date>,
        in_group_apartment -> Bool,
        delivered_days -> Int8,
    }
}

diesel::table! {
    claims (municipality, month) {
        municipality -> Text,
        month -> Date,
        working_days -> Int4,
        total_cents -> Int8,
        closed_by -> Text,
        closed_at -> Timestamp,
    }
}

diesel::table! {
    client_runs (client_id, starts_on) {
        client_id -> Int8,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        municipality -> Text,
        target_group -> Text,
        di_status -> Text,
        record_key -> Int4,
    }
}

diesel::table! {
    client_transfers (id) {
        id -> Int8,
        client_id -> Int8,
        from_municipality -> Text,
        to_municipality -> Text,
        transferred_on -> Date,
        reason -> Text,
        transferred_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    clients (id) {
        id -> Int8,
        personal_code_hash -> Text,
        personal_code_encrypted -> Text,
        given_name -> Text,
        family_name -> Text,
        birth_date -> Date,
        target_group -> Text,
        municipality -> Text,
        vsac_consent -> Bool,
        vsac_consent_on -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        record_key -> Int4,
    }
}

diesel::table! {
    di_transitions (id) {
        id -> Int8,
        client_id -> Int8,
        transitioned_on -> Date,
        placement_id -> Nullable<Int8>,
        created_at -> Timestamp,
        record_key -> Int4,
    }
}

diesel::table! {
    former_municipalities (iso_3166_2) {
        iso_3166_2 -> Text,
        name_lv -> Text,
        name_en -> Text,
        planning_region -> Text,
        valid_from -> Date,
        valid_to -> Date,
        successor -> Text,
        source -> Text,
    }
}

diesel::table! {
    idempotency_keys (caller, key) {
        caller -> Text,
        key -> Text,
        request_hash -> Text,
        status -> Int4,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
        record_id -> Nullable<Int8>,
    }
}

diesel::table! {
    indicator_definitions (code) {
        code -> Text,
        programme -> Text,
        region -> Nullable<Text>,
        position -> Int4,
        name_lv -> Text,
        name_en -> Text,
        unit -> Text,
        baseline -> Nullable<Int4>,
        baseline_date -> Date,
        data_source -> Text,
        measure -> Text,
        service_types -> Nullable<Text>,
        training_programme -> Nullable<Text>,
        geography -> Text,
        source_lines -> Text,
    }
}

diesel::table! {
    indicator_targets (code, year) {
        code -> Text,
        year -> Int4,
        value -> Int4,
    }
}

diesel::table! {
    key_checks (name) {
        name -> Text,
        check_value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    legal_bases (code) {
        code -> Text,
        label_lv -> Text,
        label_en -> Text,
        position -> Int4,
    }
}

diesel::table! {
    mentor_assignments (id) {
        id -> Int8,
        mentor_id -> Int8,
        client_id -> Int8,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        end_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mentor_load_runs (mentor_id, starts_on) {
        mentor_id -> Int8,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        region -> Text,
        employer_kind -> Text,
        employer_code -> Text,
        load -> Int4,
        record_key -> Int4,
    }
}

diesel::table! {
    mentor_trainings (id) {
        id -> Int8,
        mentor_id -> Int8,
        programme -> Text,
        hours -> Int4,
        completed_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mentors (id) {
        id -> Int8,
        given_name -> Text,
        family_name -> Text,
        employer_kind -> Text,
        employer_code -> Text,
        region -> Text,
        contract_type -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        record_key -> Int4,
    }
}

diesel::table! {
    municipalities (code) {
        code -> Text,
        iso_3166_2 -> Text,
        atvk_code -> Text,
        name_lv -> Text,
        name_en -> Text,
        kind -> Text,
        planning_region -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        successor -> Nullable<Text>,
    }
}

diesel::table! {
    placements (id) {
        id -> Int8,
        client_id -> Int8,
        service_id -> Int8,
        institutional -> Bool,
        started_on -> Date,
        ended_on -> Nullable<Date>,
        end_reason -> Nullable<Text>,
        time_limit_rule -> Nullable<Text>,
        time_limit_on -> Nullable<Date>,
        created_by -> Text,
        created_at -> Timestamp,
        record_key -> Int4,
        decision_id -> Nullable<Int8>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    plan_goal_progress (id) {
        id -> Int8,
        goal_id -> Int8,
        noted_on -> Date,
        status -> Text,
        note -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    plan_goal_tasks (goal_id, position) {
        goal_id -> Int8,
        position -> Int4,
        task -> Text,
    }
}

diesel::table! {
    plan_goals (id) {
        id -> Int8,
        plan_id -> Int8,
        position -> Int4,
        text -> Text,
        responsible -> Text,
        target_date -> Date,
        status -> Text,
        record_key -> Int4,
    }
}

diesel::table! {
    planning_regions (code) {
        code -> Text,
        name_lv -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    programme_completions (trainee_kind, trainee_id, programme) {
        trainee_kind -> Text,
        trainee_id -> Int8,
        programme -> Text,
        completed_on -> Date,
        employed_from -> Date,
        employed_until -> Nullable<Date>,
        region -> Text,
        municipality -> Nullable<Text>,
        record_key -> Int4,
    }
}

diesel::table! {
    provider_status_periods (provider_id, starts_on) {
        provider_id -> Int8,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        status -> Text,
    }
}

diesel::table! {
    providers (id) {
        id -> Int8,
        name -> Text,
        register_number -> Text,
        legal_status -> Text,
        sector -> Text,
        municipality -> Text,
        address -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        website -> Nullable<Text>,
        status -> Text,
        registered_on -> Date,
        status_changed_on -> Nullable<Date>,
        excluded_on -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    public_holidays (day) {
        day -> Date,
        name_lv -> Text,
        name_en -> Text,
        source -> Text,
    }
}

diesel::table! {
    record_data_version (backend) {
        backend -> Int4,
        version -> Int8,
    }
}

diesel::table! {
    referrals (id) {
        id -> Int8,
        client_id -> Int8,
        decision_id -> Int8,
        service_id -> Int8,
        municipality -> Text,
        paying_municipality -> Text,
        target_group -> Text,
        care_level -> Nullable<Text>,
        needed_services -> Text,
        consent_reference -> Text,
        status -> Text,
        decline_reason -> Nullable<Text>,
        accepted_on -> Nullable<Date>,
        hold_until -> Nullable<Date>,
        placement_id -> Nullable<Int8>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_decisions (id) {
        id -> Int8,
        client_id -> Int8,
        municipality -> Text,
        service_type -> Text,
        service_id -> Nullable<Int8>,
        outcome -> Text,
        legal_basis -> Text,
        legal_basis_code -> Nullable<Text>,
        decided_by -> Text,
        decided_on -> Date,
        valid_from -> Nullable<Date>,
        valid_to -> Nullable<Date>,
        appeal_deadline -> Date,
        prior_work_summary -> Nullable<Text>,
        appealed_on -> Nullable<Date>,
        appeal_outcome -> Nullable<Text>,
        appeal_decided_on -> Nullable<Date>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_deliveries (id) {
        id -> Int8,
        client_id -> Int8,
        service_id -> Int8,
        month -> Date,
        version -> Int4,
        days -> Int8,
        unit -> Text,
        quantity_hundredths -> Int8,
        recorded_by -> Text,
        recorded_role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_periods (service_id, starts_on) {
        service_id -> Int8,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        status -> Text,
        capacity -> Int4,
    }
}

diesel::table! {
    service_runs (service_id, starts_on) {
        service_id -> Int8,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        provider_id -> Int8,
        sector -> Text,
        municipality -> Text,
        service_type -> Text,
        status -> Text,
        capacity -> Int4,
        provider_status -> Text,
        occupied -> Int4,
    }
}

diesel::table! {
    service_search_terms (term, service_id) {
        term -> Text,
        service_id -> Int8,
    }
}

diesel::table! {
    service_target_groups (service_id, target_group) {
        service_id -> Int8,
        target_group -> Text,
    }
}

diesel::table! {
    service_type_target_groups (service_type, target_group) {
        service_type -> Text,
        target_group -> Text,
    }
}

diesel::table! {
    service_types (code) {
        code -> Text,
        label_lv -> Text,
        label_en -> Text,
        setting -> Text,
        is_social_service -> Bool,
        is_di_alternative -> Bool,
        max_capacity -> Nullable<Int4>,
        max_age_at_placement -> Nullable<Int4>,
        default_price_unit -> Nullable<Text>,
        position -> Int4,
    }
}

diesel::table! {
    services (id) {
        id -> Int8,
        provider_id -> Int8,
        service_type -> Text,
        name -> Text,
        name_en -> Nullable<Text>,
        description -> Nullable<Text>,
        description_en -> Nullable<Text>,
        municipality -> Text,
        address -> Text,
        capacity -> Int4,
        status -> Text,
        price_cents -> Nullable<Int8>,
        price_unit -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        version -> Int4,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    specialist_roles (code) {
        code -> Text,
        label_lv -> Text,
        label_en -> Text,
        position -> Int4,
    }
}

diesel::table! {
    staff (id) {
        id -> Int8,
        given_name -> Text,
        family_name -> Text,
        role -> Text,
        employer_kind -> Text,
        employer_code -> Text,
        municipality -> Nullable<Text>,
        region -> Text,
        higher_education_in_field -> Bool,
        target_group_experience_years -> Int4,
        instrument_certificate -> Bool,
        employed_from -> Date,
        employed_until -> Nullable<Date>,
        version -> Int4,
        record_key -> Int4,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    staff_trainings (id) {
        id -> Int8,
        staff_id -> Int8,
        programme -> Text,
        hours -> Int4,
        completed_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    support_plan_sections (plan_id, section) {
        plan_id -> Int8,
        section -> Text,
        content -> Text,
    }
}

diesel::table! {
    support_plans (id) {
        id -> Int8,
        client_id -> Int8,
        plan_version -> Int4,
        status -> Text,
        assessment_id -> Nullable<Int8>,
        opinion -> Nullable<Text>,
        finalised_at -> Nullable<Timestamp>,
        replaced_by_id -> Nullable<Int8>,
        version -> Int4,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        next_review_due -> Nullable<Date>,
        review_flagged_on -> Nullable<Date>,
        review_flag_assessment_id -> Nullable<Int8>,
    }
}

diesel::table! {
    target_groups (code) {
        code -> Text,
        label_lv -> Text,
        label_en -> Text,
        is_di -> Bool,
        min_age -> Nullable<Int4>,
        max_age -> Nullable<Int4>,
        position -> Int4,
    }
}

diesel::table! {
    tariffs (id) {
        id -> Int8,
        code -> Text,
        version -> Int4,
        kind -> Text,
        care_level -> Nullable<Text>,
        living_situation -> Nullable<Text>,
        service_type -> Nullable<Text>,
        unit -> Text,
        amount_cents -> Int8,
        valid_from -> Nullable<Date>,
        valid_to -> Nullable<Date>,
        label_lv -> Text,
        label_en -> Text,
        source -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_programmes (code) {
        code -> Text,
        label_lv -> Text,
        label_en -> Text,
        min_hours -> Nullable<Int4>,
        position -> Int4,
    }
}

diesel::table! {
    transfer_requests (id) {
        id -> Int8,
        client_id -> Int8,
        from_municipality -> Text,
        to_municipality -> Text,
        reason -> Text,
        transferred_on -> Nullable<Date>,
        status -> Text,
        decline_reason -> Nullable<Text>,
        transfer_id -> Nullable<Int8>,
        requested_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    waiting_list_entries (id) {
        id -> Int8,
        client_id -> Int8,
        decision_id -> Int8,
        municipality -> Text,
        service_type -> Text,
        service_id -> Nullable<Int8>,
        priority -> Text,
        added_on -> Date,
        closed_on -> Nullable<Date>,
        close_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        subscription_id -> Int8,
        change_seq -> Int8,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamp,
        last_attempt_at -> Nullable<Timestamp>,
        response_status -> Nullable<Int4>,
        error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Int8,
        owner_municipality -> Nullable<Text>,
        owner_provider_id -> Nullable<Int8>,
        created_by -> Text,
        url -> Text,
        event_types -> Text,
        secret -> Text,
        after_seq -> Int8,
        created_at -> Timestamp,
    }
}

diesel::joinable!(assessment_runs -> clients (client_id));
diesel::joinable!(assessment_runs -> municipalities (municipality));
diesel::joinable!(assessment_runs -> target_groups (target_group));
diesel::joinable!(assessment_service_types -> assessments (assessment_id));
diesel::joinable!(assessment_service_types -> service_types (service_type));
diesel::joinable!(assessment_team_members -> assessments (assessment_id));
diesel::joinable!(assessment_team_members -> specialist_roles (role));
diesel::joinable!(assessments -> clients (client_id));
diesel::joinable!(case_notes -> clients (client_id));
diesel::joinable!(case_notes -> mentors (author_mentor_id));
diesel::joinable!(case_notes -> municipalities (author_municipality));
diesel::joinable!(case_notes -> providers (author_provider_id));
diesel::joinable!(claim_lines -> assessments (assessment_id));
diesel::joinable!(claim_lines -> clients (client_id));
diesel::joinable!(claim_lines -> tariffs (tariff_id));
diesel::joinable!(claim_months -> clients (client_id));
diesel::joinable!(claim_months -> municipalities (municipality));
diesel::joinable!(claims -> municipalities (municipality));
diesel::joinable!(client_runs -> clients (client_id));
diesel::joinable!(client_runs -> municipalities (municipality));
diesel::joinable!(client_runs -> target_groups (target_group));
diesel::joinable!(client_transfers -> clients (client_id));
diesel::joinable!(clients -> municipalities (municipality));
diesel::joinable!(clients -> target_groups (target_group));
diesel::joinable!(di_transitions -> clients (client_id));
diesel::joinable!(di_transitions -> placements (placement_id));
diesel::joinable!(former_municipalities -> municipalities (successor));
diesel::joinable!(former_municipalities -> planning_regions (planning_region));
diesel::joinable!(indicator_definitions -> planning_regions (region));
diesel::joinable!(indicator_definitions -> training_programmes (training_programme));
diesel::joinable!(indicator_targets -> indicator_definitions (code));
diesel::joinable!(mentor_assignments -> clients (client_id));
diesel::joinable!(mentor_assignments -> mentors (mentor_id));
diesel::joinable!(mentor_load_runs -> mentors (mentor_id));
diesel::joinable!(mentor_load_runs -> planning_regions (region));
diesel::joinable!(mentor_trainings -> mentors (mentor_id));
diesel::joinable!(mentor_trainings -> training_programmes (programme));
diesel::joinable!(mentors -> planning_regions (region));
diesel::joinable!(municipalities -> planning_regions (planning_region));
diesel::joinable!(placements -> clients (client_id));
diesel::joinable!(placements -> service_decisions (decision_id));
diesel::joinable!(placements -> services (service_id));
diesel::joinable!(plan_goal_progress -> plan_goals (goal_id));
diesel::joinable!(plan_goal_tasks -> plan_goals (goal_id));
diesel::joinable!(plan_goals -> support_plans (plan_id));
diesel::joinable!(programme_completions -> planning_regions (region));
diesel::joinable!(programme_completions -> training_programmes (programme));
diesel::joinable!(provider_status_periods -> providers (provider_id));
diesel::joinable!(providers -> municipalities (municipality));
diesel::joinable!(referrals -> clients (client_id));
diesel::joinable!(referrals -> placements (placement_id));
diesel::joinable!(referrals -> service_decisions (decision_id));
diesel::joinable!(referrals -> services (service_id));
diesel::joinable!(service_decisions -> clients (client_id));
diesel::joinable!(service_decisions -> legal_bases (legal_basis_code));
diesel::joinable!(service_decisions -> municipalities (municipality));
diesel::joinable!(service_decisions -> service_types (service_type));
diesel::joinable!(service_decisions -> services (service_id));
diesel::joinable!(service_deliveries -> clients (client_id));
diesel::joinable!(service_deliveries -> services (service_id));
diesel::joinable!(service_periods -> services (service_id));
diesel::joinable!(service_runs -> municipalities (municipality));
diesel::joinable!(service_runs -> providers (provider_id));
diesel::joinable!(service_runs -> service_types (service_type));
diesel::joinable!(service_runs -> services (service_id));
diesel::joinable!(service_search_terms -> services (service_id));
diesel::joinable!(service_target_groups -> services (service_id));
diesel::joinable!(service_target_groups -> target_groups (target_group));
diesel::joinable!(service_type_target_groups -> service_types (service_type));
diesel::joinable!(service_type_target_groups -> target_groups (target_group));
diesel::joinable!(services -> municipalities (municipality));
diesel::joinable!(services -> providers (provider_id));
diesel::joinable!(services -> service_types (service_type));
diesel::joinable!(staff -> municipalities (municipality));
diesel::joinable!(staff -> planning_regions (region));
diesel::joinable!(staff -> specialist_roles (role));
diesel::joinable!(staff_trainings -> staff (staff_id));
diesel::joinable!(staff_trainings -> training_programmes (programme));
diesel::joinable!(support_plan_sections -> support_plans (plan_id));
diesel::joinable!(support_plans -> assessments (assessment_id));
diesel::joinable!(support_plans -> clients (client_id));
diesel::joinable!(transfer_requests -> client_transfers (transfer_id));
diesel::joinable!(transfer_requests -> clients (client_id));
diesel::joinable!(waiting_list_entries -> clients (client_id));
diesel::joinable!(waiting_list_entries -> municipalities (municipality));
diesel::joinable!(waiting_list_entries -> service_decisions (decision_id));
diesel::joinable!(waiting_list_entries -> service_types (service_type));
diesel::joinable!(waiting_list_entries -> services (service_id));
diesel::joinable!(webhook_deliveries -> changes (change_seq));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_subscriptions -> municipalities (owner_municipality));
diesel::joinable!(webhook_subscriptions -> providers (owner_provider_id));

diesel::allow_tables_to_appear_in_same_query!(
    assessment_instrument_domains,
    assessment_instrument_levels,
    assessment_instruments,
    assessment_runs,
    assessment_service_types,
    assessment_team_members,
    assessments,
    audit_log,
    case_notes,
    changes,
    claim_lines,
    claim_months,
    claims,
    client_runs,
    client_transfers,
    clients,
    di_transitions,
    former_municipalities,
    idempotency_keys,
    indicator_definitions,
    indicator_targets,
    key_checks,
    legal_bases,
    mentor_assignments,
    mentor_load_runs,
    mentor_trainings,
    mentors,
    municipalities,
    placements,
    plan_goal_progress,
    plan_goal_tasks,
    plan_goals,
    planning_regions,
    programme_completions,
    provider_status_periods,
    providers,
    public_holidays,
    record_data_version,
    referrals,
    service_decisions,
    service_deliveries,
    service_periods,
    service_runs,
    service_search_terms,
    service_target_groups,
    service_type_target_groups,
    service_types,
    services,
    specialist_roles,
    staff,
    staff_trainings,
    support_plan_sections,
    support_plans,
    target_groups,
    tariffs,
    training_programmes,
    transfer_requests,
    waiting_list_entries,
    webhook_deliveries,
    webhook_subscriptions,
);
