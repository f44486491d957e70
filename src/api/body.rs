//! Request bodies, parsed once as their DTO. serde stops at the first thing that does not fit,
//! so a body that does not fit is also validated against the DTO's own schema in the OpenAPI
//! document (the schema generated clients are built from): the 422 then lists every failing
//! field by JSON pointer, not only the first one serde met.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock, RwLock};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, body_error, pointer};

/// A JSON request body parsed as `T`. Media type, size and syntax are checked by actix's JSON
/// extractor (415, 413, 400); a body of the wrong shape is a 422 listing every failing field.
pub struct Body<T>(pub T);

impl<T> Body<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Body<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + ToSchema + 'static> FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = web::Json::<Value>::from_request(req, payload);
        Box::pin(async move { Ok(Body(parse(&json.await?.into_inner())?)) })
    }
}

/// Parses `value` as `T`; when it does not fit, a 422 whose `errors` name every field that
/// breaks `T`'s schema, or, should the schema accept what serde refuses, the one serde found.
pub fn parse<T: DeserializeOwned + ToSchema>(value: &Value) -> ApiResult<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let errors = violations(&T::name(), value);
        if errors.is_empty() {
            body_error(serde_pointer(e.path()), e.inner())
        } else {
            ApiError::Validation(errors)
        }
    })
}

/// Where serde stopped, as a JSON pointer.
fn serde_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .fold(String::new(), |at, segment| match segment {
            Segment::Seq { index } => pointer(&at, index),
            Segment::Map { key } => pointer(&at, key),
            Segment::Enum { .. } | Segment::Unknown => at,
        })
}

/// The components of the OpenAPI document, and a validator per schema, built on first use.
struct Schemas {
    components: Value,
    validators: RwLock<HashMap<String, Arc<jsonschema::Validator>>>,
}

static SCHEMAS: LazyLock<Schemas> = LazyLock::new(|| Schemas {
    components: serde_json::to_value(&super::document().components).unwrap_or(Value::Null),
    validators: RwLock::default(),
});

impl Schemas {
    fn validator(&self, name: &str) -> Option<Arc<jsonschema::Validator>> {
        if let Some(found) = self.validators.read().ok()?.get(name) {
            return Some(found.clone());
        }
        let schema = serde_json::json!({
            "$ref": format!("#/components/schemas/{name}"),
            "components": self.components,
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .map(Arc::new)
            .inspect_err(
                |e| tracing::error!(schema = name, error = %e, "a body schema does not compile"),
            )
            .ok()?;
        self.validators
            .write()
            .ok()?
            .insert(name.to_string(), validator.clone());
        Some(validator)
    }
}

/// Every field of `value` that breaks the schema `name`, with the keyword it breaks. A member
/// the schema does not know is reported at its parent, unnamed: its name is the client's text.
fn violations(name: &str, value: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    if let Some(validator) = SCHEMAS.validator(name) {
        for error in validator.iter_errors(value) {
            collect(&error, &mut out);
        }
    }
    out
}

fn collect(error: &ValidationError, out: &mut BTreeMap<String, Vec<String>>) {
    let at = error.instance_path().as_str().to_string();
    let (field, keyword) = match error.kind() {
        ValidationErrorKind::Required { property } => (
            pointer(&at, property.as_str().unwrap_or_default()),
            "required".to_string(),
        ),
        // An optional object is "null or the object": when the value is not null, what
        // is wrong is inside the object, so the one branch that is not "another type"
        // speaks for the value.
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let mut relevant = context.iter().filter(|branch| !is_other_type(branch, &at));
            if let (Some(branch), None) = (relevant.next(), relevant.next()) {
                branch.iter().for_each(|inner| collect(inner, out));
                return;
            }
            (at, keyword(error))
        }
        _ => (at, keyword(error)),
    };
    let codes = out.entry(field).or_default();
    if !codes.contains(&keyword) {
        codes.push(keyword);
    }
}

/// A branch that failed only because the value at `at` is of another type.
fn is_other_type(branch: &[ValidationError], at: &str) -> bool {
    matches!(branch, [only] if matches!(only.kind(), ValidationErrorKind::Type { .. })
        && only.instance_path().as_str() == at)
}

/// The JSON Schema keyword an error breaks: the last step of its schema path.
fn keyword(error: &ValidationError) -> String {
    let path = error.schema_path().as_str();
    path.rsplit('/').next().unwrap_or(path).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::clients::CreateClient;

    fn fields(body: Value) -> BTreeMap<String, Vec<String>> {
        match parse::<CreateClient>(&body) {
            Err(ApiError::Validation(errors)) => errors,
            Err(other) => panic!("{other:?}"),
            Ok(_) => BTreeMap::new(),
        }
    }

    #[test]
    fn every_failing_field_is_named_by_json_pointer() {
        let errors = fields(serde_json::json!({
            "given_name": 12,
            "target_group": "nobody",
            "birth_date": "14.05.1990",
            "vsac_consent": {"given": "yes"},
            "unexpected-161175-19997": true,
        }));
        let expected = [
            ("", "additionalProperties"),
            ("/birth_date", "format"),
            ("/family_name", "required"),
            ("/given_name", "type"),
            ("/personal_code", "required"),
            ("/target_group", "enum"),
            ("/vsac_consent/given", "type"),
        ];
        for (field, code) in expected {
            assert!(
                errors
                    .get(field)
                    .is_some_and(|codes| codes.iter().any(|c| c == code)),
                "{field} {code}: {errors:?}"
            );
        }
        assert!(!format!("{errors:?}").contains("161175"), "{errors:?}");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_named_as_the_whole_body() {
        let errors = fields(serde_json::json!([1, 2]));
        assert_eq!(errors.keys().collect::<Vec<_>>(), [""], "{errors:?}");
    }

    #[test]
    fn serde_s_pointer_names_nested_members_and_items() {
        #[derive(Debug, serde::Deserialize)]
        #[expect(dead_code, reason = "the fields exist to be mistyped")]
        struct Inner {
            n: u8,
        }
        #[derive(Debug, serde::Deserialize)]
        #[expect(dead_code, reason = "the fields exist to be mistyped")]
        struct Outer {
            items: Vec<Inner>,
        }
        let value = serde_json::json!({"items": [{"n": 1}, {"n": "x"}]});
        let e = serde_path_to_error::deserialize::<_, Outer>(&value).expect_err("mistyped");
        assert_eq!(serde_pointer(e.path()), "/items/1/n");
    }
}
