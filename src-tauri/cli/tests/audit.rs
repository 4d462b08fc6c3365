//! `authdeck audit`, and the entries the CLI's own actions leave: the real binary, the real
//! keychain (`.ci/with-keychain`) and the real test authorization server for a real token.

mod common;

use common::{Home, Server};
use serde_json::Value;

/// (actor, action, environment, app, detail) of each entry, newest first.
fn entries(home: &Home, args: &[&str]) -> Vec<(String, String, String, String, String)> {
    let mut all = vec!["audit", "--json"];
    all.extend_from_slice(args);
    home.run(&all)
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let text = |key: &str| e[key].as_str().unwrap_or("-").to_owned();
            (
                text("actor"),
                text("action"),
                text("environment_name"),
                text("app_name"),
                text("detail"),
            )
        })
        .collect()
}

fn cli(
    action: &str,
    environment: &str,
    app: &str,
    detail: &str,
) -> (String, String, String, String, String) {
    (
        "cli".into(),
        action.into(),
        environment.into(),
        app.into(),
        detail.into(),
    )
}

#[test]
fn the_clis_actions_are_recorded_as_the_clis_and_never_hold_a_value() {
    let server = Server::start(&[]);
    let home = Home::new("audit-actions");
    home.local_environment(&server);
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    // minted with the app's only secret; the spare one comes after (the newest one is used)
    let token = home.run(&["token"]).ok().trim_end().to_owned();
    home.run_with_stdin(
        &["secret", "add", "Billing sync", "--label", "spare"],
        "spare-secret-value\n",
    )
    .ok();
    home.run(&["secret", "rm", "Billing sync", "spare"]).ok();
    home.run(&["env", "add", "Other", "--kind", "other"]).ok();
    home.run(&["use", "Other"]).ok();
    home.run(&["use", "Local"]).ok();
    home.run(&[
        "app",
        "add",
        "Web",
        "--env",
        "Other",
        "--client-id",
        "web",
        "--public",
    ])
    .ok();
    home.run(&["app", "rm", "Web", "--env", "Other"]).ok();

    assert_eq!(
        entries(&home, &[]),
        vec![
            cli("app_deleted", "Other", "Web", ""),
            cli("app_created", "Other", "Web", ""),
            cli("environment_switched", "Local", "-", "from “Other”"),
            cli("environment_switched", "Other", "-", "from “Local”"),
            cli("environment_created", "Other", "-", ""),
            cli("secret_deleted", "Local", "Billing sync", "spare"),
            cli("secret_added", "Local", "Billing sync", "spare"),
            cli("token_minted", "Local", "Billing sync", "read write"),
            cli("secret_added", "Local", "Billing sync", "Secret 1"),
            cli("app_created", "Local", "Billing sync", ""),
            cli("environment_created", "Local", "-", ""),
        ]
    );

    // no value in any form of the log, nor anywhere in the data folder
    let json = home
        .run(&["audit", "--json", "--limit", "0"])
        .ok()
        .to_owned();
    let table = home.run(&["audit", "--limit", "0"]).ok().to_owned();
    for canary in [token.as_str(), "basic-secret", "spare-secret-value"] {
        assert!(
            !json.contains(canary) && !table.contains(canary),
            "{canary}"
        );
    }
    for file in std::fs::read_dir(home.path()).unwrap() {
        let path = file.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(&token), "token in {}", path.display());
            assert!(!text.contains("spare-secret-value"), "{}", path.display());
        }
    }
}

