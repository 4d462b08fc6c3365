//! The real `authdeck` binary, run as a process against the real keychain (the private
//! Secret Service of `.ci/with-keychain`) and the real test authorization server: every test
//! has its own data folder, keychain namespace and server.

mod common;

use common::{Home, Run, Server, billing, production_billing, support};
use serde_json::{Value, json};
use std::process::Stdio;

/// The token line printed by `token`: one line, the value only.
#[track_caller]
fn token_value(run: &common::Run) -> String {
    let out = run.ok();
    assert!(out.ends_with('\n') && out.lines().count() == 1, "{run:#?}");
    let value = out.trim_end().to_owned();
    assert!(value.len() >= 20 && !value.contains(' '), "{run:#?}");
    value
}

#[test]
fn a_token_whose_keychain_entry_was_removed_is_got_anew() {
    let (server, home) = billing("entry-removed", &[]);
    let first = token_value(&home.run(&["token"]));
    let (token, _) = home.stored_token("Billing sync");
    let account = format!("token:{}", token["id"].as_str().unwrap());
    let cleared = std::process::Command::new("secret-tool")
        .args(["clear", "service", &home.namespace, "username", &account])
        .status()
        .unwrap();
    assert!(cleared.success());
    // The stored token is still valid by its row, but the keychain no longer holds it and no
    // other program replaced it: only a new token helps.
    let second = home.run(&["token", "-v"]);
    let value = token_value(&second);
    assert_ne!(value, first);
    assert!(
        second.stderr.starts_with("authdeck: renewed token for"),
        "{second:#?}"
    );
    assert_eq!(server.token_requests().len(), 2);
    assert_eq!(home.stored_token("Billing sync").1, [value]);
}

#[test]
fn token_is_reused_while_valid_and_renewed_when_short_or_expired() {
    let (server, home) = billing("cached", &[]);
    let first = home.run(&["token", "-v"]);
    let a = token_value(&first);
    assert!(
        first
            .stderr
            .starts_with("authdeck: renewed token for “Billing sync” in “Local” (Bearer …"),
        "{first:#?}"
    );
    assert_eq!(server.token_requests().len(), 1);

    // cached: the same value, and no request reached the server
    let again = home.run(&["token", "Billing sync", "-v"]);
    assert_eq!(token_value(&again), a);
    assert!(
        again
            .stderr
            .starts_with("authdeck: cached token for “Billing sync”"),
        "{again:#?}"
    );
    assert_eq!(again.stderr.lines().count(), 1);
    assert_eq!(home.run(&["token"]).stderr, "", "quiet without -v");
    assert_eq!(server.token_requests().len(), 1);

    // --min-valid beyond the token's lifetime (3600 s): renewed, with a warning
    server.configure(json!({ "token_ttl": 2 }));
    let longer = home.run(&["token", "--min-valid", "3601"]);
    let b = token_value(&longer);
    assert_ne!(b, a);
    assert!(
        longer
            .stderr
            .contains("less than --min-valid 3601; the provider issues no longer-lived tokens"),
        "{longer:#?}"
    );
    assert_eq!(server.token_requests().len(), 2);

    // the 2-second token expires: renewed even though --min-valid 0 accepts any valid one
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let expired = home.run(&["token", "--min-valid", "0", "-v"]);
    let c = token_value(&expired);
    assert_ne!(c, b);
    assert!(
        expired.stderr.starts_with("authdeck: renewed token"),
        "{expired:#?}"
    );
    let requests = server.token_requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request["client_id"], "basic-client");
        assert_eq!(request["grant_type"], "client_credentials");
        assert_eq!(request["scope"], "read write");
        assert_eq!(request["auth_method"], "client_secret_basic");
    }

    // another scope set is another token
    let read = home.run(&["token", "--scope", "read"]);
    assert_ne!(token_value(&read), c);
    assert_eq!(server.token_requests()[3]["scope"], "read");
}

#[test]
fn twenty_concurrent_token_processes_make_one_token_request() {
    // the server answers slowly, so all twenty are waiting at once
    let (server, home) = billing("single-flight", &["--delay-ms", "300"]);
    let children: Vec<_> = (0..20)
        .map(|_| home.command(&["token"]).spawn().expect("spawn"))
        .collect();
    let values: Vec<String> = children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().expect("wait");
            let stdout = String::from_utf8(output.stdout).unwrap();
            assert!(
                output.status.success(),
                "{stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            );
            stdout.trim_end().to_owned()
        })
        .collect();
    assert!(values[0].len() >= 20);
    assert!(values.iter().all(|v| v == &values[0]), "{values:?}");
    assert_eq!(server.token_requests().len(), 1);
}

