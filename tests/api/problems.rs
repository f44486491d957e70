//! Problem types dereference to pages that document them (RFC 9457 §3.1.1), and a problem's
//! title follows `Accept-Language`.

use kopiena::api::problems::catalogue;

use crate::helpers::{TestApp, adult, municipality, token};

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
