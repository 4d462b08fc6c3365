//! The test authorization server itself: the helper starts it, it answers as a real provider
//! does, records what each token request sent, and stops with its test.

mod support;

use serde_json::Value;
use support::authserver::AuthServer;
use url::form_urlencoded::byte_serialize;

fn form_encoded(text: &str) -> String {
    byte_serialize(text.as_bytes()).collect()
}

#[test]
fn the_test_authorization_server_answers_records_and_stops_with_its_test() {
    let server = AuthServer::start(&["--strict"]);
    let http = support::http_client()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let metadata: Value = http
        .get(format!(
            "{}/.well-known/openid-configuration",
            server.issuer
        ))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(metadata["issuer"], server.issuer.as_str());
    let token_url = format!("{}/token", server.issuer);
    assert_eq!(metadata["token_endpoint"], token_url.as_str());

    // RFC 6749 §2.3.1: the special-character secret works only when form-encoded before base64
    let granted: Value = http
        .post(&token_url)
        .basic_auth(
            form_encoded("special-client"),
            Some(form_encoded("a+b/c=d%e f:g")),
        )
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "read write"),
        ])
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(granted["token_type"], "Bearer");
    assert_eq!(granted["scope"], "read write");

    let strict = http
        .post(&token_url)
        .basic_auth("basic-client", Some("basic-secret"))
        .header("content-type", "application/json")
        .body(r#"{"grant_type":"client_credentials"}"#)
        .send()
        .unwrap();
    assert_eq!(strict.status().as_u16(), 415);

    let records: Value = http
        .get(format!("{}/test/token-requests", server.issuer))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(records[0]["client_id"], "special-client");
    assert_eq!(records[0]["auth_method"], "client_secret_basic");
    assert_eq!(records[1]["content_type"], "application/json");
    assert_eq!(records.as_array().unwrap().len(), 2);

    let exit = server
        .stop()
        .expect("the server exits when its stdin closes");
    assert!(exit.success(), "{exit:?}");
}
