//! Clients: registration, records, privacy of the personal code, access and transfers.

mod access;
mod export;
mod privacy;
mod records;
mod registration;
mod transfers;

use kopiena::api::clients::CreateClient;
use kopiena::domain::client::TargetGroup;
use serde_json::Value;

use crate::helpers::{TestApp, municipality, token};

const ADULT: TargetGroup = TargetGroup::AdultWithMentalDisorder;
const ORPHAN: TargetGroup = TargetGroup::OrphanOrNoParentalCare;
const CHILD_FI: TargetGroup = TargetGroup::ChildWithFunctionalImpairment;

/// Registers `body` as `municipality_code`, expecting 201; the client.
async fn registered(app: &TestApp, municipality_code: &str, body: &CreateClient) -> Value {
    app.create_client(&token(&municipality(municipality_code)), body)
        .created()
        .await
}
