//! The HSDS 3.1 view of the directory: real responses validated against Open Referral's own
//! schemas (`../shared/hsds/schema/`), formats included.

use std::path::PathBuf;

use kopiena::domain::client::TargetGroup;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::placements::service;

/// Reads the schemas' `$ref`s (`attribute.json`, …) from the folder the specification ships.
struct SchemaFolder(PathBuf);

impl jsonschema::Retrieve for SchemaFolder {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default();
        let text = std::fs::read_to_string(self.0.join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn schema_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/hsds/schema")
}

/// Validates `instance` against the HSDS schema in `file`; the failures, each with its place.
fn violations(file: &str, instance: &Value) -> Vec<String> {
    let folder = schema_folder();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(folder.join(file))
            .expect("the HSDS schemas are beside the project"),
    )
    .expect("schema JSON");
    let validator = jsonschema::options()
        .with_retriever(SchemaFolder(folder))
        .with_base_uri(format!("json-schema:///{file}"))
        .should_validate_formats(true)
        .build(&schema)
        .expect("the HSDS schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_valid(file: &str, instance: &Value) {
    let found = violations(file, instance);
    assert!(found.is_empty(), "{file}: {found:#?}\n{instance:#}");
}

/// The HSDS page envelope's members, and every item valid against `file`.
fn assert_page(page: &Value, file: &str, expected_items: usize) {
    for member in ["total_items", "total_pages", "page_number", "size"] {
        assert!(page[member].is_i64(), "{member} in {page}");
    }
    for member in ["first_page", "last_page", "empty"] {
        assert!(page[member].is_boolean(), "{member} in {page}");
    }
    let contents = page["contents"].as_array().expect("contents");
    assert_eq!(contents.len(), expected_items, "{page:#}");
    for item in contents {
        assert_valid(file, item);
    }
}

#[test]
fn the_validator_refuses_what_the_schemas_refuse() {
    let found = violations("service.json", &serde_json::json!({"id": "not-a-uuid"}));
    let text = found.join("\n");
    assert!(
        text.contains("name") && text.contains("status"),
        "required members: {text}"
    );
    assert!(text.contains("uuid"), "formats are checked: {text}");
    let attribute = serde_json::json!({"id": "1b4e28ba-2fa1-41d2-883f-0016d3cca427", "link_id": 7});
    assert!(!violations("attribute.json", &attribute).is_empty());
    let nested = serde_json::json!({
        "id": "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
        "name": "x",
        "status": "active",
        "attributes": [{"id": "nope"}],
    });
    assert!(
        !violations("service.json", &nested).is_empty(),
        "nested $refs are followed"
    );
}

#[tokio::test]
async fn the_directory_in_hsds_validates_against_the_specifications_schemas() {
    let app = TestApp::spawn().await;
    let (_, first) = service(
        &app,
        "group_home",
        8,
        &[TargetGroup::AdultWithMentalDisorder],
    )
    .await;
    let (_, _second) = service(
        &app,
        "day_centre",
        20,
        &[TargetGroup::AdultWithMentalDisorder],
    )
    .await;

    let root = app.get("/api/v1/hsds").ok().await;
    assert_eq!(root["version"], "3.1");
    assert_eq!(root["openapi_url"], "/openapi.json");

    let services = app.get("/api/v1/hsds/services?per_page=1").ok().await;
    assert_page(&services, "service.json", 1);
    assert_eq!(services["total_items"], 2);
    assert_eq!(services["total_pages"], 2);
    assert_eq!(services["first_page"], true);
    assert_eq!(services["last_page"], false);
    let page_two = app
        .get("/api/v1/hsds/services?per_page=1&page=2")
        .ok()
        .await;
    assert_eq!(page_two["last_page"], true);

    // One service, fully nested: its location, its terms, its organization.
    let id = services["contents"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let full = app.get(&format!("/api/v1/hsds/services/{id}")).ok().await;
    assert_valid("service.json", &full);
    assert_eq!(full["status"], "active");
    assert_eq!(
        full["service_at_locations"][0]["location"]["location_type"],
        "physical"
    );
    let terms: Vec<&str> = full["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .map(|a| a["taxonomy_term"]["code"].as_str().expect("code"))
        .collect();
    assert_eq!(terms, ["group_home", "adult_with_mental_disorder"]);
    let organization_id = full["organization_id"]
        .as_str()
        .expect("organization")
        .to_string();
    assert_eq!(full["organization"]["id"], organization_id.as_str());

    // Filters: by taxonomy term, by organization, by words, by change.
    let term = full["attributes"][0]["taxonomy_term_id"]
        .as_str()
        .expect("term");
    let by_term = app
        .get(&format!("/api/v1/hsds/services?taxonomy_term_id={term}"))
        .ok()
        .await;
    assert_page(&by_term, "service.json", 1);
    assert_eq!(by_term["contents"][0]["id"], id.as_str());
    let by_organization = app
        .get(&format!(
            "/api/v1/hsds/services?organization_id={organization_id}"
        ))
        .ok()
        .await;
    assert_eq!(by_organization["total_items"], 1);
    let searched = app
        .get("/api/v1/hsds/services?search=day_centre")
        .ok()
        .await;
    assert_eq!(searched["total_items"], 1);
    let later = app
        .get("/api/v1/hsds/services?modified_after=2999-01-01T00:00:00Z")
        .ok()
        .await;
    assert_eq!(later["empty"], true);

    let organizations = app.get("/api/v1/hsds/organizations").ok().await;
    assert_page(&organizations, "organization.json", 2);
    let organization = app
        .get(&format!("/api/v1/hsds/organizations/{organization_id}"))
        .ok()
        .await;
    assert_valid("organization.json", &organization);
    assert_eq!(organization["services"].as_array().map(Vec::len), Some(1));

    let places = app.get("/api/v1/hsds/service_at_locations").ok().await;
    assert_page(&places, "service_at_location.json", 2);
    let taxonomies = app.get("/api/v1/hsds/taxonomies").ok().await;
    assert_page(&taxonomies, "taxonomy.json", 2);
    let all_terms = app
        .get("/api/v1/hsds/taxonomy_terms?per_page=100")
        .ok()
        .await;
    let total = usize::try_from(all_terms["total_items"].as_i64().expect("total")).expect("n");
    assert!(total > 10, "every service type and target group: {total}");
    assert_page(&all_terms, "taxonomy_term.json", total);

    // Ids of another kind, or of nothing, are 404; paging out of range is 400.
    for missing in [
        format!("/api/v1/hsds/services/{organization_id}"),
        "/api/v1/hsds/services/not-a-uuid".to_string(),
        format!("/api/v1/hsds/organizations/{id}"),
    ] {
        assert_eq!(app.get(&missing).await.status(), 404, "{missing}");
    }
    assert_eq!(app.get("/api/v1/hsds/services?page=0").await.status(), 400);
    assert_eq!(
        app.get("/api/v1/hsds/services?per_page=101").await.status(),
        400
    );
    let _ = first;
}

#[tokio::test]
async fn every_hsds_list_streams_its_entities_as_ndjson_each_valid() {
    let app = TestApp::spawn().await;
    for (n, kind) in ["group_home", "day_centre", "group_home"]
        .iter()
        .enumerate()
    {
        let (_, _) = service(
            &app,
            kind,
            4 + n as i32,
            &[TargetGroup::AdultWithMentalDisorder],
        )
        .await;
    }
    for (list, schema) in [
        ("services", "service.json"),
        ("organizations", "organization.json"),
        ("service_at_locations", "service_at_location.json"),
        ("taxonomies", "taxonomy.json"),
        ("taxonomy_terms", "taxonomy_term.json"),
    ] {
        let path = format!("/api/v1/hsds/{list}");
        let page = app.get(&format!("{path}?per_page=100")).ok().await;
        let streamed = app.get(&format!("{path}?format=ndjson")).ndjson().await;
        // The same entities as the page, one a line, each valid against HSDS's schema.
        assert_eq!(
            streamed.records,
            page["contents"].as_array().expect("contents").clone(),
            "{list}"
        );
        assert!(!streamed.records.is_empty(), "{list}");
        for entity in &streamed.records {
            assert_valid(schema, entity);
        }
        // Asked for by `Accept` too; a stream has no pages.
        let accepted = app
            .get(&path)
            .header("Accept", "application/x-ndjson")
            .ndjson()
            .await;
        assert_eq!(accepted.records, streamed.records, "{list}");
        let paged = app.get(&format!("{path}?format=ndjson&per_page=5")).await;
        assert_eq!(paged.status(), 400, "{list}");
    }
}
