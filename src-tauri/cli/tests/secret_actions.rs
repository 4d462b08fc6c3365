//! The desktop secrets panel's actions as CLI verbs — `verify`, `secret rotate`, `secret
//! retire`, `secret reactivate` — run as the real binary against the real keychain and the
//! real test authorization server, whose `basic-client` takes only `basic-secret`.

mod common;

use common::{Home, Server, billing, production_billing, support};
use serde_json::Value;

/// `secret list --json` of "Billing sync": (label, state, last_verify_ok) of each.
fn secrets(home: &Home, env: &str) -> Vec<(String, String, Value)> {
    home.run(&["secret", "list", "Billing sync", "--env", env, "--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["label"].as_str().unwrap().to_owned(),
                s["state"].as_str().unwrap().to_owned(),
                s["last_verify_ok"].clone(),
            )
        })
        .collect()
}

fn row(label: &str, state: &str, verified: Value) -> (String, String, Value) {
    (label.into(), state.into(), verified)
}

/// The test server's refusal of a wrong client secret, as core words it.
fn refusal(server: &Server) -> String {
    format!(
        "The token request was refused by {} (HTTP 401, invalid_client: client authentication \
         failed). Check the client ID and secret, and whether the provider expects \
         client_secret_basic or client_secret_post.",
        server.issuer.trim_start_matches("http://")
    )
}

