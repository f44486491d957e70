//! Problem types dereference to pages that document them (RFC 9457 §3.1.1), and a problem's
//! title and detail follow `Accept-Language`.

use kopiena::api::problems::catalogue;
use serde_json::Value;

use crate::helpers::{
    Call, TestApp, adult, assert_problem, clients_query, ministry, municipality, token,
};

#[tokio::test]
async fn every_problem_type_uri_dereferences_to_its_page() {
    let app = TestApp::spawn().await;
    let index = app.get("/problems").await;
    assert_eq!(index.status(), 200);
    assert!(
        index.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let index = index.text().await.expect("index");
    for t in catalogue() {
        assert!(
            index.contains(&format!("/problems/{}", t.slug)),
            "{}",
            t.slug
        );
        let page = app.get(&format!("/problems/{}", t.slug)).await;
        assert_eq!(page.status(), 200, "{}", t.slug);
        let text = page.text().await.expect("page");
        assert!(text.contains(t.title), "{}: {text}", t.slug);
        assert!(text.contains(&t.status.to_string()), "{}", t.slug);
    }
    let latvian = app
        .get("/problems/invalid-personal-code")
        .accept_language("lv")
        .await;
    assert_eq!(latvian.headers()["content-language"], "lv");
    assert!(
        latvian
            .text()
            .await
            .expect("page")
            .contains("Personas kods nav derīgs")
    );
    let unknown = app.get("/problems/no-such-problem").await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn a_problem_title_is_latvian_under_accept_language_lv() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let bad_code = adult("161175-19998", "Ozola");
    // A broken rule: its type's Latvian title, and the language said.
    let response = app
        .create_client(&kuldiga, &bad_code)
        .accept_language("lv")
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.headers()["content-language"], "lv");
    let problem: serde_json::Value = response.json().await.expect("problem");
    assert_eq!(problem["type"], "/problems/invalid-personal-code");
    assert_eq!(problem["title"], "Personas kods nav derīgs");
    assert_eq!(problem["status"], 422);
    // A plain HTTP status: the Latvian reason phrase.
    let missing = app
        .get_client(&kuldiga, 999_999)
        .accept_language("lv, en;q=0.5")
        .await;
    assert_eq!(missing.status(), 404);
    let problem: serde_json::Value = missing.json().await.expect("problem");
    assert_eq!(problem["title"], "Nav atrasts");
    // English by default, and said so.
    let english = app.create_client(&kuldiga, &bad_code).await;
    assert_eq!(english.headers()["content-language"], "en");
    let problem: serde_json::Value = english.json().await.expect("problem");
    assert_eq!(problem["title"], "The personal code is not valid");
}

/// The problem `call` answers under `Accept-Language: lv` and without the header, each
/// checked for its status, type and `Content-Language`; their details.
async fn details(call: impl Fn() -> Call, status: u16, type_: &str) -> (String, String) {
    let latvian = call().accept_language("lv").await;
    assert_eq!(latvian.headers()["content-language"], "lv");
    let latvian = assert_problem(latvian, status, type_).await;
    let english = call().await;
    assert_eq!(english.headers()["content-language"], "en");
    let english = assert_problem(english, status, type_).await;
    let detail = |problem: &Value| problem["detail"].as_str().unwrap_or_default().to_string();
    (detail(&latvian), detail(&english))
}

#[tokio::test]
async fn a_broken_rule_s_detail_is_latvian_under_accept_language_lv_and_english_otherwise() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    // 422: a personal code whose check digit is wrong.
    let bad_code = adult("161175-19998", "Ozola");
    let (lv, en) = details(
        || app.create_client(&kuldiga, &bad_code),
        422,
        "/problems/invalid-personal-code",
    )
    .await;
    assert_eq!(lv, "nederīgs personas kods: kontrolcipars neatbilst");
    assert_eq!(en, "invalid personal code: the check digit does not match");
    // 409: the same person registered twice; the detail names no personal data.
    let person = adult("161175-19997", "Ozola");
    app.create_client(&kuldiga, &person).created().await;
    let (lv, en) = details(
        || app.create_client(&kuldiga, &person),
        409,
        "/problems/client-already-registered",
    )
    .await;
    assert_eq!(lv, "klients ar šo personas kodu jau ir reģistrēts");
    assert_eq!(en, "a client with this personal code is already registered");
    for detail in [&lv, &en] {
        assert!(
            !detail.contains("161175") && !detail.contains("Ozola"),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn a_validation_problem_s_detail_is_latvian_under_accept_language_lv() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let nameless = adult("161175-19997", "");
    let (lv, en) = details(
        || app.create_client(&kuldiga, &nameless),
        422,
        "/problems/validation",
    )
    .await;
    assert_eq!(lv, "1 lauks nav derīgs");
    assert_eq!(en, "1 field is invalid");
}

#[tokio::test]
async fn refusals_and_missing_resources_are_explained_in_latvian_under_accept_language_lv() {
    let app = TestApp::spawn().await;
    // 401: no token.
    let (lv, en) = details(|| app.get_client("", 1).anonymous(), 401, "about:blank").await;
    assert_eq!(
        lv,
        "Autentifikācija neizdevās: šai darbībai vajadzīga nesēja pilnvara (bearer token)."
    );
    assert_eq!(
        en,
        "Authentication failed: this operation needs a bearer token."
    );
    // 403: the ministry reads no client-level data.
    let ministry = token(&ministry());
    let (lv, en) = details(
        || app.list_clients(&ministry, &clients_query()),
        403,
        "about:blank",
    )
    .await;
    assert_eq!(
        lv,
        "Nav atļauts: klientu līmeņa dati pieejami tikai pašvaldībai, kuras pārziņā ir lieta."
    );
    assert_eq!(
        en,
        "Not allowed: client-level data is for the case-owning municipality only."
    );
    // 404.
    let kuldiga = token(&municipality("050"));
    let (lv, en) = details(|| app.get_client(&kuldiga, 999_999), 404, "about:blank").await;
    assert_eq!(lv, "Pieprasītais resurss nepastāv.");
    assert_eq!(en, "The requested resource does not exist.");
}

#[tokio::test]
async fn a_bad_query_parameter_is_explained_in_latvian_under_accept_language_lv() {
    let app = TestApp::spawn().await;
    let kuldiga = token(&municipality("050"));
    let (lv, en) = details(
        || app.get_as("/api/v1/clients?limit=0", &kuldiga),
        400,
        "about:blank",
    )
    .await;
    assert_eq!(lv, "limit jābūt no 1 līdz 100");
    assert_eq!(en, "limit must be between 1 and 100");
    // A parser's message keeps its English technical part, inside a Latvian sentence.
    let (lv, en) = details(
        || app.get_as("/api/v1/clients?limit=many", &kuldiga),
        400,
        "about:blank",
    )
    .await;
    assert!(lv.starts_with("Nederīga vaicājuma virkne"), "{lv}");
    assert!(en.starts_with("Invalid query string"), "{en}");
    assert!(!lv.contains("many") && !en.contains("many"), "{lv} / {en}");
    // An unknown parameter: the accepted ones are named, the one sent is not.
    let (lv, en) = details(
        || app.get_as("/api/v1/clients?surname=Ozola", &kuldiga),
        400,
        "about:blank",
    )
    .await;
    assert!(
        lv.starts_with("nezināms vaicājuma parametrs: šī darbība pieņem "),
        "{lv}"
    );
    assert!(en.starts_with("unknown query parameter"), "{en}");
    assert!(
        !lv.contains("Ozola") && !en.contains("Ozola"),
        "{lv} / {en}"
    );
}
