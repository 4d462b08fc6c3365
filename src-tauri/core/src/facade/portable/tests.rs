//! The merge: what an import adds, changes and skips, what it refuses, and that a preview
//! writes nothing. Over an in-memory keychain; the CLI's tests run it against the real one.

use super::*;
use crate::facade::DpopBinding;
use crate::portable::{EndpointChange, FieldChange};
use crate::vault::MemoryVault;
use crate::{Clock, ErrorCode, Fetch};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A clock that stands still until the test moves it.
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_unix(self.0.load(Ordering::SeqCst)).unwrap()
    }
}

const START: i64 = 1_790_000_000;

fn core() -> (tempfile::TempDir, Core) {
    let (dir, core, _) = core_and_clock();
    (dir, core)
}

fn core_and_clock() -> (tempfile::TempDir, Core, Arc<TestClock>) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(TestClock(AtomicI64::new(START)));
    let core = Core::open(dir.path(), Arc::new(MemoryVault::default()), clock.clone()).unwrap();
    (dir, core, clock)
}

fn sandbox_input() -> EnvironmentInput {
    EnvironmentInput {
        name: "Sandbox".into(),
        kind: EnvironmentKind::Sandbox,
        color: "#2f80ed".into(),
        endpoints: Endpoints {
            token_url: Some("https://sandbox.example.com/token".into()),
            ..Endpoints::default()
        },
        profile: ProviderProfile::Standard,
        rotation_days: 90,
    }
}

fn app_input(environment: &EnvironmentId, name: &str, client_id: &str) -> ClientAppInput {
    ClientAppInput {
        redirect_uris: vec![DEFAULT_REDIRECT_URI.into()],
        default_scopes: vec!["read".into()],
        ..ClientAppInput::confidential(environment.clone(), name, client_id)
    }
}

/// A store with "Sandbox" holding "Billing" (with a secret) and "Web" (public).
fn populated() -> (tempfile::TempDir, Core) {
    let (dir, core, _) = populated_with_clock();
    (dir, core)
}

fn populated_with_clock() -> (tempfile::TempDir, Core, Arc<TestClock>) {
    let (dir, core, clock) = core_and_clock();
    let sandbox = core.create_environment(sandbox_input()).unwrap();
    let billing = core
        .create_app(app_input(&sandbox.id, "Billing", "billing"))
        .unwrap();
    core.add_secret(SecretInput {
        app_id: billing.id,
        label: String::new(),
        value: Secret::new("canary-secret-value"),
        provider_created_at: None,
    })
    .unwrap();
    core.create_app(ClientAppInput {
        client_type: ClientType::Public,
        auth_method: AuthMethod::None,
        ..app_input(&sandbox.id, "Web", "web")
    })
    .unwrap();
    (dir, core, clock)
}

fn exported(core: &Core) -> String {
    portable::render(&core.export().unwrap()).unwrap()
}

fn outcomes(report: &ImportReport) -> Vec<(String, ImportOutcome)> {
    report
        .environments
        .iter()
        .flat_map(|e| {
            std::iter::once((e.name.clone(), e.outcome)).chain(
                e.apps
                    .iter()
                    .map(move |a| (format!("{}/{}", e.name, a.client_id), a.outcome)),
            )
        })
        .collect()
}

#[test]
fn importing_into_an_empty_store_adds_everything_and_exports_the_same() {
    let (_a, source) = populated();
    let text = exported(&source);
    let (_b, target) = core();

    let report = target.apply_import(&text, &[]).unwrap();
    assert!(report.applied);
    assert_eq!(
        outcomes(&report),
        vec![
            ("Sandbox".into(), ImportOutcome::Added),
            ("Sandbox/billing".into(), ImportOutcome::Added),
            ("Sandbox/web".into(), ImportOutcome::Added),
        ]
    );
    assert_eq!((report.added, report.changed, report.skipped), (3, 0, 0));
    assert_eq!(exported(&target), text);
    // the first imported environment is the active one, as when it is created by hand
    let sandbox = &target.environments().unwrap()[0];
    assert_eq!(
        target.settings().unwrap().active_environment_id,
        Some(sandbox.id.clone())
    );
}

#[test]
fn the_export_holds_no_secret_and_imported_confidential_apps_need_one() {
    let (_a, source) = populated();
    let text = exported(&source);
    assert!(!text.contains("canary-secret-value"));
    assert!(!text.contains("alue"), "not even the last four characters");

    let (_b, target) = core();
    let report = target.apply_import(&text, &[]).unwrap();
    let needs: Vec<(&str, bool)> = report.environments[0]
        .apps
        .iter()
        .map(|a| (a.client_id.as_str(), a.needs_secret))
        .collect();
    assert_eq!(needs, vec![("billing", true), ("web", false)]);
    let apps = target.apps(&target.environments().unwrap()[0].id).unwrap();
    assert_eq!(apps[0].active_secrets, 0);
    assert_eq!(target.consistency().unwrap(), (vec![], vec![]));
}