/// (client, grant, status) of each token request the server saw.
fn token_requests(server: &Server) -> Vec<(String, String, i64)> {
    server
        .token_requests()
        .iter()
        .map(|r| {
            (
                r["client_id"].as_str().unwrap_or("-").to_owned(),
                r["grant_type"].as_str().unwrap_or("-").to_owned(),
                r["status"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn verify_asks_the_provider_about_every_active_secret_and_exits_4_on_a_refusal() {
    let (server, home) = billing("verify", &[]);
    let works = "“Secret 1” (short value, not shown) works: the provider issued a token.\n";
    let run = home.run(&["verify"]);
    assert_eq!((run.ok(), run.stderr.as_str()), (works, ""));
    let cc = |status| {
        (
            "basic-client".to_owned(),
            "client_credentials".to_owned(),
            status,
        )
    };
    assert_eq!(token_requests(&server), [cc(200)]);
    assert_eq!(
        home.run(&["status", "--json"]).json()["apps"][0]["state"],
        "none",
        "a verified secret's token is not kept"
    );

    home.run_with_stdin(
        &["secret", "add", "Billing sync", "--label", "-typo"],
        "wrong-secret-value-1234\n",
    )
    .ok();
    let run = home.run(&["verify"]);
    assert_eq!(run.code, 4, "{run:#?}");
    assert_eq!(
        run.stdout,
        format!(
            "“-typo” (…1234) was refused by the provider: {}\n{works}",
            refusal(&server)
        )
    );
    assert_eq!(
        run.stderr,
        "authdeck: the provider refused 1 of 2 secrets of “Billing sync”.\n"
    );
    assert_eq!(token_requests(&server), [cc(200), cc(401), cc(200)]);
    assert_eq!(
        secrets(&home, "Local"),
        [
            row("-typo", "active", Value::Bool(false)),
            row("Secret 1", "active", Value::Bool(true)),
        ]
    );

    // one secret by its label (a hyphen first is a value), with JSON
    let run = home.run(&["verify", "Billing sync", "-typo", "--json"]);
    assert_eq!(run.code, 4);
    let checked: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(checked.as_array().unwrap().len(), 1);
    assert_eq!(checked[0]["label"], "-typo");
    assert_eq!(checked[0]["last_verify_ok"], false);
    assert_eq!(checked[0]["last_verify_message"], refusal(&server));
    let run = home.run(&["verify", "Billing sync", "secret 1"]);
    assert_eq!((run.ok(), run.stderr.as_str()), (works, ""));
    assert_eq!(
        home.run(&["verify", "Billing sync", "nope"]).failed(3),
        "“Billing sync” holds no secret “nope”. Its secrets: “-typo”, “Secret 1”."
    );

    // a retired secret is checked only when named
    home.run(&["secret", "retire", "Billing sync", "-typo"])
        .ok();
    assert_eq!(home.run(&["verify"]).ok(), works);
    assert_eq!(token_requests(&server).len(), 6);

    home.public_app("Local");
    assert_eq!(
        home.run(&["verify", "Native"]).failed(8),
        "“Native” is a public client: it has no client secret to verify."
    );
    home.run(&[
        "app",
        "add",
        "Empty",
        "--env",
        "Local",
        "--client-id",
        "empty-client",
    ])
    .ok();
    assert_eq!(
        home.run(&["verify", "Empty"]).failed(8),
        "“Empty” has no active client secret to verify. Add one with `authdeck secret add`."
    );
    // no answer: exit 6, and nothing is recorded on the secret
    drop(server);
    let run = home.run(&["verify", "Billing sync", "-typo"]);
    assert_eq!(run.code, 6, "{run:#?}");
    assert_eq!(
        secrets(&home, "Local"),
        [
            row("Secret 1", "active", Value::Bool(true)),
            row("-typo", "retired", Value::Bool(false)),
        ]
    );
}

#[test]
fn rotate_retires_the_old_secret_only_after_the_provider_accepted_the_new_one() {
    let server = Server::start(&[]);
    let home = Home::new("rotate");
    home.local_environment(&server);
    // set up with a stale secret the provider no longer takes
    home.app(
        "Local",
        "Billing sync",
        "basic-client",
        "stale-secret-value-0000",
    );
    home.run(&["secret", "list", "Billing sync"]).ok();

    // a mistyped new secret: stored, refused, nothing retired (exit 4)
    let run = home.run_with_stdin(
        &[
            "secret",
            "rotate",
            "Billing sync",
            "--label",
            "new",
            "--retire-all-older",
        ],
        "wrong-secret-value-1111\n",
    );
    assert_eq!(run.code, 4, "{run:#?}");
    assert_eq!(
        run.stdout,
        "Stored “new” (…1111) for “Billing sync” in “Local” in the keychain.\n"
    );
    assert_eq!(
        run.stderr,
        format!(
            "authdeck: The provider refused the new secret “new” (…1111): {} It is stored; \
             nothing was retired. If it was mistyped, delete it with `authdeck secret rm`.\n",
            refusal(&server)
        )
    );
    assert_eq!(
        secrets(&home, "Local"),
        [
            row("new", "active", Value::Bool(false)),
            row("Secret 1", "active", Value::Null),
        ]
    );
    home.run(&["secret", "rm", "Billing sync", "new"]).ok();

    // the right one: stored, accepted, then the named old one retired
    let run = home.run_with_stdin(
        &[
            "secret",
            "rotate",
            "Billing sync",
            "--label",
            "current",
            "--retire",
            "secret 1",
        ],
        "basic-secret\n",
    );
    assert_eq!(
        (run.ok(), run.stderr.as_str()),
        (
            "Stored “current” (short value, not shown) for “Billing sync” in “Local” in the \
             keychain.\nThe provider accepts “current” (short value, not shown): it issued a \
             token.\nRetired “Secret 1” (…0000): kept in the keychain, no longer used.\n",
            ""
        )
    );
    assert_eq!(
        secrets(&home, "Local"),
        [
            row("current", "active", Value::Bool(true)),
            row("Secret 1", "retired", Value::Null),
        ]
    );
    let stale = home
        .run(&["secret", "list", "Billing sync", "--json"])
        .json()[1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        support::secret_tool_lookup(&home.namespace, &format!("secret:{stale}")).as_deref(),
        Some("stale-secret-value-0000"),
        "a retired secret stays in the keychain"
    );
    let requests = server.token_requests();
    assert_eq!(requests.len(), 2, "one verification per rotation");
    assert_eq!(requests[1]["client_id"], "basic-client");
    assert_eq!(requests[1]["status"], 200);
    home.run(&["token"]).ok();

    // without --retire: the older one stays active, and the output says so
    let run = home.run_with_stdin(
        &["secret", "rotate", "Billing sync", "--label", "again"],
        "basic-secret\n",
    );
    assert_eq!(
        run.ok(),
        "Stored “again” (short value, not shown) for “Billing sync” in “Local” in the \
         keychain.\nThe provider accepts “again” (short value, not shown): it issued a token.\n\
         Still active: “current” (short value, not shown). Retire with `authdeck secret retire` \
         once nothing uses it.\n"
    );

    // what is to be retired is checked before anything is read or stored
    let before = secrets(&home, "Local");
    assert_eq!(
        home.run_with_stdin(
            &["secret", "rotate", "Billing sync", "--retire", "Secret 1"],
            "basic-secret\n"
        )
        .failed(7),
        "--retire: “Secret 1” (…0000) is already retired; name an active secret. Nothing was \
         stored."
    );
    assert_eq!(
        home.run_with_stdin(
            &["secret", "rotate", "Billing sync", "--retire", "nope"],
            "basic-secret\n"
        )
        .failed(3),
        "“Billing sync” holds no secret “nope”. Its secrets: “again”, “current”, “Secret 1”."
    );
    assert_eq!(
        home.run_with_stdin(
            &[
                "secret",
                "rotate",
                "Billing sync",
                "--retire",
                "again",
                "--retire-all-older"
            ],
            "basic-secret\n"
        )
        .failed(2),
        "the argument '--retire <ID_OR_LABEL>' cannot be used with '--retire-all-older' (see \
         --help)"
    );
    assert_eq!(secrets(&home, "Local"), before);
}

#[test]
fn rotate_without_a_token_endpoint_retires_unverified_and_says_so() {
    let home = Home::new("rotate-unverified");
    home.run(&["env", "add", "Bare", "--kind", "sandbox"]).ok();
    home.app(
        "Bare",
        "Billing sync",
        "basic-client",
        "first-secret-value-0001",
    );
    home.run_with_stdin(
        &["secret", "add", "Billing sync", "--label", "second"],
        "second-secret-value-0002\n",
    )
    .ok();
    let run = home.run_with_stdin(
        &[
            "secret",
            "rotate",
            "Billing sync",
            "--label",
            "third",
            "--retire-all-older",
        ],
        "third-secret-value-0003\n",
    );
    assert_eq!(
        (run.ok(), run.stderr.as_str()),
        (
            "Stored “third” (…0003) for “Billing sync” in “Bare” in the keychain.\nNot \
             verified: “Bare” has no token endpoint to ask.\nRetired “second” (…0002): kept in \
             the keychain, no longer used.\nRetired “Secret 1” (…0001): kept in the keychain, \
             no longer used.\n",
            ""
        )
    );
    assert_eq!(
        secrets(&home, "Bare"),
        [
            row("third", "active", Value::Null),
            row("second", "retired", Value::Null),
            row("Secret 1", "retired", Value::Null),
        ]
    );
    assert_eq!(
        home.run(&["verify"]).failed(8),
        "“Bare” has no token endpoint. Add it in the environment's settings, or fill the \
         endpoints from the issuer."
    );
}

#[test]
fn retire_and_reactivate_never_leave_an_app_without_an_active_secret() {
    let (_server, home) = billing("retire", &[]);
    home.run_with_stdin(
        &["secret", "add", "Billing sync", "--label", "-spare"],
        "spare-secret-value-5678\n",
    )
    .ok();
    assert_eq!(
        home.run(&["secret", "retire", "Billing sync", "-spare"])
            .ok(),
        "Retired “-spare” (…5678) of “Billing sync”: kept in the keychain, no longer used.\n"
    );
    assert_eq!(
        home.run(&["secret", "retire", "Billing sync", "-SPARE"])
            .ok(),
        "“-spare” (…5678) of “Billing sync” is already retired; nothing changed.\n"
    );
    assert_eq!(
        home.run(&["secret", "retire", "Billing sync", "Secret 1"])
            .failed(7),
        "This is the last active secret of “Billing sync”, so it cannot be retired. Add the \
         new secret first, then retire or delete this one."
    );
    assert_eq!(
        home.run(&["secret", "reactivate", "Billing sync", "-spare"])
            .ok(),
        "“-spare” (…5678) of “Billing sync” is active again.\n"
    );
    assert_eq!(
        home.run(&["secret", "reactivate", "Billing sync", "-spare"])
            .ok(),
        "“-spare” (…5678) of “Billing sync” is already active; nothing changed.\n"
    );
    // now two are active: either can go
    home.run(&["secret", "retire", "Billing sync", "Secret 1"])
        .ok();
    assert_eq!(
        secrets(&home, "Local"),
        [
            row("-spare", "active", Value::Null),
            row("Secret 1", "retired", Value::Null),
        ]
    );
    let actions: Vec<(String, String)> = home
        .run(&["audit", "--json", "--limit", "3"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let cli = |action: &str| ("cli".to_owned(), action.to_owned());
    assert_eq!(
        actions,
        [
            cli("secret_retired"),
            cli("secret_reactivated"),
            cli("secret_retired")
        ]
    );
}

#[test]
fn every_secret_verb_keeps_the_production_guard() {
    let (server, home) = production_billing("secret-verbs-production");
    let refusal = "“Billing sync” is in the production environment “Prod”: name it with --env \
                   \"Prod\" to go on (there is no terminal to confirm on).";
    assert_eq!(home.run(&["verify"]).failed(2), refusal);
    for verb in ["retire", "reactivate"] {
        assert_eq!(
            home.run(&["secret", verb, "Billing sync", "Secret 1"])
                .failed(2),
            refusal
        );
    }
    assert_eq!(
        home.run_with_stdin(
            &["secret", "rotate", "Billing sync", "--retire-all-older"],
            "basic-secret\n"
        )
        .failed(2),
        refusal
    );
    assert!(server.token_requests().is_empty(), "nothing was sent");
    assert_eq!(
        secrets(&home, "Prod"),
        [row("Secret 1", "active", Value::Null)]
    );
    // named: it goes on
    let run = home.run(&["verify", "--env", "Prod"]);
    assert_eq!(
        run.ok(),
        "“Secret 1” (short value, not shown) works: the provider issued a token.\n"
    );
}
