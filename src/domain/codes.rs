//! Codes of reference data (open sets kept in the database) and the closed sets the rules
//! name. A code is a typed value, so a region code cannot be passed as a municipality code;
//! whether a code exists is checked against the reference tables where it enters.

macro_rules! reference_codes {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(String);

        impl $name {
            pub fn new(code: impl Into<String>) -> Self {
                Self(code.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(code: &str) -> Self {
                Self(code.to_string())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl validator::ValidateLength<u64> for $name {
            fn length(&self) -> Option<u64> {
                self.0.chars().count().try_into().ok()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    )+};
}

reference_codes! {
    /// A municipality (the ISO 3166-2:LV subdivision code without `LV-`, e.g. `RIX`).
    MunicipalityCode;
    /// A planning region (e.g. `KURZEME`).
    RegionCode;
    /// An entry of the service-type catalogue (e.g. `group_home`).
    ServiceTypeCode;
    /// A training programme of social mentors (e.g. `life_skills`).
    ProgrammeCode;
    /// A specialist role of an assessment team (e.g. `social_worker`).
    SpecialistRoleCode;
    /// A target group of the catalogue (the DI groups and others, e.g. `old_people`); a
    /// client is always in one of the DI groups, `TargetGroup`.
    TargetGroupCode;
}

impl ServiceTypeCode {
    /// Jauniešu māja: placement before the age limit (INV-C03).
    pub const YOUTH_HOME: &'static str = "youth_home";
    /// Pašvaldības sociālās aprūpes centrs: a child's stay is time-limited (INV-C06/C07).
    pub const MUNICIPAL_SOCIAL_CARE_CENTRE: &'static str = "municipal_social_care_centre";
    /// Valsts sociālās aprūpes centrs (VSAC): the same child limits (INV-C06/C07); its residents need consent for DI (INV-A03).
    pub const STATE_SOCIAL_CARE_CENTRE: &'static str = "state_social_care_centre";
    /// Grupu māja (dzīvoklis): a group apartment in Table 3's terms (INV-F01).
    pub const GROUP_HOME: &'static str = "group_home";
    /// A group home with care: also a group apartment in Table 3's terms (INV-F01).
    pub const GROUP_HOME_WITH_CARE: &'static str = "group_home_with_care";

    pub fn is(&self, code: &str) -> bool {
        self.0 == code
    }
}

impl SpecialistRoleCode {
    /// Leads every assessment team (INV-A07).
    pub const SOCIAL_WORKER: &'static str = "social_worker";
}

/// Declares a closed set of values stored as text: the enum with its wire names (serde,
/// OpenAPI and database use the same text), `ALL`, `as_str` and `parse`.
///
/// The wire name is matched as `tt`, not `literal`: a `literal` fragment reaches derive macros
/// wrapped in an invisible group, which serde reads but utoipa silently skips, so the document
/// listed the Rust variant names (`Ii`, `AdultWithMentalDisorder`) instead of the wire names.
macro_rules! closed_set {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt,)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use closed_set;
