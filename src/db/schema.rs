// @generated automatically by Diesel CLI.

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
diesel::joinable!(service_type_target_groups -> service_types (service_type));
diesel::joinable!(service_type_target_groups -> target_groups (target_group));

diesel::allow_tables_to_appear_in_same_query!(
    municipalities,
    planning_regions,
    service_type_target_groups,
    service_types,
    specialist_roles,
    target_groups,
    training_programmes,
);