#[test]
fn audit_filters_by_app_time_and_count() {
    let home = Home::new("audit-filters");
    home.run(&["env", "add", "Sandbox", "--kind", "sandbox"])
        .ok();
    for (name, id) in [("Billing", "billing"), ("Web", "web")] {
        home.run(&["app", "add", name, "--env", "Sandbox", "--client-id", id])
            .ok();
    }
    home.run_with_stdin(&["secret", "add", "Billing"], "value-1\n")
        .ok();

    assert_eq!(
        entries(&home, &["--app", "BILLING"]),
        vec![
            cli("secret_added", "Sandbox", "Billing", "Secret 1"),
            cli("app_created", "Sandbox", "Billing", ""),
        ]
    );
    assert_eq!(
        entries(&home, &["--limit", "1"]),
        vec![cli("secret_added", "Sandbox", "Billing", "Secret 1")]
    );
    assert_eq!(entries(&home, &["--since", "1h"]).len(), 4);
    assert_eq!(entries(&home, &["--since", "2999-01-01T00:00:00Z"]), vec![]);
    assert_eq!(
        home.run(&["audit", "--app", "nothing"]).ok(),
        "No entries.\n"
    );

    // the table: newest first, a time, who, what, where, which
    let table = home.run(&["audit", "--app", "web"]);
    let lines: Vec<&str> = table.ok().lines().collect();
    assert_eq!(lines.len(), 2, "{table:#?}");
    assert!(lines[0].starts_with("TIME "), "{}", lines[0]);
    let row: Vec<&str> = lines[1].split("  ").filter(|c| !c.is_empty()).collect();
    assert_eq!(row[1..], ["cli", "app created", "Sandbox", "Web"]);
    let at: &str = row[0];
    assert!(
        time::OffsetDateTime::parse(at.trim(), &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{at}"
    );

    let bad = home.run(&["audit", "--since", "yesterday"]);
    assert_eq!(
        bad.failed(7),
        "--since: “yesterday” is neither a time such as 2026-11-01T09:30:00Z nor a span such as \
         30m, 12h or 7d."
    );
}

#[test]
fn an_import_is_recorded_with_what_it_did() {
    let source = Home::new("audit-import-source");
    source
        .run(&["env", "add", "Sandbox", "--kind", "sandbox"])
        .ok();
    source
        .run(&[
            "app",
            "add",
            "Billing",
            "--env",
            "Sandbox",
            "--client-id",
            "billing",
        ])
        .ok();
    let file = source.path().join("team.json");
    source.run(&["export", file.to_str().unwrap()]).ok();

    let target = Home::new("audit-import-target");
    target
        .run(&["import", file.to_str().unwrap(), "--dry-run"])
        .ok();
    assert_eq!(
        target.run(&["audit", "--json"]).json(),
        Value::Array(vec![])
    );
    target.run(&["import", file.to_str().unwrap()]).ok();
    assert_eq!(
        entries(&target, &[]),
        vec![
            cli("import_applied", "-", "-", "2 added, 0 changed, 0 skipped"),
            cli("app_created", "Sandbox", "Billing", "by import"),
            cli("environment_created", "Sandbox", "-", "by import"),
        ]
    );
}

#[test]
fn adding_editing_and_removing_apps_and_environments_is_recorded_with_the_fields_changed() {
    let home = Home::new("audit-edits");
    home.run(&["env", "add", "Sandbox", "--kind", "sandbox"])
        .ok();
    home.run(&[
        "app",
        "add",
        "Billing",
        "--env",
        "Sandbox",
        "--client-id",
        "billing",
    ])
    .ok();
    home.run(&[
        "app",
        "edit",
        "Billing",
        "--env",
        "Sandbox",
        "--rename",
        "Billing sync",
        "--redirect-uri",
        "http://127.0.0.1:8400/callback",
    ])
    .ok();
    // the same values again: nothing changed, nothing recorded
    home.run(&[
        "app",
        "edit",
        "Billing sync",
        "--env",
        "Sandbox",
        "--client-id",
        "billing",
    ])
    .ok();
    home.run(&[
        "env",
        "edit",
        "Sandbox",
        "--rename",
        "Test bed",
        "--token-url",
        "https://auth.example/token",
    ])
    .ok();
    home.run(&["app", "rm", "Billing sync", "--env", "Test bed"])
        .ok();
    home.run(&["env", "rm", "Test bed"]).ok();

    assert_eq!(
        entries(&home, &[]),
        vec![
            cli("environment_deleted", "Test bed", "-", ""),
            cli("app_deleted", "Test bed", "Billing sync", ""),
            cli(
                "environment_edited",
                "Test bed",
                "-",
                "changed name (was “Sandbox”), endpoints.token_url"
            ),
            cli(
                "app_edited",
                "Sandbox",
                "Billing sync",
                "changed display_name (was “Billing”), redirect_uris"
            ),
            cli("app_created", "Sandbox", "Billing", ""),
            cli("environment_created", "Sandbox", "-", ""),
        ]
    );
    let table = home.run(&["audit", "--limit", "4"]).ok().to_owned();
    assert!(table.contains("environment edited"), "{table}");
    assert!(table.contains("app edited"), "{table}");
}