#[test]
fn an_imported_private_key_jwt_app_is_not_said_to_need_a_secret() {
    let (_a, source) = populated();
    let text = exported(&source).replace(
        "\"auth_method\": \"client_secret_basic\"",
        "\"auth_method\": \"private_key_jwt\"",
    );
    assert!(text.contains("private_key_jwt"), "{text}");
    let (_b, target) = core();
    let report = target.apply_import(&text, &[]).unwrap();
    let needs: Vec<(&str, bool)> = report.environments[0]
        .apps
        .iter()
        .map(|a| (a.client_id.as_str(), a.needs_secret))
        .collect();
    assert_eq!(needs, vec![("billing", false), ("web", false)]);
}

#[test]
fn the_dpop_mark_travels_in_the_export_and_an_older_file_still_reads() {
    let (_a, source) = populated();
    let billing = &source.apps(&source.environments().unwrap()[0].id).unwrap()[0];
    let key = source.set_dpop(&billing.id, true).unwrap().jkt.unwrap();
    let text = exported(&source);
    assert_eq!(text.matches("\"dpop\": true").count(), 1, "{text}");
    assert!(!text.contains("\"dpop\": false"), "left out when not bound");
    assert!(!text.contains(&key), "the key is the computer's own");

    let (_b, target) = core();
    target.apply_import(&text, &[]).unwrap();
    let apps = target.apps(&target.environments().unwrap()[0].id).unwrap();
    let binding = |core: &Core, app: &AppId| core.dpop_binding(app).unwrap();
    assert_eq!(
        binding(&target, &apps[0].id),
        DpopBinding {
            bound: true,
            jkt: None,
            alg: None
        },
        "its key is made at first use"
    );
    assert!(!binding(&target, &apps[1].id).bound);

    // a file of a build before DPoP, read into the store that has it: a change, listed
    let older = text.replace(",\n          \"dpop\": true", "");
    assert!(!older.contains("dpop"), "{older}");
    let report = source.apply_import(&older, &[]).unwrap();
    let change = &report.environments[0].apps[0].changes;
    assert_eq!(
        change,
        &vec![FieldChange {
            field: "dpop".into(),
            before: "true".into(),
            after: "false".into()
        }]
    );
    assert!(!binding(&source, &billing.id).bound);
}

#[test]
fn the_par_mark_travels_in_the_export_and_an_older_file_still_reads() {
    let (_a, source) = populated();
    let billing = &source.apps(&source.environments().unwrap()[0].id).unwrap()[0];
    assert!(source.set_pushes_requests(&billing.id, true).unwrap());
    let text = exported(&source);
    assert_eq!(text.matches("\"par\": true").count(), 1, "{text}");
    assert!(
        !text.contains("\"par\": false"),
        "left out when not pushing"
    );

    let (_b, target) = core();
    target.apply_import(&text, &[]).unwrap();
    let apps = target.apps(&target.environments().unwrap()[0].id).unwrap();
    assert!(target.pushes_requests(&apps[0].id).unwrap());
    assert!(!target.pushes_requests(&apps[1].id).unwrap());

    // a file of a build before PAR, read into the store that has it: a change, listed
    let older = text.replace(",\n          \"par\": true", "");
    assert!(!older.contains("\"par\""), "{older}");
    let report = source.apply_import(&older, &[]).unwrap();
    assert_eq!(
        report.environments[0].apps[0].changes,
        vec![FieldChange {
            field: "par".into(),
            before: "true".into(),
            after: "false".into()
        }]
    );
    assert!(!source.pushes_requests(&billing.id).unwrap());
}

#[test]
fn importing_the_same_file_again_skips_everything() {
    let (_a, core) = populated();
    let text = exported(&core);
    let report = core.apply_import(&text, &[]).unwrap();
    assert_eq!((report.added, report.changed, report.skipped), (0, 0, 3));
    assert!(report.problems.is_empty());
    // the app that holds its secret here is not said to need one
    assert!(!report.environments[0].apps[0].needs_secret);
}

#[test]
fn changed_fields_are_listed_with_both_values_and_the_rest_is_kept() {
    let (_a, core) = populated();
    let mut file = core.export().unwrap();
    let sandbox = &mut file.environments[0];
    sandbox.name = "SANDBOX".into(); // matched ignoring case, the stored name is kept
    sandbox.color = "#00AA00".into(); // stored as the form stores it: lower case
    sandbox.apps[0]
        .redirect_uris
        .push("https://app.example.com/cb".into());
    sandbox.apps.remove(1); // "Web" is not in the file: left alone
    let text = portable::render(&file).unwrap();

    let preview = core.preview_import(&text).unwrap();
    assert!(!preview.applied);
    assert_eq!(
        outcomes(&preview),
        vec![
            ("SANDBOX".into(), ImportOutcome::Changed),
            ("SANDBOX/billing".into(), ImportOutcome::Changed),
        ]
    );
    assert_eq!(
        preview.environments[0].changes,
        vec![FieldChange {
            field: "color".into(),
            before: "#2f80ed".into(),
            after: "#00aa00".into(),
        }]
    );
    assert_eq!(
        preview.environments[0].apps[0].changes,
        vec![FieldChange {
            field: "redirect_uris".into(),
            before: "http://127.0.0.1/callback".into(),
            after: "http://127.0.0.1/callback, https://app.example.com/cb".into(),
        }]
    );

    let applied = core.apply_import(&text, &[]).unwrap();
    assert_eq!(applied.environments, preview.environments);
    let environment = &core.environments().unwrap()[0];
    assert_eq!(
        (environment.name.as_str(), environment.color.as_str()),
        ("Sandbox", "#00aa00")
    );
    let apps = core.apps(&environment.id).unwrap();
    assert_eq!(apps.len(), 2, "Web is still there");
    let billing = core.app(&apps[0].id).unwrap();
    assert_eq!(billing.redirect_uris.len(), 2);
    assert_eq!(apps[0].active_secrets, 1, "its secret is untouched");
}

