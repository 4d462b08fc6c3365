//! Pushed authorization requests (RFC 9126) from the CLI: `app add|edit --par|--no-par` and
//! what `status --json` and `export` say of it, and `login` of a client the test server takes
//! only pushed requests from, through the stand-in browser — as the real binary against the
//! real keychain and the real test authorization server.

mod common;

use common::{Home, Server, StandinBrowser};

/// The JSON `status` gives of the app named `name`.
fn status_of(home: &Home, name: &str) -> serde_json::Value {
    let status = home.run(&["status", "--json"]).json();
    status["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|app| app["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {status:#}"))
        .clone()
}

#[test]
fn the_par_flag_is_set_shown_exported_and_cleared() {
    let server = Server::start(&[]);
    let home = Home::new("cli-par-flag");
    home.local_environment(&server);
    let added = home.run(&[
        "app",
        "add",
        "Pushed",
        "--env",
        "Local",
        "--client-id",
        "par-client",
        "--scope",
        "openid read",
        "--par",
    ]);
    assert!(
        added
            .ok()
            .contains("PAR: its browser logins push their authorization requests (RFC 9126).\n"),
        "{added:#?}"
    );
    assert_eq!(status_of(&home, "Pushed")["par"], true);
    let exported = home.run(&["export", "-"]);
    assert_eq!(exported.ok().matches("\"par\": true").count(), 1);

    let edited = home.run(&["app", "edit", "Pushed", "--no-par"]);
    assert!(
        edited.ok().contains(
            "No PAR: its browser logins push their requests only when the provider requires it.\n"
        ),
        "{edited:#?}"
    );
    assert_eq!(status_of(&home, "Pushed")["par"], false);
    assert!(!home.run(&["export", "-"]).ok().contains("\"par\""));
    // both at once is a usage error, and changes nothing
    let usage = home.run(&["app", "edit", "Pushed", "--par", "--no-par"]);
    assert_eq!(usage.code, 2, "{usage:#?}");
    assert_eq!(status_of(&home, "Pushed")["par"], false);
}

#[test]
fn login_pushes_the_request_for_an_app_with_par() {
    let server = Server::start(&[]);
    let home = Home::new("cli-par-login");
    home.local_environment(&server);
    home.run(&[
        "app",
        "add",
        "Pushed",
        "--env",
        "Local",
        "--client-id",
        "par-client",
        "--scope",
        "openid read",
        "--par",
    ])
    .ok();
    home.run_with_stdin(&["secret", "add", "Pushed"], "par-secret\n")
        .ok();
    let browser = StandinBrowser::register("sign-in");

    let run = home.run_with(&browser, &["login", "Pushed"]);
    assert_eq!(run.ok(), "", "nothing on stdout");
    let url = run
        .stderr
        .lines()
        .find_map(|line| line.strip_prefix("  "))
        .unwrap_or_else(|| panic!("the address is shown: {run:#?}"));
    let (_, query) = url.split_once('?').unwrap();
    let names: Vec<&str> = query
        .split('&')
        .map(|pair| pair.split('=').next().unwrap())
        .collect();
    assert_eq!(names, ["client_id", "request_uri"], "{url}");
    let status = status_of(&home, "Pushed");
    assert_eq!(status["state"], "valid", "{status:#}");
    assert_eq!(status["source"], "authorization_code");
}
