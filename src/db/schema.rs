// @generated automatically by Diesel CLI.

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
    planning_regions (code) {
        code -> Text,
        name_lv -> Text,
        name_en -> Text,
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
        occupied -> Int4,
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
    training_programmes (code) {
        code -> Text,
        label_lv -> Text,
        label_en -> Text,
        min_hours -> Nullable<Int4>,
        position -> Int4,
    }
}

diesel::joinable!(municipalities -> planning_regions (planning_region));
diesel::joinable!(providers -> municipalities (municipality));
diesel::joinable!(service_search_terms -> services (service_id));
diesel::joinable!(service_target_groups -> services (service_id));
diesel::joinable!(service_target_groups -> target_groups (target_group));
diesel::joinable!(service_type_target_groups -> service_types (service_type));
diesel::joinable!(service_type_target_groups -> target_groups (target_group));
diesel::joinable!(services -> municipalities (municipality));
diesel::joinable!(services -> providers (provider_id));
diesel::joinable!(services -> service_types (service_type));

diesel::allow_tables_to_appear_in_same_query!(
    idempotency_keys,
    municipalities,
    planning_regions,
    providers,
    service_search_terms,
    service_target_groups,
    service_type_target_groups,
    service_types,
    services,
    specialist_roles,
    target_groups,
    training_programmes,
);