#[test]
fn a_preview_writes_nothing() {
    let (_a, source) = populated();
    let text = exported(&source);
    let (_b, target) = core();
    let preview = target.preview_import(&text).unwrap();
    assert_eq!((preview.added, preview.applied), (3, false));
    assert_eq!(target.environments().unwrap(), vec![]);
    assert_eq!(target.settings().unwrap().active_environment_id, None);
}

#[test]
fn an_invalid_item_is_a_problem_and_nothing_is_imported() {
    let (_a, source) = populated();
    let mut file = source.export().unwrap();
    file.environments[0].apps[0].redirect_uris = vec!["http://app.example.com/cb".into()];
    file.environments[0].endpoints.token_url = Some("ftp://x.example.com/".into());
    let text = portable::render(&file).unwrap();
    // into the store it came from: the environment exists, so its apps are checked too
    let preview = source.preview_import(&text).unwrap();
    assert_eq!(
        preview.problems,
        vec![
            ImportProblem {
                place: "environment “Sandbox”".into(),
                field: "endpoints.token_url".into(),
                message: "Use an https:// URL (not ftp:).".into(),
            },
            ImportProblem {
                place: "app “Billing” (billing) in “Sandbox”".into(),
                field: "redirect_uris.0".into(),
                message: "Plain http redirect URIs are allowed only on loopback \
                          (http://127.0.0.1/…, http://[::1]/…, http://localhost/…); use https."
                    .into(),
            },
        ]
    );
    // a new environment with a problem cannot hold its apps yet: only the first is reported
    let (_c, empty) = core();
    let error = empty.apply_import(&text, &[]).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Validation);
    assert_eq!(
        error.to_string(),
        "Nothing was imported: environment “Sandbox”: endpoints.token_url: Use an https:// URL \
         (not ftp:)."
    );
    assert_eq!(empty.environments().unwrap(), vec![]);
}

#[test]
fn duplicates_within_the_file_and_clashes_with_the_store_are_problems() {
    let (_a, core) = populated();
    let mut file = core.export().unwrap();
    let twin = file.environments[0].clone();
    let billing = file.environments[0].apps[0].clone();
    file.environments[0].apps.push(billing);
    // a new app whose name another app here already has
    let mut clash = file.environments[0].apps[1].clone();
    clash.client_id = "web-2".into();
    file.environments[0].apps.push(clash);
    file.environments.push(twin);
    let report = core
        .preview_import(&portable::render(&file).unwrap())
        .unwrap();
    let problems: Vec<(&str, &str, &str)> = report
        .problems
        .iter()
        .map(|p| (p.place.as_str(), p.field.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                "app “Billing” (billing) in “Sandbox”",
                "client_id",
                "This client ID is listed twice in this environment in the file."
            ),
            (
                "app “Web” (web-2) in “Sandbox”",
                "display_name",
                "“Sandbox” already has an app named “Web”."
            ),
            (
                "environment “Sandbox”",
                "name",
                "This environment is listed twice in the file."
            ),
        ]
    );
    let error = core
        .apply_import(&portable::render(&file).unwrap(), &[])
        .unwrap_err();
    assert!(
        error.to_string().ends_with("(and 2 more problems)"),
        "{error}"
    );
}

#[test]
fn making_an_app_public_while_it_holds_a_secret_is_refused() {
    let (_a, core) = populated();
    let mut file = core.export().unwrap();
    let billing = &mut file.environments[0].apps[0];
    billing.client_type = ClientType::Public;
    billing.auth_method = AuthMethod::None;
    let report = core
        .preview_import(&portable::render(&file).unwrap())
        .unwrap();
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].field, "client_type");
    assert_eq!(
        report.problems[0].message,
        "This app still holds 1 secret; delete them before making it a public client."
    );
}

#[test]
fn export_refuses_to_replace_a_file_unless_asked() {
    let (dir, core) = populated();
    let path = dir.path().join("setup.json");
    std::fs::write(&path, "keep me").unwrap();
    let error = core.export_to(&path, false).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");

    let summary = core.export_to(&path, true).unwrap();
    assert_eq!((summary.environments, summary.apps), (1, 2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), exported(&core));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("partial"))
        .collect();
    assert_eq!(leftovers, Vec::<String>::new());
}

mod endpoints_and_production;