#[test]
fn exec_runs_the_command_with_the_token_and_passes_its_exit_code() {
    let (_server, home) = billing("exec", &[]);
    let token = token_value(&home.run(&["token"]));

    let run = home.run(&[
        "exec",
        "--",
        "sh",
        "-c",
        "printf %s \"$AUTHDECK_ACCESS_TOKEN\"",
    ]);
    assert_eq!(run.ok(), token);
    assert_eq!(run.stderr, "");

    let out = home.path().join("seen");
    let script = format!(
        "printf '%s %s' \"$API_TOKEN\" \"$CLIENT\" > '{}'; exit 42",
        out.display()
    );
    let run = home.run(&[
        "exec",
        "billing sync",
        "--token-var",
        "API_TOKEN",
        "--client-id-var",
        "CLIENT",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (42, "", "")
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{token} basic-client")
    );

    let missing = home.run(&["exec", "--", "authdeck-no-such-command"]);
    assert_eq!(
        missing.failed(127),
        "Cannot run “authdeck-no-such-command”: command not found."
    );
    let bad = home.run(&["exec", "--token-var", "1X", "--", "true"]);
    assert_eq!(
        bad.failed(2),
        "“1X” cannot be a variable name: use letters, digits and _, not starting with a digit."
    );
}

#[test]
fn env_prints_exports_a_shell_can_eval() {
    let (_server, home) = billing("exports", &[]);
    let token = token_value(&home.run(&["token"]));
    let run = home.run(&["env", "--client-id-var", "CID"]);
    assert_eq!(
        run.ok(),
        format!("export AUTHDECK_ACCESS_TOKEN='{token}'\nexport CID='basic-client'\n")
    );
    let shell = std::process::Command::new("sh")
        .args([
            "-c",
            &format!(
                "eval \"$({} env 'Billing sync')\" && printf %s \"$AUTHDECK_ACCESS_TOKEN\"",
                common::BIN
            ),
        ])
        .env("AUTHDECK_HOME", home.dir.path())
        .env("AUTHDECK_KEYCHAIN_NAMESPACE", &home.namespace)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(shell.status.success(), "{shell:?}");
    assert_eq!(String::from_utf8(shell.stdout).unwrap(), token);
}

#[test]
fn status_json_lists_the_active_environments_apps_with_token_state() {
    let (_server, home) = billing("status", &[]);
    home.app("Local", "Reports", "post-client", "post-secret");
    home.run(&["token", "billing-sync-typo"]).failed(3);
    token_value(&home.run(&["token", "basic-client"]));

    let out = home.run(&["status", "--json"]);
    // Piped, the JSON is one line (a terminal gets it indented).
    assert_eq!(out.ok().lines().count(), 1, "{out:#?}");
    let status = out.json();
    assert_eq!(status["environment"]["name"], "Local");
    assert_eq!(status["environment"]["kind"], "sandbox");
    let apps = status["apps"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str)> = apps
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap(),
                a["client_id"].as_str().unwrap(),
                a["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Billing sync", "basic-client", "valid"),
            ("Reports", "post-client", "none")
        ]
    );
    let left = apps[0]["seconds_left"].as_i64().unwrap();
    assert!((3590..=3600).contains(&left), "{left}");
    assert_eq!(apps[0]["token_type"], "Bearer");
    assert_eq!(apps[0]["requested_scopes"], json!(["read", "write"]));
    assert_eq!(apps[0]["granted_scopes"], json!(["read", "write"]));
    assert_eq!(apps[1]["seconds_left"], Value::Null);
    assert_eq!(apps[1]["expires_at"], Value::Null);

    let text = home.run(&["status"]);
    let lines: Vec<&str> = text.ok().lines().collect();
    assert_eq!(lines[0], "Local (sandbox)");
    assert_eq!(lines[1], "APP           CLIENT ID     TOKEN  TIME LEFT");
    assert!(
        lines[2].starts_with("Billing sync  basic-client  valid  59m ")
            || lines[2] == "Billing sync  basic-client  valid  1h 00m",
        "{lines:?}"
    );
    assert_eq!(lines[3], "Reports       post-client   none   -");
}

#[test]
fn use_switches_the_active_environment_for_every_command() {
    let (server, home) = billing("use", &[]);
    home.run(&[
        "env",
        "add",
        "Staging",
        "--kind",
        "other",
        "--token-url",
        &format!("{}/token", server.issuer),
    ])
    .ok();
    home.app("Staging", "Reports", "post-client", "post-secret");
    let active = |home: &Home| -> Vec<(String, bool)> {
        home.run(&["envs", "--json"])
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["name"].as_str().unwrap().to_owned(), e["active"] == true))
            .collect()
    };
    assert_eq!(
        active(&home),
        [("Local".to_owned(), true), ("Staging".to_owned(), false)]
    );
    assert_eq!(
        home.run(&["use", "staging"]).ok(),
        "Active environment: Staging (other)\n"
    );
    assert_eq!(
        active(&home),
        [("Local".to_owned(), false), ("Staging".to_owned(), true)]
    );
    let apps = home.run(&["apps", "--json"]).json();
    assert_eq!(apps[0]["display_name"], "Reports");
    assert_eq!(apps.as_array().unwrap().len(), 1);
    // the only app of the active environment needs no name
    token_value(&home.run(&["token"]));
    assert_eq!(server.token_requests()[0]["client_id"], "post-client");

    assert_eq!(
        home.run(&["use", "Stagin"]).failed(3),
        "No environment named “Stagin”. Did you mean “Staging”?"
    );
}

