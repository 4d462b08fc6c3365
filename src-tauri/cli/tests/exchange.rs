//! `authdeck exchange` (RFC 8693) as the real binary against the real keychain and the real
//! test authorization server: the exchanged token printed and kept, its status, and the
//! command's usage errors.

mod common;

use common::{billing, files_under};

#[test]
fn exchange_prints_and_keeps_the_token_and_token_will_not_renew_it() {
    let (_server, home) = billing("exchange", &[]);
    home.app("Local", "Reports", "web-client", "web-secret");
    let printed = home
        .run(&[
            "exchange",
            "Reports",
            "--subject-token-from",
            "Billing sync",
            "--audience",
            "https://reports.example",
            "--scope",
            "read",
        ])
        .ok()
        .trim_end()
        .to_owned();
    let (token, values) = home.stored_token("Reports");
    assert_eq!(values, std::slice::from_ref(&printed));
    assert_eq!(token["source"], "token_exchange");
    assert_eq!(
        token["issued_token_type"],
        "urn:ietf:params:oauth:token-type:access_token"
    );
    assert_eq!(token["granted_scopes"], serde_json::json!(["read"]));

    let status = home.run(&["status", "--json"]).json();
    let reports = status["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Reports")
        .unwrap_or_else(|| panic!("no Reports in {status:#}"))
        .clone();
    assert_eq!(reports["source"], "token_exchange", "{reports:#}");

    // still valid: handed out as it is; a new one only by exchanging again
    assert_eq!(home.run(&["token", "Reports"]).ok().trim_end(), printed);
    let refused = home.run(&["token", "Reports", "--new"]);
    assert!(refused.failed(9).contains("Run `authdeck exchange` again"));
    assert_eq!(
        home.stored_token("Reports").1,
        std::slice::from_ref(&printed)
    );

    let json = home
        .run(&[
            "exchange",
            "Reports",
            "--subject-token-from",
            "Reports",
            "--json",
        ])
        .json();
    assert_eq!(json["token"]["source"], "token_exchange");
    assert!(!json.to_string().contains(&printed));

    for path in files_under(&home.path()) {
        let bytes = std::fs::read(&path).unwrap();
        let found = bytes
            .windows(printed.len())
            .any(|window| window == printed.as_bytes());
        assert!(!found, "the token value is in {}", path.display());
    }
}

#[test]
fn exchange_refuses_an_unknown_subject_app_and_a_missing_one() {
    let (server, home) = billing("exchange-usage", &[]);
    let unknown = home.run(&["exchange", "Billing sync", "--subject-token-from", "Nope"]);
    assert!(unknown.failed(3).contains("Nope"));
    let missing = home.run(&["exchange", "Billing sync"]);
    assert!(missing.failed(2).contains("--subject-token-from"));
    assert!(
        server.token_requests().is_empty(),
        "nothing was sent to the provider"
    );
    let status = home.run(&["status", "--json"]).json();
    assert_eq!(status["apps"][0]["source"], serde_json::Value::Null);
}
