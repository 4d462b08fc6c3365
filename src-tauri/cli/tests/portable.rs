//! `authdeck export` and `authdeck import`, run as processes against the real keychain (the
//! private Secret Service of `.ci/with-keychain`): each test has its own data folders and
//! keychain namespaces. No provider is needed: nothing here talks to one.

mod common;

use common::{Home, Run, Server};
use serde_json::Value;
use std::path::Path;

/// A value that must never appear in an export: stored as a client secret first.
const CANARY: &str = "canary-0b5e7c1d-secret-value";

/// "Sandbox" (two apps, one with the canary secret) and "Prod" (production, one app).
fn team_setup(test: &str) -> Home {
    let home = Home::new(test);
    home.run(&[
        "env",
        "add",
        "Sandbox",
        "--kind",
        "sandbox",
        "--issuer",
        "https://sandbox.example.com",
        "--token-url",
        "https://sandbox.example.com/oauth/token",
        "--api-base",
        "https://api.sandbox.example.com",
    ])
    .ok();
    home.run(&[
        "env",
        "add",
        "Prod",
        "--kind",
        "production",
        "--token-url",
        "https://id.example.com/oauth/token",
        "--rotation-days",
        "30",
    ])
    .ok();
    home.run(&[
        "app",
        "add",
        "Billing sync",
        "--env",
        "Sandbox",
        "--client-id",
        "billing-sandbox",
        "--auth-method",
        "client_secret_post",
        "--scope",
        "read write",
        "--link",
        "Billing sync",
        "--label",
        "finance",
        "--audience",
        "https://api.example.com",
    ])
    .ok();
    home.run_with_stdin(
        &["secret", "add", "Billing sync", "--env", "Sandbox"],
        &format!("{CANARY}\n"),
    )
    .ok();
    home.run(&[
        "app",
        "add",
        "Web",
        "--env",
        "Sandbox",
        "--client-id",
        "web-spa",
        "--public",
        "--redirect-uri",
        "https://app.sandbox.example.com/cb",
    ])
    .ok();
    home.run(&[
        "app",
        "add",
        "Billing sync",
        "--env",
        "Prod",
        "--client-id",
        "billing-prod",
        "--link",
        "Billing sync",
    ])
    .ok();
    home
}

/// The export as JSON, without the time it was made.
fn exported(home: &Home) -> Value {
    let mut value = home.run(&["export", "-"]).json();
    value
        .as_object_mut()
        .unwrap()
        .remove("exported_at")
        .expect("an exported_at field");
    value
}

fn write(home: &Home, name: &str, text: &str) -> String {
    let path = home.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Every name and field the list commands show, without IDs (they differ between stores).
fn listing(home: &Home) -> Vec<Value> {
    let mut seen = Vec::new();
    for environment in home.run(&["envs", "--json"]).json().as_array().unwrap() {
        let name = environment["name"].as_str().unwrap();
        let mut apps = home.run(&["apps", "--env", name, "--json"]).json();
        for app in apps.as_array_mut().unwrap() {
            let app = app.as_object_mut().unwrap();
            app.remove("id");
            app.remove("environment_id");
        }
        seen.push(serde_json::json!({
            "name": name,
            "kind": environment["kind"],
            "endpoints": environment["endpoints"],
            "color": environment["color"],
            "rotation_days": environment["rotation_days"],
            "apps": apps,
        }));
    }
    seen
}

#[track_caller]
fn refused(run: &Run) -> String {
    assert_eq!(run.code, 7, "{run:#?}");
    assert_eq!(run.stdout, "", "{run:#?}");
    run.stderr.clone()
}

#[test]
fn export_then_import_into_an_empty_data_folder_reproduces_the_setup() {
    let source = team_setup("roundtrip-source");
    let file = source.path().join("team.json");
    let file = file.to_str().unwrap();
    assert_eq!(
        source.run(&["export", file]).ok(),
        format!("Exported 2 environments and 3 apps to {file} (no secrets, no tokens).\n")
    );

    let target = Home::new("roundtrip-target");
    let run = target.run(&["import", file]);
    assert_eq!(
        run.ok(),
        "Imported:\n\
         environment “Prod” (production): added\n\
         \x20 app “Billing sync” (billing-prod): added — no secret here yet: add it with `authdeck secret add`\n\
         environment “Sandbox” (sandbox): added\n\
         \x20 app “Billing sync” (billing-sandbox): added — no secret here yet: add it with `authdeck secret add`\n\
         \x20 app “Web” (web-spa): added\n\
         5 added, 0 changed, 0 skipped.\n"
    );
    assert_eq!(exported(&target), exported(&source));

    // the same environments and apps, field by field, except that no secret came along
    let mut expected = listing(&source);
    for environment in &mut expected {
        for app in environment["apps"].as_array_mut().unwrap() {
            app["active_secrets"] = 0.into();
        }
    }
    assert_eq!(listing(&target), expected);
    assert_eq!(
        target
            .run(&["secret", "list", "Billing sync", "--env", "Sandbox"])
            .ok(),
        "“Billing sync” holds no secret.\n"
    );
}

#[test]
fn no_secret_value_reaches_the_export() {
    let home = team_setup("canary");
    // the canary really is stored and in use
    let secrets = home
        .run(&[
            "secret",
            "list",
            "Billing sync",
            "--env",
            "Sandbox",
            "--json",
        ])
        .json();
    assert_eq!(secrets[0]["fingerprint"], "alue");

    let file = home.path().join("team.json");
    home.run(&["export", file.to_str().unwrap()]).ok();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(CANARY), "{text}");
    assert!(!text.contains("canary"), "not even part of it: {text}");
    assert!(!text.contains("\"fingerprint\""), "{text}");
    let stdout = home.run(&["export", "-"]);
    assert!(!stdout.ok().contains("canary"));
}