#[test]
fn secret_add_reads_stdin_into_the_keychain_and_never_prints_it() {
    let server = Server::start(&[]);
    let home = Home::new("secret");
    home.local_environment(&server);
    home.run(&[
        "app",
        "add",
        "Billing sync",
        "--env",
        "Local",
        "--client-id",
        "basic-client",
    ])
    .ok();
    let added = home.run_with_stdin(
        &[
            "secret",
            "add",
            "Billing sync",
            "--label",
            "main",
            "--created-at",
            "2026-01-02T03:04:05Z",
        ],
        "basic-secret\n",
    );
    assert_eq!(
        added.ok(),
        "Stored “main” (short value, not shown) for “Billing sync” in “Local” in the keychain.\n"
    );
    assert_eq!(added.stderr, "");
    let list = home
        .run(&["secret", "list", "Billing sync", "--json"])
        .json();
    let secrets = list.as_array().unwrap();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0]["label"], "main");
    // "basic-secret" is 12 characters: its last four would give away a third of it
    assert_eq!(secrets[0]["fingerprint"], "");
    assert_eq!(secrets[0]["state"], "active");
    assert_eq!(secrets[0]["provider_created_at"], "2026-01-02T03:04:05Z");
    let id = secrets[0]["id"].as_str().unwrap();
    // exactly the value, without the line break, in the real keychain
    assert_eq!(
        support::secret_tool_lookup(&home.namespace, &format!("secret:{id}")).as_deref(),
        Some("basic-secret")
    );
    // and it works
    token_value(&home.run(&["token"]));

    // the last active secret cannot go
    assert_eq!(
        home.run(&["secret", "rm", "Billing sync", "main"])
            .failed(7),
        "This is the last active secret of “Billing sync”, so it cannot be deleted. Add the new \
         secret first, then retire or delete this one."
    );
    let second = home.run_with_stdin(
        &["secret", "add", "Billing sync"],
        "  rotated-secret-value  ",
    );
    assert_eq!(
        second.ok(),
        "Stored “Secret 2” (…alue) for “Billing sync” in “Local” in the keychain.\n"
    );
    assert_eq!(
        second.stderr,
        "authdeck: spaces or line breaks around the value were removed.\n"
    );
    assert_eq!(
        home.run(&["secret", "rm", "Billing sync", "MAIN"]).ok(),
        "Deleted “main” (short value, not shown) of “Billing sync” from the keychain.\n"
    );
    assert_eq!(
        support::secret_tool_lookup(&home.namespace, &format!("secret:{id}")),
        None
    );
    assert_eq!(
        home.run(&["secret", "rm", "Billing sync", "main"])
            .failed(3),
        "“Billing sync” holds no secret “main”. Its secrets: “Secret 2”."
    );
    assert_eq!(
        home.run_with_stdin(&["secret", "add", "Billing sync"], "\n")
            .failed(7),
        "secret: The secret is empty."
    );
}

