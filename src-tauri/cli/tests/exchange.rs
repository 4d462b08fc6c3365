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

const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

#[test]
fn an_actor_token_is_sent_verified_by_the_provider_and_named_in_the_tokens_act_claim() {
    let (server, home) = billing("exchange-actor", &[]);
    home.app("Local", "Reports", "web-client", "web-secret");
    home.app("Local", "Agent", "-Pk3dash-client", "-dash-secret");
    let printed = home
        .run(&[
            "exchange",
            "Reports",
            "--subject-token-from",
            "Billing sync",
            "--actor-token-from",
            "Agent",
        ])
        .ok()
        .trim_end()
        .to_owned();

    let seen = server.exchange_requests();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(seen[0]["client_id"], "web-client");
    assert_eq!(seen[0]["subject_client_id"], "basic-client");
    assert_eq!(seen[0]["actor_token_type"], ACCESS_TOKEN_TYPE);
    assert_eq!(seen[0]["actor_client_id"], "-Pk3dash-client");
    assert_eq!(
        seen[0]["act"],
        serde_json::json!({"sub": "-Pk3dash-client"})
    );
    assert_eq!(seen[0]["status"], 200);
    // the actor's token was got first, by client credentials, as the subject's was
    assert_eq!(home.stored_token("Agent").0["source"], "client_credentials");

    let (token, values) = home.stored_token("Reports");
    assert_eq!(values, std::slice::from_ref(&printed));
    assert_eq!(token["source"], "token_exchange");
    assert_eq!(token["is_jwt"], true);
    let details = home.run(&["claims", "Reports", "--json"]).json();
    let claims = details["jwt"]["claims"].as_array().unwrap();
    let act = claims
        .iter()
        .find(|claim| claim["name"] == "act")
        .unwrap_or_else(|| panic!("no act claim in {claims:#?}"));
    assert_eq!(act["value"], r#"{"sub":"-Pk3dash-client"}"#, "{act}");
    let text = home.run(&["claims", "Reports"]).ok().to_owned();
    assert!(text.contains("-Pk3dash-client"), "{text}");
}

#[test]
fn a_refused_actor_token_is_the_actors_failure_and_the_apps_token_is_kept() {
    let (server, home) = billing("exchange-actor-refused", &[]);
    home.app("Local", "Reports", "web-client", "web-secret");
    home.app("Local", "Agent", "post-client", "post-secret");
    let kept = home.run(&["token", "Reports"]).ok().trim_end().to_owned();
    // revoked at the provider behind Authdeck's back: Authdeck still counts it valid
    let actor = home.run(&["token", "Agent"]).ok().trim_end().to_owned();
    server.revoke("post-client", "post-secret", &actor);

    let refused = home.run(&[
        "exchange",
        "Reports",
        "--subject-token-from",
        "Billing sync",
        "--actor-token-from",
        "Agent",
    ]);
    let said = refused.failed(4);
    assert!(
        said.starts_with("The actor token (from “Agent”) was not accepted: "),
        "{said}"
    );
    assert!(
        said.contains("invalid_request: actor_token is invalid or expired"),
        "{said}"
    );
    let seen = server.exchange_requests();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(seen[0]["subject_client_id"], "basic-client");
    assert_eq!(seen[0]["actor_token_type"], ACCESS_TOKEN_TYPE);
    assert_eq!(seen[0]["actor_client_id"], serde_json::Value::Null);
    assert_eq!(seen[0]["error"], "invalid_request");
    assert_eq!(home.stored_token("Reports").1, std::slice::from_ref(&kept));
    assert_eq!(
        home.stored_token("Reports").0["source"],
        "client_credentials"
    );

    // an actor app that cannot get a token (a public client signs in only in a browser) and
    // one that is not there: nothing more reaches the provider
    home.public_app("Local");
    let public = home.run(&[
        "exchange",
        "Reports",
        "--subject-token-from",
        "Billing sync",
        "--actor-token-from",
        "Native",
    ]);
    assert!(
        public
            .failed(9)
            .starts_with("The actor token (from “Native”) was not accepted: "),
        "{public:#?}"
    );
    let unknown = home.run(&[
        "exchange",
        "Reports",
        "--subject-token-from",
        "Billing sync",
        "--actor-token-from",
        "Nope",
    ]);
    assert!(unknown.failed(3).contains("Nope"));
    assert_eq!(server.exchange_requests().len(), 1);
    assert_eq!(home.stored_token("Reports").1, [kept]);
}