#[test]
fn dry_run_shows_the_changes_and_writes_nothing() {
    let source = team_setup("dry-run-source");
    let target = team_setup("dry-run-target");
    // the target differs: another colour, a missing scope, an app the file does not know
    target
        .run(&["env", "edit", "Sandbox", "--color", "#00aa00"])
        .ok();
    target
        .run(&[
            "app",
            "edit",
            "Billing sync",
            "--env",
            "Sandbox",
            "--scope",
            "read",
        ])
        .ok();
    target
        .run(&[
            "app",
            "add",
            "Local only",
            "--env",
            "Sandbox",
            "--client-id",
            "mine",
        ])
        .ok();
    let before = exported(&target);
    let file = write(&source, "team.json", &source.run(&["export", "-"]).stdout);

    let run = target.run(&["import", &file, "--dry-run"]);
    assert_eq!(
        run.ok(),
        "Preview — nothing was written (run without --dry-run to import):\n\
         environment “Prod” (production): skipped (already the same)\n\
         \x20 app “Billing sync” (billing-prod): skipped (already the same) — no secret here \
         yet: add it with `authdeck secret add`\n\
         environment “Sandbox” (sandbox): changed\n\
         \x20   color: #00aa00 → #2f80ed\n\
         \x20 app “Billing sync” (billing-sandbox): changed\n\
         \x20     default_scopes: read → read, write\n\
         \x20 app “Web” (web-spa): skipped (already the same)\n\
         0 added, 2 changed, 3 skipped.\n"
    );
    assert_eq!(exported(&target), before, "nothing changed");

    let json = target.run(&["import", &file, "--dry-run", "--json"]).json();
    assert_eq!(json["applied"], false);
    assert_eq!(json["environments"][1]["changes"][0]["field"], "color");
    assert_eq!(exported(&target), before, "nothing changed");

    // applying does what the preview said; "Local only" stays
    target.run(&["import", &file]).ok();
    let after = exported(&target);
    let sandbox = &after["environments"][1];
    assert_eq!(sandbox["color"], "#2f80ed");
    let apps: Vec<&str> = sandbox["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(apps, ["billing-sandbox", "mine", "web-spa"]);
}

#[test]
fn a_second_import_of_the_same_file_skips_everything() {
    let source = team_setup("twice-source");
    let file = write(&source, "team.json", &source.run(&["export", "-"]).stdout);
    let target = Home::new("twice-target");
    target.run(&["import", &file]).ok();

    let again = target.run(&["import", &file, "--json"]).json();
    assert_eq!(again["applied"], true);
    assert_eq!(
        (&again["added"], &again["changed"], &again["skipped"]),
        (&0.into(), &0.into(), &5.into())
    );
    let outcomes: Vec<&str> = again["environments"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| {
            std::iter::once(e["outcome"].as_str().unwrap()).chain(
                e["apps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["outcome"].as_str().unwrap()),
            )
        })
        .collect();
    assert_eq!(outcomes, ["skipped"; 5]);
}

#[test]
fn malformed_future_and_unknown_field_files_are_refused_and_change_nothing() {
    let home = team_setup("refusals");
    let before = exported(&home);

    let malformed = write(
        &home,
        "malformed.json",
        "{\n  \"authdeck_export\": 1,\n  \"environments\": [\n    {\"name\": \"X\",}\n  ]\n}\n",
    );
    assert_eq!(
        refused(&home.run(&["import", &malformed])),
        format!("authdeck: The file is not valid JSON: line 4, column 18: trailing comma.\n")
    );

    let future = write(
        &home,
        "future.json",
        r#"{"authdeck_export": 3, "environments": [], "vaults": {}}"#,
    );
    assert_eq!(
        refused(&home.run(&["import", &future, "--dry-run"])),
        "authdeck: The file is an Authdeck export of version 3; this build of Authdeck \
         reads version 1. Update Authdeck to import it.\n"
    );

    let unknown = write(
        &home,
        "unknown.json",
        r##"{"authdeck_export": 1, "environments": [
  {"name": "Sandbox", "kind": "sandbox", "colour": "#2f80ed"}]}"##,
    );
    assert_eq!(
        refused(&home.run(&["import", &unknown])),
        "authdeck: Line 2, column 49: environments[0].colour: unknown field `colour`, \
         expected one of `name`, `kind`, `color`, `endpoints`, `profile`, `rotation_days`, `apps`.\n"
    );

    let missing = home.path().join("nowhere.json");
    let run = home.run(&["import", missing.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{run:#?}");
    assert_eq!(
        run.stderr,
        format!("authdeck: There is no file {}.\n", missing.display())
    );
    assert_eq!(exported(&home), before);
}

#[test]
fn an_import_with_invalid_items_lists_every_problem_and_imports_nothing() {
    let source = team_setup("problems-source");
    let mut file = exported(&source);
    file["environments"][1]["apps"][0]["redirect_uris"] =
        serde_json::json!(["http://x.example.com/cb"]);
    file["environments"][1]["apps"][1]["client_id"] = "has space".into();
    let path = write(&source, "bad.json", &file.to_string());
    let target = Home::new("problems-target");
    assert_eq!(
        refused(&target.run(&["import", &path])),
        format!(
            "authdeck: Nothing was imported: 2 problems in {path}:\n\
             authdeck: app “Billing sync” (billing-sandbox) in “Sandbox”: redirect_uris.0: Plain \
             http redirect URIs are allowed only on loopback (http://127.0.0.1/…, http://[::1]/…, \
             http://localhost/…); use https.\n\
             authdeck: app “Web” (has space) in “Sandbox”: client_id: A client ID has no spaces \
             or control characters.\n"
        )
    );
    assert_eq!(
        target.run(&["envs", "--json"]).json(),
        serde_json::json!([])
    );
}

#[test]
fn export_refuses_to_replace_a_file_without_force() {
    let home = team_setup("force");
    let path = write(&home, "team.json", "keep me");
    let run = home.run(&["export", &path]);
    assert_eq!(
        run.failed(7),
        format!("{path} already exists; it was left as it is. Add --force to replace it.")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    home.run(&["export", &path, "--force"]).ok();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["authdeck_export"], 1);
    assert!(Path::new(&path).exists());
}

#[test]
fn import_reads_stdin_for_a_dash() {
    let source = team_setup("stdin-source");
    let text = source.run(&["export", "-"]).stdout;
    let target = Home::new("stdin-target");
    let run = target.run_with_stdin(&["import", "-", "--json"], &text);
    assert_eq!(run.json()["added"], 5);
}

#[test]
fn changing_production_needs_its_name_as_editing_a_production_app_does() {
    let home = team_setup("production-guard");
    let mut file = exported(&home);
    // Prod's app gets another scope; Sandbox gets a new app (adding needs no confirmation)
    file["environments"][0]["apps"][0]["default_scopes"] = serde_json::json!(["read"]);
    file["environments"][1]["apps"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "display_name": "New", "client_id": "new", "client_type": "public", "auth_method": "none"
        }));
    let path = write(&home, "team.json", &file.to_string());
    let before = exported(&home);

    // a preview needs nothing
    home.run(&["import", &path, "--dry-run"]).ok();
    refused_without_prod_named(&home, &path, &before);

    home.run(&["import", &path, "--env", "prod"]).ok();
    let after = exported(&home);
    assert_eq!(
        after["environments"][0]["apps"][0]["default_scopes"],
        serde_json::json!(["read"])
    );
    assert_eq!(
        after["environments"][1]["apps"].as_array().unwrap().len(),
        3
    );
}

/// Without `--env Prod` (and no terminal to confirm on) the import of `path` is refused and
/// changes nothing of `before`.
fn refused_without_prod_named(home: &Home, path: &str, before: &Value) {
    let refused = home.run(&["import", path]);
    assert_eq!(
        refused.failed(2),
        "What this import changes is in the production environment “Prod”: name it with --env \
         \"Prod\" to go on (there is no terminal to confirm on)."
    );
    assert_eq!(&exported(home), before, "nothing changed");
}

/// Runs the CLI and fails the test if it has not ended within ten seconds (it is killed then),
/// so an import that blocks or reads forever cannot hang the suite.
fn run_within_seconds(mut command: std::process::Command) -> Run {
    let mut child = command.spawn().expect("run authdeck");
    let started = std::time::Instant::now();
    while child.try_wait().expect("poll authdeck").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(10) {
            child.kill().ok();
            child.wait().ok();
            panic!("authdeck had not ended after 10 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Run::from(child.wait_with_output().expect("collect authdeck's output"))
}

#[test]
fn a_file_calling_production_a_sandbox_cannot_repoint_it_without_its_name() {
    let home = team_setup("relabelled-production");
    let mut file = exported(&home);
    // Prod, as the file tells it: a sandbox whose token endpoint is elsewhere
    file["environments"][0]["kind"] = "sandbox".into();
    file["environments"][0]["endpoints"]["token_url"] =
        "https://collector.example.net/token".into();
    let path = write(&home, "team.json", &file.to_string());
    let before = exported(&home);

    assert_eq!(
        home.run(&["import", &path, "--dry-run"]).ok(),
        "Preview — nothing was written (run without --dry-run to import):\n\
         Endpoints that change (secrets, tokens and sign-ins go to the new URLs):\n\
         \x20 “Prod” endpoints.token_url: https://id.example.com/oauth/token → \
         https://collector.example.net/token\n\
         \x20 Automatic renewal of these environments' apps pauses until a token is got by hand.\n\
         environment “Prod” (production): changed\n\
         \x20   kind: production → sandbox\n\
         \x20 app “Billing sync” (billing-prod): skipped (already the same) — no secret here \
         yet: add it with `authdeck secret add`\n\
         environment “Sandbox” (sandbox): skipped (already the same)\n\
         \x20 app “Billing sync” (billing-sandbox): skipped (already the same)\n\
         \x20 app “Web” (web-spa): skipped (already the same)\n\
         0 added, 1 changed, 4 skipped.\n"
    );
    refused_without_prod_named(&home, &path, &before);

    home.run(&["import", &path, "--env", "Prod"]).ok();
    let after = exported(&home);
    assert_eq!(
        after["environments"][0]["endpoints"]["token_url"],
        "https://collector.example.net/token"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn importing_a_device_or_a_fifo_is_refused_at_once() {
    let home = Home::new("not-a-file");
    let run = run_within_seconds(home.command(&["import", "/dev/zero"]));
    assert_eq!(
        run.failed(1),
        "/dev/zero is not a regular file (a device, a pipe or a socket); an Authdeck export is a \
         file."
    );

    let fifo = home.path().join("setup.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success());
    let run = run_within_seconds(home.command(&["import", fifo.to_str().unwrap()]));
    assert_eq!(
        run.failed(1),
        format!(
            "{} is not a regular file (a device, a pipe or a socket); an Authdeck export is a \
             file.",
            fifo.display()
        )
    );
}

#[test]
fn a_file_or_stdin_past_the_limit_is_refused() {
    let home = Home::new("too-large");
    let limit = authdeck_core::portable::MAX_IMPORT_BYTES;
    let path = home.path().join("large.json");
    std::fs::File::create(&path)
        .unwrap()
        .set_len(limit + 1)
        .unwrap();
    let run = run_within_seconds(home.command(&["import", path.to_str().unwrap()]));
    assert_eq!(
        run.failed(7),
        format!(
            "{} is {} bytes; an Authdeck export is at most {limit}.",
            path.display(),
            limit + 1
        )
    );

    // an endless stdin is read only up to the limit
    let mut command = home.command(&["import", "-"]);
    command.stdin(std::fs::File::open("/dev/zero").unwrap());
    let run = run_within_seconds(command);
    assert_eq!(
        run.failed(7),
        format!("stdin holds more than {limit} bytes; an Authdeck export is at most {limit}.")
    );
}

#[test]
fn after_an_import_moves_the_token_endpoint_a_script_gets_no_new_token() {
    let server = Server::start(&[]);
    let elsewhere = Server::start(&[]);
    let home = Home::new("import-pause");
    home.local_environment(&server);
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    home.run(&["token", "Billing sync"]).ok();
    let mut file = exported(&home);
    file["environments"][0]["endpoints"]["token_url"] =
        format!("{}/token", elsewhere.issuer).into();
    let path = write(&home, "team.json", &file.to_string());
    home.run(&["import", &path]).ok();

    // the stored token still serves: handed on, nothing sent
    home.run(&["token", "Billing sync"]).ok();
    // a new one would be needed: refused, nothing sent anywhere
    let refused = home.run(&["token", "Billing sync", "--min-valid", "999999"]);
    assert_eq!(
        refused.failed(8),
        format!(
            "Automatic renewal of “Billing sync” is paused: an import changed the endpoints of \
             “Local” (token endpoint: {}/token). Get a token by hand once to resume. Run \
             `authdeck token` for “Billing sync” on a terminal to confirm, or use Get new token \
             in the desktop app.",
            elsewhere.issuer
        )
    );
    assert_eq!(elsewhere.token_requests(), Vec::<Value>::new());
    assert_eq!(server.token_requests().len(), 1);
}