#[test]
fn env_add_and_app_add_round_trip_with_core_validation() {
    let server = Server::start(&[]);
    let home = Home::new("setup");
    let issuer = server.issuer.as_str();
    let added = home.run(&[
        "env",
        "add",
        "Local",
        "--kind",
        "sandbox",
        "--issuer",
        issuer,
        "--discover",
        "--api-base",
        "http://127.0.0.1:9/api",
        "--color",
        "#27AE60",
        "--rotation-days",
        "30",
    ]);
    assert_eq!(
        added.ok(),
        format!(
            "Added environment Local (sandbox, #27ae60)\n  issuer        {issuer}\n  token         \
             {issuer}/token\n  authorize     {issuer}/auth\n  device        {issuer}/device/auth\n  \
             introspection {issuer}/token/\
             introspection\n  revocation    {issuer}/token/revocation\n  API base      \
             http://127.0.0.1:9/api\nIt is the active environment.\n"
        )
    );
    let envs = home.run(&["envs", "--json"]).json();
    let local = &envs[0];
    assert_eq!(local["name"], "Local");
    assert_eq!(local["kind"], "sandbox");
    assert_eq!(local["color"], "#27ae60");
    assert_eq!(local["rotation_days"], 30);
    assert_eq!(local["active"], true);
    assert_eq!(
        local["endpoints"],
        json!({
            "issuer_url": issuer,
            "authorization_url": format!("{issuer}/auth"),
            "token_url": format!("{issuer}/token"),
            "token_info_url": null,
            "introspection_url": format!("{issuer}/token/introspection"),
            "revocation_url": format!("{issuer}/token/revocation"),
            "api_base_url": "http://127.0.0.1:9/api",
            "device_authorization_url": format!("{issuer}/device/auth"),
        })
    );

    home.run(&[
        "app",
        "add",
        "Billing sync",
        "--env",
        "Local",
        "--client-id",
        "post-client",
        "--auth-method",
        "client_secret_post",
        "--scope",
        "read",
        "--scope",
        "write",
        "--redirect-uri",
        "http://127.0.0.1/cb",
        "--link",
        "billing",
        "--audience",
        "api",
        "--resource",
        "https://api.authdeck.test/",
        "--label",
        "team-a",
    ])
    .ok();
    let apps = home.run(&["apps", "--json"]).json();
    assert_eq!(apps[0]["display_name"], "Billing sync");
    assert_eq!(apps[0]["client_id"], "post-client");
    assert_eq!(apps[0]["client_type"], "confidential");
    assert_eq!(apps[0]["link"], "billing");
    assert_eq!(apps[0]["labels"], json!(["team-a"]));
    assert_eq!(apps[0]["active_secrets"], 0);
    home.run_with_stdin(&["secret", "add", "billing"], "post-secret")
        .ok();
    token_value(&home.run(&["token", "billing"]));
    let request = &server.token_requests()[0];
    assert_eq!(request["auth_method"], "client_secret_post");
    assert_eq!(request["scope"], "read write");
    assert_eq!(request["resource"], "https://api.authdeck.test/");

    // edit: rename and new scopes; the token follows the new scopes
    assert_eq!(
        home.run(&[
            "app", "edit", "billing", "--rename", "Billing", "--scope", "read"
        ])
        .ok(),
        "Changed app “Billing” in “Local”: client ID post-client, confidential \
         (client_secret_post), scopes read.\n"
    );
    token_value(&home.run(&["token", "Billing"]));
    assert_eq!(server.token_requests()[1]["scope"], "read");
    home.run(&[
        "app",
        "add",
        "Native",
        "--env",
        "Local",
        "--client-id",
        "native-client",
        "--public",
    ])
    .ok();
    assert_eq!(
        home.run(&["apps", "--json"]).json()[1]["client_type"],
        "public"
    );

    // core's validation and messages, each problem on its own line, pointing at the flag
    let bad = home.run(&[
        "env",
        "add",
        "Prod",
        "--kind",
        "production",
        "--color",
        "red",
        "--token-url",
        "http://id.example.com/token",
    ]);
    assert_eq!(bad.code, 7);
    assert_eq!(
        bad.stderr,
        "authdeck: --color: Pick a colour as #rrggbb.\nauthdeck: --token-url: Use https:// — \
         plain http is allowed only for loopback addresses (127.0.0.1, [::1], localhost).\n"
    );
    assert_eq!(
        home.run(&["env", "add", "local", "--kind", "other"])
            .failed(7),
        "NAME: An environment named “local” already exists."
    );
    assert_eq!(
        home.run(&[
            "app",
            "add",
            "Other",
            "--env",
            "Local",
            "--client-id",
            "post-client"
        ])
        .failed(7),
        "--client-id: Another app in “Local” already uses this client ID."
    );
    assert_eq!(
        home.run(&[
            "app",
            "add",
            "P",
            "--env",
            "Local",
            "--client-id",
            "p",
            "--public",
            "--auth-method",
            "client_secret_basic"
        ])
        .failed(7),
        "--auth-method: A public client has no secret: its token endpoint auth method is “none”."
    );
    assert_eq!(
        home.run(&["env", "edit", "Local", "--token-url", "ftp://x"])
            .failed(7),
        "--token-url: Use an https:// URL (not ftp:)."
    );
    assert_eq!(
        home.run(&[
            "env",
            "edit",
            "Local",
            "--device-url",
            "http://id.example.com/device"
        ])
        .failed(7),
        "--device-url: Use https:// — plain http is allowed only for loopback addresses \
         (127.0.0.1, [::1], localhost)."
    );
    // edit: an empty value clears an endpoint
    home.run(&["env", "edit", "Local", "--api-base", "", "--rename", "Dev"])
        .ok();
    let envs = home.run(&["envs", "--json"]).json();
    assert_eq!(envs[0]["name"], "Dev");
    assert_eq!(envs[0]["endpoints"]["api_base_url"], Value::Null);

    // removal: apps first, or --with-apps
    assert_eq!(
        home.run(&["app", "rm", "Native"]).ok(),
        "Deleted app “Native” from “Dev” and 0 keychain entries. Tokens the provider already \
         issued stay valid until they expire.\n"
    );
    assert_eq!(
        home.run(&["env", "rm", "Dev"]).failed(7),
        "“Dev” still holds 1 app; add --with-apps to delete them, their secrets and tokens too."
    );
    assert_eq!(
        home.run(&["env", "rm", "Dev", "--with-apps"]).ok(),
        "Deleted environment “Dev” with 1 app and 2 keychain entries.\n"
    );
    assert_eq!(home.run(&["envs", "--json"]).json(), json!([]));
    let (expected, held) = support::open(&home.path(), &home.namespace)
        .consistency()
        .unwrap();
    assert_eq!(
        (expected, held),
        (vec![], vec![]),
        "nothing left in the keychain"
    );
}

#[test]
fn values_that_start_with_a_hyphen_are_read_as_values_not_flags() {
    let server = Server::start(&[]);
    let home = Home::new("hyphen");
    home.local_environment(&server);
    // app add --client-id and secret add, through the shared fixture
    home.app("Local", "Dash", "-Pk3dash-client", "-dash-secret");
    home.run(&[
        "app",
        "edit",
        "Dash",
        "--client-id",
        "-Pk3dash-client",
        "--label",
        "-team",
        "--link",
        "-dash",
    ])
    .ok();
    home.run_with_stdin(
        &["secret", "add", "Dash", "--label", "-second"],
        "-dash-secret\n",
    )
    .ok();
    let setup = home.run(&["export", "-"]).json();
    let app = &setup["environments"][0]["apps"][0];
    assert_eq!(app["client_id"], "-Pk3dash-client");
    assert_eq!(app["labels"], json!(["-team"]));
    assert_eq!(app["link"], "-dash");
    let secrets = home.run(&["secret", "list", "Dash", "--json"]).json();
    assert_eq!(secrets[0]["label"], "-second", "{secrets:#}");
    // a URL flag takes the value too, and core's validation (not the parser) refuses it
    let refused = home.run(&["env", "edit", "Local", "--api-base", "-not-a-url"]);
    assert_eq!(
        refused.failed(7),
        "--api-base: “-not-a-url” is not a valid URL (relative URL without a base)."
    );

    token_value(&home.run(&["token", "Dash"]));
    let requests = server.token_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["client_id"], "-Pk3dash-client");
}

