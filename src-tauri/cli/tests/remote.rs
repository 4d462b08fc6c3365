//! `authdeck remote …` against the test server's REST "OAuth apps" API, with the real
//! keychain: set the connector, create an app (its secret never printed), list, show, push a
//! change, delete at the provider (revoking first), and a refusal's exit code.

mod common;

use authdeck_core::vault::SecretStore;
use common::support;
use common::{Home, Server};

/// Every value in the test's keychain namespace.
fn keychain_values(home: &Home) -> Vec<String> {
    let vault = support::keychain(&home.namespace);
    vault
        .accounts()
        .unwrap()
        .iter()
        .map(|account| vault.get(account).unwrap().expose().to_owned())
        .collect()
}

/// Sets the environment's connector to the server's OAuth apps API, authenticated by `app`.
fn connect(home: &Home, server: &Server, app: &str) -> common::Run {
    home.run(&[
        "remote",
        "connector",
        "--kind",
        "oauth-apps",
        "--url",
        &server.issuer,
        "--auth-app",
        app,
    ])
}

#[test]
fn an_admin_creates_shows_pushes_and_deletes_an_app_at_the_provider_without_seeing_its_secret() {
    let server = Server::start(&[]);
    let home = Home::new("remote");
    home.local_environment(&server);
    home.app("Local", "Admin", "admin-client", "admin-secret");
    assert_eq!(
        home.run(&["remote", "connector"]).ok(),
        "“Local” has no connector.\n"
    );
    assert_eq!(
        connect(&home, &server, "Admin").ok(),
        format!(
            "“Local”: OAuth apps API at {}, authenticated with “Admin”\n",
            server.issuer
        )
    );
    assert_eq!(
        home.run(&["remote", "list"]).ok(),
        "The provider lists no apps.\n"
    );

    let before = keychain_values(&home);
    let created = home.run(&[
        "remote",
        "create",
        "Reports",
        "--callback",
        "https://reports.example.com/cb",
        "--label",
        "team=data",
        "--scope",
        "read",
    ]);
    let text = created.ok().to_owned();
    assert!(
        text.starts_with("Created “Reports” at the provider (oauthApps/app0001), client ID "),
        "{text}"
    );
    assert!(
        text.contains("is in the keychain, the only place it is kept."),
        "{text}"
    );
    let secrets: Vec<String> = keychain_values(&home)
        .into_iter()
        .filter(|value| !before.contains(value))
        .collect();
    // the new app's secret (the admin's token for the API was got by `remote list` already)
    assert_eq!(secrets.len(), 1, "{secrets:?}");
    for value in &secrets {
        assert!(
            !created.stdout.contains(value.as_str()) && !created.stderr.contains(value.as_str())
        );
    }
    // the captured secret works: the new app gets a token
    home.run(&["token", "Reports"]).ok();

    let listed = home.run(&["remote", "list", "--json"]).json();
    assert_eq!(listed[0]["fields"]["display_name"], "Reports");
    assert!(listed[0]["local_app_id"].is_string());
    assert_eq!(
        home.run(&["remote", "show", "Reports"]).ok().lines().last(),
        Some("Same here and at the provider.")
    );

    home.run(&["app", "edit", "Reports", "--description", "Nightly exports"])
        .ok();
    let drift = home.run(&["remote", "show", "Reports", "--json"]).json();
    assert_eq!(
        drift["drift"],
        serde_json::json!([{"field": "description", "local": "Nightly exports", "remote": ""}])
    );
    assert_eq!(
        home.run(&["remote", "push", "Reports"]).ok(),
        "Sent the fields of “Reports” to the provider (oauthApps/app0001).\n"
    );
    assert_eq!(
        home.run(&["remote", "show", "Reports"]).ok().lines().last(),
        Some("Same here and at the provider.")
    );

    let deleted = home.run(&["remote", "delete", "Reports", "--revoke-first"]);
    assert_eq!(
        deleted.ok(),
        "Deleted “Reports” at the provider, after revoking the token Authdeck held, and here \
         (2 keychain entries removed). Tokens it already issued stay valid until they expire \
         (the one Authdeck held was revoked).\n"
    );
    assert_eq!(
        home.run(&["token", "Reports"]).failed(3),
        "No app “Reports” in “Local”. Its apps: “Admin”.",
        "gone here too"
    );

    // an app that may not manage apps: the provider's refusal, exit code 4
    home.app("Local", "Basic", "basic-client", "basic-secret");
    connect(&home, &server, "Basic").ok();
    let refused = home.run(&["remote", "list"]);
    let message = refused.failed(4);
    assert!(message.contains("HTTP 403"), "{message}");
}
