//! The client's methods for the public reference data, providers and services.

use kopiena::api::providers::{CreateProvider, ListProvidersQuery, UpdateProvider};
use kopiena::api::reference::{
    ListMunicipalitiesQuery, ListServiceTypesQuery, ListTargetGroupsQuery,
};
use kopiena::api::services::{CreateService, ListServicesQuery, UpdateService};
use kopiena::api::support_plans::SectionsQuery;
use serde::Serialize;
use serde_json::Value;

use super::auth::{ministry, token};
use super::bodies::provider_body;
use super::call::Call;
use super::harness::TestApp;

/// `body` as JSON without its `null` members: an update DTO's `None` means "leave as is", but
/// serde writes it as `null`, which clears a nullable field. (So a `Some(None)` clear is
/// also dropped: tests that clear a field send JSON.)
pub(super) fn without_nulls(body: &impl Serialize) -> Value {
    let mut value = serde_json::to_value(body).expect("body serialises");
    if let Value::Object(members) = &mut value {
        members.retain(|_, v| !v.is_null());
    }
    value
}

impl TestApp {
    // Operations: health, metrics and the API document.

    pub fn health_live(&self) -> Call {
        self.get("/health/live")
    }

    pub fn health_ready(&self) -> Call {
        self.get("/health/ready")
    }

    pub fn metrics(&self) -> Call {
        self.get("/metrics")
    }

    pub fn openapi_document(&self) -> Call {
        self.get("/openapi.json")
    }

    // Reference data: public, no token.

    pub fn list_planning_regions(&self) -> Call {
        self.get("/api/v1/planning-regions")
    }

    pub fn get_planning_region(&self, code: &str) -> Call {
        self.get(&format!("/api/v1/planning-regions/{code}"))
    }

    pub fn list_municipalities(&self, query: &ListMunicipalitiesQuery) -> Call {
        self.get("/api/v1/municipalities").query(query)
    }

    pub fn get_municipality(&self, code: &str) -> Call {
        self.get(&format!("/api/v1/municipalities/{code}"))
    }

    pub fn list_service_types(&self, query: &ListServiceTypesQuery) -> Call {
        self.get("/api/v1/service-types").query(query)
    }

    pub fn get_service_type(&self, code: &str) -> Call {
        self.get(&format!("/api/v1/service-types/{code}"))
    }

    pub fn list_target_groups(&self, query: &ListTargetGroupsQuery) -> Call {
        self.get("/api/v1/target-groups").query(query)
    }

    pub fn list_specialist_roles(&self) -> Call {
        self.get("/api/v1/specialist-roles")
    }

    pub fn list_legal_bases(&self) -> Call {
        self.get("/api/v1/legal-bases")
    }

    pub fn list_training_programmes(&self) -> Call {
        self.get("/api/v1/training-programmes")
    }

    pub fn list_instruments(&self) -> Call {
        self.get("/api/v1/assessment-instruments")
    }

    pub fn list_plan_sections(&self, query: &SectionsQuery) -> Call {
        self.get("/api/v1/support-plan-sections").query(query)
    }

    // Providers.

    pub fn create_provider(&self, token: &str, body: &CreateProvider) -> Call {
        self.post_as("/api/v1/providers", token, body)
    }

    /// Registers `provider_body(municipality, register_number)` as the ministry; its id.
    pub async fn new_provider(&self, municipality: &str, register_number: &str) -> i64 {
        self.create_provider(
            &token(&ministry()),
            &provider_body(municipality, register_number),
        )
        .created_id()
        .await
    }

    /// Reads a provider; without a token unless `.bearer(..)` adds one (providers are public).
    pub fn get_provider(&self, id: i64) -> Call {
        self.get(&format!("/api/v1/providers/{id}"))
    }

    /// Sends the fields `body` sets (see `without_nulls`).
    pub fn update_provider(&self, token: &str, id: i64, body: &UpdateProvider) -> Call {
        self.patch_as(
            &format!("/api/v1/providers/{id}"),
            token,
            &without_nulls(body),
        )
    }

    pub fn list_providers(&self, query: &ListProvidersQuery) -> Call {
        self.get("/api/v1/providers").query(query)
    }

    // Services.

    pub fn create_service(&self, token: &str, provider_id: i64, body: &CreateService) -> Call {
        self.post_as(
            &format!("/api/v1/providers/{provider_id}/services"),
            token,
            body,
        )
    }

    pub fn get_service(&self, id: i64) -> Call {
        self.get(&format!("/api/v1/services/{id}"))
    }

    /// Sends the fields `body` sets (see `without_nulls`).
    pub fn update_service(&self, token: &str, id: i64, body: &UpdateService) -> Call {
        self.patch_as(
            &format!("/api/v1/services/{id}"),
            token,
            &without_nulls(body),
        )
    }

    pub fn close_service(&self, token: &str, id: i64) -> Call {
        self.request(
            reqwest::Method::POST,
            &format!("/api/v1/services/{id}/close"),
        )
        .bearer(token)
    }

    pub fn list_services(&self, query: &ListServicesQuery) -> Call {
        self.get("/api/v1/services").query(query)
    }

    pub fn list_provider_services(&self, provider_id: i64, query: &ListServicesQuery) -> Call {
        self.get(&format!("/api/v1/providers/{provider_id}/services"))
            .query(query)
    }
}