#[test]
fn every_failure_has_its_exit_code_and_one_line() {
    let (server, home) = billing("errors", &[]);
    home.app("Local", "Billing export", "post-client", "not-the-secret");

    // 2: usage
    let usage = home.run(&["token", "--min-valid"]);
    assert_eq!(usage.code, 2);
    assert_eq!(usage.stdout, "");
    assert!(
        usage
            .stderr
            .starts_with("authdeck: a value is required for '--min-valid <SECONDS>'"),
        "{usage:#?}"
    );
    // 3: not found, with close names; ambiguous, with the candidates
    assert_eq!(
        home.run(&["token", "Biling sync"]).failed(3),
        "No app “Biling sync” in “Local”. Did you mean “Billing sync”?"
    );
    assert_eq!(
        home.run(&["token", "zzz"]).failed(3),
        "No app “zzz” in “Local”. Its apps: “Billing export”, “Billing sync”."
    );
    home.run(&["app", "edit", "Billing export", "--link", "billing"])
        .ok();
    home.run(&["app", "edit", "Billing sync", "--link", "billing"])
        .ok();
    assert_eq!(
        home.run(&["token", "billing"]).failed(3),
        "“billing” matches 2 apps in “Local”: “Billing export” (client ID post-client), \
         “Billing sync” (client ID basic-client). Name one by its display name or client ID."
    );
    assert_eq!(
        home.run(&["token"]).failed(3),
        "“Local” holds 2 apps; name one: “Billing export”, “Billing sync”."
    );
    assert_eq!(
        home.run(&["token", "x", "--env", "Nowhere"]).failed(3),
        "No environment named “Nowhere”. Environments: “Local”."
    );
    // 4: the provider refused the wrong secret
    let refused = home.run(&["token", "Billing export"]);
    assert_eq!(
        refused.failed(4),
        format!(
            "The token request was refused by {} (HTTP 401, invalid_client: client \
             authentication failed). Check the client ID and secret, and whether the provider \
             expects client_secret_basic or client_secret_post.",
            server.issuer.trim_start_matches("http://")
        )
    );
    // 8: not configured (an app without a secret)
    home.run(&[
        "app",
        "add",
        "Bare",
        "--env",
        "Local",
        "--client-id",
        "bare",
    ])
    .ok();
    assert_eq!(
        home.run(&["token", "Bare"]).failed(8),
        "“Bare” has no active client secret. Add the secret the provider gave you first."
    );
    // 6: nothing listens on the token endpoint
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    home.run(&[
        "env",
        "edit",
        "Local",
        "--token-url",
        &format!("http://127.0.0.1:{port}/token"),
    ])
    .ok();
    let network = home.run(&["token", "Billing sync"]);
    assert!(
        network
            .failed(6)
            .starts_with(&format!("Could not connect to 127.0.0.1:{port}")),
        "{network:#?}"
    );
    // 5: no keychain to read the secret from
    let no_bus = home
        .command(&["token", "Billing sync"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/authdeck-no-bus",
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8(no_bus.stderr).unwrap();
    assert_eq!(no_bus.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.starts_with("authdeck: No keychain is available: the Secret Service"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
    // 7: input core refuses
    assert_eq!(
        home.run(&["token", "Billing sync", "--scope", "a\"b"])
            .failed(7),
        "--scope: “a\"b” contains “\"”, which a scope cannot hold (RFC 6749 §3.3)."
    );
}

#[test]
fn provider_text_cannot_drive_the_terminal() {
    let (server, home) = billing("escapes", &[]);
    // OSC 52 writes the clipboard, CSI (7-bit or the C1 byte) moves the cursor and clears the
    // screen, U+202E shows what follows reversed; a carriage return is shown as \r (core's
    // provider-text rule), so it cannot move the cursor back over the message either.
    server.configure(json!({"fault": {"status": 401, "body": {
        "error": "invalid_client",
        "error_description": "bad\u{1b}]52;c;ZXZpbA==\u{7} \u{9b}2J\u{1b}[1A\rok\u{202e}exe.txt\u{7f}",
    }}}));
    let refused = home.run(&["token", "Billing sync"]);
    let message = refused.failed(4).to_owned();
    for control in ['\u{1b}', '\u{7}', '\u{9b}', '\r', '\u{202e}', '\u{7f}'] {
        assert!(
            !refused.stderr.contains(control),
            "{control:?} in {refused:#?}"
        );
    }
    assert_eq!(
        message,
        format!(
            "The token request was refused by {} (HTTP 401, invalid_client: \
             bad\\u{{1b}}]52;c;ZXZpbA==\\u{{7}} \\u{{9b}}2J\\u{{1b}}[1A\\r\
             ok\\u{{202e}}exe.txt\\u{{7f}}). \
             Check the client ID and secret, and whether the provider expects \
             client_secret_basic or client_secret_post.",
            server.issuer.trim_start_matches("http://")
        )
    );
}

#[test]
fn production_apps_need_their_environment_named_without_a_terminal() {
    let (server, home) = production_billing("production");
    let refusal = "“Billing sync” is in the production environment “Prod”: name it with --env \
                   \"Prod\" to go on (there is no terminal to confirm on).";
    assert_eq!(home.run(&["token"]).failed(2), refusal);
    assert_eq!(home.run(&["env"]).failed(2), refusal);
    assert_eq!(home.run(&["exec", "--", "true"]).failed(2), refusal);
    assert_eq!(
        home.run_with_stdin(&["secret", "add", "Billing sync"], "x")
            .failed(2),
        refusal
    );
    assert_eq!(
        home.run(&["secret", "rm", "Billing sync", "Secret 1"])
            .failed(2),
        refusal
    );
    assert_eq!(home.run(&["app", "rm", "Billing sync"]).failed(2), refusal);
    assert_eq!(server.token_requests().len(), 0, "nothing was sent");
    // named: it goes on
    token_value(&home.run(&["token", "--env", "Prod"]));
    assert_eq!(server.token_requests().len(), 1);
    // listings show metadata without asking
    home.run(&["status"]).ok();
    home.run(&["secret", "list", "Billing sync"]).ok();
}

/// Runs the CLI on a pseudo-terminal (util-linux `script`), typing `answer`; returns the exit
/// code and what the terminal showed (stdout and stderr together), less the typed answer.
fn on_terminal(home: &Home, args: &str, answer: &str) -> (i32, String) {
    let mut child = std::process::Command::new("script")
        .args(["-qec", &format!("{} {args}", common::BIN), "/dev/null"])
        .env("AUTHDECK_HOME", home.dir.path())
        .env("AUTHDECK_KEYCHAIN_NAMESPACE", &home.namespace)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` (package bsdutils) must be installed");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    // The terminal echoes the typed answer, before or after the prompt: take it out.
    let screen = String::from_utf8(output.stdout)
        .unwrap()
        .replace("\r\n", "\n")
        .replacen(answer, "", 1);
    (output.status.code().unwrap(), screen)
}

#[test]
fn production_apps_ask_on_a_terminal() {
    let (server, home) = production_billing("production-tty");
    let prompt = "“Billing sync” is in the production environment “Prod”. Go on? [y/N] ";

    let (code, screen) = on_terminal(&home, "token", "n\n");
    assert_eq!(code, 1, "{screen}");
    assert_eq!(
        screen,
        format!("{prompt}authdeck: Cancelled; nothing was done.\n")
    );
    assert_eq!(server.token_requests().len(), 0);

    let (code, screen) = on_terminal(&home, "token", "y\n");
    assert_eq!(code, 0, "{screen}");
    let token = screen
        .strip_prefix(prompt)
        .unwrap_or_else(|| panic!("{screen}"))
        .trim_end();
    assert_eq!(token, token_value(&home.run(&["token", "--env", "Prod"])));
    assert_eq!(server.token_requests().len(), 1);
}

#[test]
fn no_secret_or_token_value_appears_in_any_other_output() {
    let (server, home) = billing("canary", &[]);
    let token = token_value(&home.run(&["token"]));
    let secret = "basic-secret";
    // token -v: the value on stdout only, what was done on stderr
    let verbose = home.run(&["token", "-v"]);
    assert_eq!(token_value(&verbose), token);
    assert!(!verbose.stderr.contains(&token) && verbose.stderr.contains("cached token"));
    let runs = vec![
        home.run(&["status"]),
        home.run(&["status", "--json"]),
        home.run(&["envs"]),
        home.run(&["envs", "--json"]),
        home.run(&["apps"]),
        home.run(&["apps", "--json"]),
        home.run(&["secret", "list", "Billing sync"]),
        home.run(&["secret", "list", "Billing sync", "--json"]),
        home.run_with_stdin(&["secret", "add", "Billing sync"], "canary-secret-value"),
        home.run(&["app", "edit", "Billing sync", "--label", "x"]),
        home.run(&["env", "edit", "Local", "--color", "#123456"]),
        home.run(&["token", "Billing sync", "--scope", "a\"b"]),
        home.run(&["use", "Local"]),
        home.run(&["introspect"]),
        home.run(&["introspect", "--json"]),
        home.run(&["token-info"]),
        home.run(&["token-info", "--json"]),
        home.run(&["claims"]),
        home.run(&["claims", "--json"]),
        home.run(&["verify"]),
        home.run(&["verify", "--json"]),
        home.run_with_stdin(
            &["secret", "rotate", "Billing sync", "--retire", "Secret 2"],
            "basic-secret",
        ),
        home.run(&["secret", "reactivate", "Billing sync", "Secret 2"]),
        home.run(&["secret", "retire", "Billing sync", "Secret 2"]),
        home.run(&["auto-renew", "off"]),
        home.run(&["revoke"]),
        home.run(&["introspect"]),
        home.run(&["forget"]),
        home.run(&["secret", "rm", "Billing sync", "Secret 1"]),
    ];
    assert_eq!(
        runs.iter().map(|run| run.code).collect::<Vec<_>>(),
        [
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 4, 4, 0, 0, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0
        ],
        "each ran as meant: the scope is invalid; the provider refuses the canary secret, \
         the newest until the rotation, so introspection (which authenticates with it) and \
         verify exit with 4"
    );

    // a sign-in: its access, refresh and ID tokens appear nowhere but on `token`'s stdout
    home.public_app("Local");
    let browser = common::StandinBrowser::register("sign-in");
    let login = home.run_with(&browser, &["login", "Native"]);
    assert_eq!(login.ok(), "");
    let (_, mut signed_in) = home.stored_token("Native");
    assert_eq!(signed_in.len(), 3, "access, refresh and ID token");
    let refreshed = home.run(&["token", "Native", "--min-valid", "3601", "-v"]);
    assert!(refreshed.stderr.starts_with("authdeck: refreshed token"));
    let (_, now_held) = home.stored_token("Native");
    assert_eq!(
        refreshed.stdout,
        format!("{}\n", now_held[0]),
        "the refreshed value, on stdout only"
    );
    signed_in.extend(now_held);
    let login_runs = vec![
        login,
        home.run(&["status"]),
        home.run(&["status", "--json"]),
        home.run(&["apps", "--json"]),
    ];
    for value in &signed_in {
        for run in &login_runs {
            assert!(
                !run.stdout.contains(value.as_str()) && !run.stderr.contains(value.as_str()),
                "a token value in the output: {run:#?}"
            );
        }
        assert!(!refreshed.stderr.contains(value.as_str()), "{refreshed:#?}");
        let log = std::fs::read_to_string(browser.log_path()).unwrap();
        assert!(
            !log.contains(value.as_str()),
            "a token value in the stand-in's log: {log}"
        );
    }

    server.configure(json!({ "fault": "html_500" }));
    let failed = home.run(&["token", "Billing sync", "--min-valid", "99999", "-v"]);
    assert_eq!(failed.code, 6, "{failed:#?}");
    for run in runs.iter().chain([&failed]) {
        for value in [token.as_str(), secret, "canary-secret-value"] {
            assert!(
                !run.stdout.contains(value) && !run.stderr.contains(value),
                "a secret value in the output: {run:#?}"
            );
        }
    }
    // nor in the data folder
    let mut values: Vec<&[u8]> = vec![token.as_bytes(), secret.as_bytes(), b"canary-secret-value"];
    values.extend(signed_in.iter().map(|v| v.as_bytes()));
    for entry in common::files_under(&home.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        for &value in &values {
            assert!(
                !bytes.windows(value.len()).any(|w| w == value),
                "{} holds a secret value",
                entry.display()
            );
        }
    }
}

#[test]
fn completions_need_no_store() {
    // a data folder that cannot exist: completions must not open it
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = std::process::Command::new(common::BIN)
            .args(["completions", shell])
            .env("AUTHDECK_HOME", "/proc/authdeck-cannot-exist")
            .output()
            .unwrap();
        assert!(run.status.success(), "{run:?}");
        let script = String::from_utf8(run.stdout).unwrap();
        assert!(script.contains("authdeck"), "{shell}");
        assert!(script.contains("min-valid"), "{shell}");
    }
}

#[test]
fn discover_prints_each_endpoint_with_the_document_it_came_from_and_changes_nothing() {
    let server = Server::start(&[]);
    // the OpenID Connect document without introspection, revocation and device endpoints, an
    // RFC 8414 document with them
    server.configure(serde_json::json!({"metadata_split": true}));
    let home = Home::new("discover");
    let issuer = server.issuer.as_str();
    let run = home.run(&["discover", issuer]);
    let words: Vec<String> = run
        .ok()
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let openid = format!("{issuer}/.well-known/openid-configuration");
    let oauth = format!("{issuer}/.well-known/oauth-authorization-server");
    assert_eq!(
        words[..11],
        [
            format!("issuer {issuer}"),
            String::new(),
            "endpoint URL from".to_owned(),
            format!("authorization {issuer}/auth openid-configuration"),
            format!("token {issuer}/token openid-configuration"),
            format!("introspection {issuer}/token/introspection oauth-authorization-server"),
            format!("revocation {issuer}/token/revocation oauth-authorization-server"),
            format!("device authorization {issuer}/device/auth oauth-authorization-server"),
            String::new(),
            format!("read {openid}"),
            format!("read {oauth}"),
        ]
    );
    assert!(
        words[11].starts_with("grant types: ") && words[11].contains("client_credentials"),
        "{run:#?}"
    );
    assert_eq!(
        words.last().map(String::as_str),
        Some("sign-in callbacks carry iss (RFC 9207): required")
    );
    let json = home.run(&["discover", issuer, "--json"]).json();
    assert_eq!(json["metadata_urls"], serde_json::json!([openid, oauth]));
    assert_eq!(json["sources"][2]["field"], "introspection_url");
    assert_eq!(json["sources"][2]["metadata_url"], oauth.as_str());
    assert_eq!(
        home.run(&["envs", "--json"]).json(),
        serde_json::json!([]),
        "nothing stored"
    );

    let ftp = home.run(&["discover", "ftp://id.example.com"]);
    assert_eq!(
        (ftp.code, ftp.stdout.as_str(), ftp.stderr.as_str()),
        (
            7,
            "",
            "authdeck: issuer_url: Use an https:// URL (not ftp:).\n"
        )
    );
}

#[test]
fn an_environment_takes_a_profile_whose_templates_fill_its_endpoints() {
    let home = Home::new("profile");
    let entra_token = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
    home.run(&[
        "env",
        "add",
        "Contoso",
        "--kind",
        "sandbox",
        "--profile",
        "entra",
        "--set",
        "tenant=contoso.onmicrosoft.com",
    ])
    .ok();
    let listed = home.run(&["envs", "--json"]).json();
    assert_eq!(listed[0]["profile"], "entra");
    assert_eq!(listed[0]["endpoints"]["token_url"], entra_token);
    assert_eq!(listed[0]["endpoints"]["introspection_url"], Value::Null);
    // editing anything else keeps the profile and its endpoints
    home.run(&["env", "edit", "Contoso", "--rotation-days", "30"])
        .ok();
    let edited = home.run(&["envs", "--json"]).json();
    assert_eq!(edited[0]["profile"], "entra");
    assert_eq!(edited[0]["endpoints"]["token_url"], entra_token);
    let setup = home.run(&["export", "-"]).json();
    assert_eq!(setup["environments"][0]["profile"], "entra");
    // another profile that needs a value it was not given keeps the endpoints
    home.run(&["env", "edit", "Contoso", "--profile", "auth0"])
        .ok();
    let switched = home.run(&["envs", "--json"]).json();
    assert_eq!(switched[0]["profile"], "auth0");
    assert_eq!(switched[0]["endpoints"]["token_url"], entra_token);
    // one whose templates need nothing fills them
    home.run(&["env", "edit", "Contoso", "--profile", "github"])
        .ok();
    let github = home.run(&["envs", "--json"]).json();
    assert_eq!(
        github[0]["endpoints"]["token_url"],
        "https://github.com/login/oauth/access_token"
    );
    assert_eq!(
        home.run(&[
            "env",
            "add",
            "Fabrikam",
            "--kind",
            "sandbox",
            "--profile",
            "entra"
        ])
        .failed(2),
        "Microsoft Entra ID needs --set tenant=VALUE: the tenant ID or domain, such as \
         contoso.onmicrosoft.com."
    );
    assert_eq!(
        home.run(&["env", "add", "F", "--kind", "sandbox", "--set", "tenant=x"])
            .failed(2),
        "--set gives values to a profile's templates: add --profile PROFILE."
    );
    let profiles = home.run(&["profiles", "--json"]).json();
    let keys: Vec<&str> = profiles
        .as_array()
        .unwrap()
        .iter()
        .map(|profile| profile["profile"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "standard",
            "entra",
            "auth0",
            "okta",
            "google",
            "keycloak",
            "github",
            "salesforce",
            "slack",
            "proof",
            "propper"
        ]
    );
}

/// A stand-in desktop program that writes its arguments to `args.txt` beside it and exits
/// with `code`, as a hand-over to a running Authdeck does with 0.
fn standin_desktop(dir: &std::path::Path, code: i32) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let program = dir.join("authdeck-desktop");
    let record = dir.join("args.txt");
    std::fs::write(
        &program,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nexit {code}\n",
            record.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    program
}

#[test]
fn open_starts_the_desktop_app_on_the_app_it_names() {
    let home = Home::new("open");
    home.run(&[
        "env",
        "add",
        "Work",
        "--kind",
        "sandbox",
        "--token-url",
        "https://work.example/token",
    ])
    .ok();
    home.run(&[
        "app",
        "add",
        "Billing",
        "--env",
        "Work",
        "--client-id",
        "billing-1",
        "--public",
    ])
    .ok();
    let id = home.run(&["apps", "--json"]).json()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let desktop = tempfile::tempdir().unwrap();
    let program = standin_desktop(desktop.path(), 0);

    let opened = Run::from(
        home.command(&["open", "billing-1"])
            .env("AUTHDECK_DESKTOP", &program)
            .output()
            .unwrap(),
    );
    assert_eq!(opened.ok(), "Authdeck shows “Billing” of “Work”.\n");
    let args = std::fs::read_to_string(desktop.path().join("args.txt")).unwrap();
    assert_eq!(args, format!("--open\n{id}\n"));

    // without an app it only brings the window forward
    let forward = Run::from(
        home.command(&["open"])
            .env("AUTHDECK_DESKTOP", &program)
            .output()
            .unwrap(),
    );
    assert_eq!(forward.ok(), "Authdeck is in front.\n");
    assert_eq!(
        std::fs::read_to_string(desktop.path().join("args.txt")).unwrap(),
        "\n"
    );
}

#[test]
fn open_fails_like_every_command_for_an_unknown_app_and_says_when_there_is_no_desktop_app() {
    let home = Home::new("open-fails");
    home.run(&[
        "env",
        "add",
        "Work",
        "--kind",
        "sandbox",
        "--token-url",
        "https://work.example/token",
    ])
    .ok();
    home.run(&[
        "app",
        "add",
        "Billing",
        "--env",
        "Work",
        "--client-id",
        "billing-1",
        "--public",
    ])
    .ok();
    let desktop = tempfile::tempdir().unwrap();
    let program = standin_desktop(desktop.path(), 0);

    let unknown = Run::from(
        home.command(&["open", "payroll"])
            .env("AUTHDECK_DESKTOP", &program)
            .output()
            .unwrap(),
    );
    assert_eq!(
        unknown.failed(3),
        "No app “payroll” in “Work”. Its apps: “Billing”."
    );
    assert!(
        !desktop.path().join("args.txt").exists(),
        "nothing was started"
    );

    // this CLI alone in a folder, nothing on PATH: no desktop app anywhere
    let alone = tempfile::tempdir().unwrap();
    let cli = alone.path().join("authdeck");
    std::fs::hard_link(common::BIN, &cli)
        .or_else(|_| std::fs::copy(common::BIN, &cli).map(|_| ()))
        .unwrap();
    let none = std::process::Command::new(&cli)
        .args(["open", "Billing"])
        .env("AUTHDECK_HOME", home.path())
        .env("AUTHDECK_KEYCHAIN_NAMESPACE", &home.namespace)
        .env("PATH", alone.path().join("empty"))
        .env_remove("AUTHDECK_DESKTOP")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let none = Run::from(none);
    assert_eq!(
        none.failed(3),
        "The Authdeck desktop app (authdeck-desktop) was not found beside this program or on \
         PATH; install it, or set AUTHDECK_DESKTOP to its path."
    );

    let broken = standin_desktop(desktop.path(), 1);
    let ended = Run::from(
        home.command(&["open", "Billing"])
            .env("AUTHDECK_DESKTOP", &broken)
            .output()
            .unwrap(),
    );
    assert_eq!(
        ended.failed(1),
        format!(
            "{} ended with exit status: 1; run it yourself to see why.",
            broken.display()
        )
    );
}
