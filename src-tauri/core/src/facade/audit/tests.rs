//! The audit log: one entry per action with the names at the time and the actor, never a value,
//! and no way to change or remove an entry. Over an in-memory keychain; the CLI's tests check
//! the same against the real keychain and a real token.

use super::*;
use crate::audit::Actor;
use crate::model::*;
use crate::vault::MemoryVault;
use crate::{Clock, Error};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

const SECRET: &str = "canary-secret-3f9a71";
const TOKEN: &str = "canary-token-8c2e44";

struct StepClock(AtomicI64);

impl Clock for StepClock {
    fn now(&self) -> Timestamp {
        // every call a second later, so entries have distinct, ordered times
        Timestamp::from_unix(self.0.fetch_add(1, Ordering::SeqCst)).unwrap()
    }
}

fn open(actor: Actor) -> (tempfile::TempDir, Core) {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open_as(
        actor,
        dir.path(),
        Arc::new(MemoryVault::default()),
        Arc::new(StepClock(AtomicI64::new(1_790_000_000))),
    )
    .unwrap();
    (dir, core)
}

fn environment(core: &Core, name: &str) -> Environment {
    core.create_environment(EnvironmentInput {
        name: name.into(),
        kind: EnvironmentKind::Sandbox,
        color: "#2f80ed".into(),
        endpoints: Endpoints::default(),
        profile: ProviderProfile::Standard,
        rotation_days: 90,
    })
    .unwrap()
}

fn app(core: &Core, environment: &Environment, name: &str) -> ClientApp {
    core.create_app(ClientAppInput {
        default_scopes: vec!["read".into(), "write".into()],
        ..ClientAppInput::confidential(environment.id.clone(), name, name.to_lowercase())
    })
    .unwrap()
}

fn secret(core: &Core, app: &ClientApp, label: &str, value: &str) -> SecretMeta {
    core.add_secret(SecretInput {
        app_id: app.id.clone(),
        label: label.into(),
        value: Secret::new(value),
        provider_created_at: None,
    })
    .unwrap()
    .secret
}

fn minted(value: &str, scopes: &[String], secret: Option<SecretId>) -> super::super::tokens::Keep {
    let mut keep = super::super::tests::minted(value);
    keep.scopes = scopes.to_vec();
    keep.secret_id = secret;
    keep
}

/// (action, environment name, app name, detail), oldest first.
fn lines(core: &Core) -> Vec<(AuditAction, String, String, String)> {
    let mut entries = core.audit_log(&AuditQuery::default()).unwrap();
    entries.reverse();
    entries
        .into_iter()
        .map(|e| {
            (
                e.action,
                e.environment_name.unwrap_or_default(),
                e.app_name.unwrap_or_default(),
                e.detail,
            )
        })
        .collect()
}

fn line(
    action: AuditAction,
    environment: &str,
    app: &str,
    detail: &str,
) -> (AuditAction, String, String, String) {
    (action, environment.into(), app.into(), detail.into())
}

#[test]
fn each_action_is_recorded_with_the_names_it_had_and_the_actor() {
    use AuditAction::*;
    let (_dir, core) = open(Actor::Cli);
    let sandbox = environment(&core, "Sandbox");
    let staging = environment(&core, "Staging");
    let billing = app(&core, &sandbox, "Billing");
    let first = secret(&core, &billing, "first", SECRET);
    core.secret_for(&first.id, SecretUse::Copy).unwrap();
    core.secret_for(&first.id, SecretUse::Reveal).unwrap();
    let second = secret(&core, &billing, "second", "another-value");
    core.retire_secret(&first.id).unwrap();
    core.reactivate_secret(&first.id).unwrap();
    core.delete_secret(&second.id).unwrap();
    core.store_token(
        &billing.id,
        minted(TOKEN, &billing.default_scopes, Some(first.id.clone())),
    )
    .unwrap();
    assert_eq!(core.token_to_copy(&billing.id).unwrap().expose(), TOKEN);
    core.set_active_environment(&staging.id).unwrap();
    core.set_active_environment(&staging.id).unwrap(); // no switch: not recorded
    let web = app(&core, &staging, "Web");
    core.delete_app(&web.id).unwrap();
    core.delete_environment(&sandbox.id, true).unwrap();

    assert_eq!(
        lines(&core),
        vec![
            line(EnvironmentCreated, "Sandbox", "", ""),
            line(EnvironmentCreated, "Staging", "", ""),
            line(AppCreated, "Sandbox", "Billing", ""),
            line(SecretAdded, "Sandbox", "Billing", "first"),
            line(SecretCopied, "Sandbox", "Billing", "first"),
            line(SecretRevealed, "Sandbox", "Billing", "first"),
            line(SecretAdded, "Sandbox", "Billing", "second"),
            line(SecretRetired, "Sandbox", "Billing", "first"),
            line(SecretReactivated, "Sandbox", "Billing", "first"),
            line(SecretDeleted, "Sandbox", "Billing", "second"),
            line(TokenMinted, "Sandbox", "Billing", "read write"),
            line(TokenCopied, "Sandbox", "Billing", ""),
            line(EnvironmentSwitched, "Staging", "", "from “Sandbox”"),
            line(AppCreated, "Staging", "Web", ""),
            line(AppDeleted, "Staging", "Web", ""),
            line(AppDeleted, "Sandbox", "Billing", "with its environment"),
            line(EnvironmentDeleted, "Sandbox", "", "with 1 app"),
        ]
    );
    let entries = core.audit_log(&AuditQuery::default()).unwrap();
    assert!(entries.iter().all(|e| e.actor == Actor::Cli));
    // ids and names stay for what is gone
    let deleted = &entries[0];
    assert_eq!(deleted.environment_id, Some(sandbox.id.clone()));
    assert_eq!(entries[1].app_id, Some(billing.id.clone()));
}

#[test]
fn switching_dpop_and_par_is_recorded_once_per_change_with_the_key() {
    use AuditAction::*;
    let (_dir, core) = open(Actor::Desktop);
    let sandbox = environment(&core, "Sandbox");
    let billing = app(&core, &sandbox, "Billing");
    let jkt = core.set_dpop(&billing.id, true).unwrap().jkt.unwrap();
    core.set_dpop(&billing.id, true).unwrap(); // no change: not recorded
    core.set_dpop(&billing.id, false).unwrap();
    core.set_pushes_requests(&billing.id, true).unwrap();
    core.set_pushes_requests(&billing.id, true).unwrap(); // no change: not recorded
    core.set_pushes_requests(&billing.id, false).unwrap();
    core.set_pushes_requests(&billing.id, false).unwrap(); // no change: not recorded

    assert_eq!(
        lines(&core)[2..],
        [
            line(
                DpopSwitched,
                "Sandbox",
                "Billing",
                &format!("on, key {jkt}")
            ),
            line(DpopSwitched, "Sandbox", "Billing", "off, key kept"),
            line(ParSwitched, "Sandbox", "Billing", "on"),
            line(ParSwitched, "Sandbox", "Billing", "off"),
        ]
    );
    let entries = core.audit_log(&AuditQuery::default()).unwrap();
    assert!(entries.iter().all(|e| e.actor == Actor::Desktop));
    assert_eq!(entries[0].app_id, Some(billing.id.clone()));
}

#[test]
fn no_secret_or_token_value_reaches_the_log_or_the_database() {
    let (dir, core) = open(Actor::Desktop);
    let sandbox = environment(&core, "Sandbox");
    let billing = app(&core, &sandbox, "Billing");
    let added = secret(&core, &billing, "", SECRET);
    core.secret_for(&added.id, SecretUse::Copy).unwrap();
    core.secret_for(&added.id, SecretUse::Reveal).unwrap();
    core.store_token(&billing.id, minted(TOKEN, &[], None))
        .unwrap();
    core.token_to_copy(&billing.id).unwrap();

    let entries = core.audit_log(&AuditQuery::default()).unwrap();
    assert_eq!(entries.len(), 7);
    assert!(entries.iter().all(|e| e.actor == Actor::Desktop));
    let text = serde_json::to_string(&entries).unwrap();
    for canary in [SECRET, TOKEN, "3f9a71", "8c2e44"] {
        assert!(!text.contains(canary), "{canary} in {text}");
    }
    drop(core);
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let path = file.unwrap().path();
        if path.is_file() {
            let bytes = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            assert!(!bytes.contains("canary-"), "{}", path.display());
        }
    }
}

#[test]
fn entries_cannot_be_changed_or_removed() {
    let (_dir, core) = open(Actor::Desktop);
    environment(&core, "Sandbox");
    let store = core.store().unwrap();
    for sql in [
        "UPDATE audit_log SET detail = 'rewritten'",
        "DELETE FROM audit_log",
    ] {
        let error = store.conn.execute(sql, []).unwrap_err();
        assert!(
            error.to_string().contains("the audit log is append-only"),
            "{sql}: {error}"
        );
    }
    drop(store);
    assert_eq!(core.audit_log(&AuditQuery::default()).unwrap().len(), 1);
}

#[test]
fn the_log_is_read_newest_first_by_app_since_a_time_and_limited() {
    let (_dir, core) = open(Actor::Desktop);
    let sandbox = environment(&core, "Sandbox");
    let billing = app(&core, &sandbox, "Billing");
    let web = app(&core, &sandbox, "Web");
    secret(&core, &billing, "one", "value-one");
    secret(&core, &web, "two", "value-two");
    let all = core.audit_log(&AuditQuery::default()).unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.windows(2).all(|pair| pair[0].id > pair[1].id));

    let by_name = AuditQuery {
        app: Some("billing".into()),
        ..AuditQuery::default()
    };
    let actions: Vec<AuditAction> = core
        .audit_log(&by_name)
        .unwrap()
        .iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, [AuditAction::SecretAdded, AuditAction::AppCreated]);
    let by_id = AuditQuery {
        app: Some(web.id.to_string()),
        ..AuditQuery::default()
    };
    assert_eq!(core.audit_log(&by_id).unwrap().len(), 2);

    let since = AuditQuery {
        since: Some(all[1].at),
        limit: Some(1),
        ..AuditQuery::default()
    };
    let newest = core.audit_log(&since).unwrap();
    assert_eq!(newest, vec![all[0].clone()]);
}

#[test]
fn an_applied_import_is_recorded_and_a_preview_is_not() {
    let (_a, source) = open(Actor::Desktop);
    let sandbox = environment(&source, "Sandbox");
    app(&source, &sandbox, "Billing");
    let text = crate::portable::render(&source.export().unwrap()).unwrap();
    let (_b, target) = open(Actor::Cli);
    target.preview_import(&text).unwrap();
    assert_eq!(target.audit_log(&AuditQuery::default()).unwrap(), vec![]);
    target.apply_import(&text, &[]).unwrap();
    assert_eq!(
        lines(&target),
        vec![
            line(AuditAction::EnvironmentCreated, "Sandbox", "", "by import"),
            line(AuditAction::AppCreated, "Sandbox", "Billing", "by import"),
            line(
                AuditAction::ImportApplied,
                "",
                "",
                "2 added, 0 changed, 0 skipped"
            ),
        ]
    );
}

#[test]
fn a_refused_action_records_nothing() {
    let (_dir, core) = open(Actor::Desktop);
    let sandbox = environment(&core, "Sandbox");
    let billing = app(&core, &sandbox, "Billing");
    let only = secret(&core, &billing, "only", "value");
    let before = core.audit_log(&AuditQuery::default()).unwrap();
    assert!(matches!(
        core.delete_secret(&only.id),
        Err(Error::LastSecret(_))
    ));
    assert!(core.secret_for(&SecretId::new(), SecretUse::Copy).is_err());
    assert_eq!(core.audit_log(&AuditQuery::default()).unwrap(), before);
}

#[test]
fn editing_an_app_records_the_fields_it_changed_and_no_change_records_nothing() {
    use AuditAction::*;
    let (_dir, core) = open(Actor::Desktop);
    let sandbox = environment(&core, "Sandbox");
    let staging = environment(&core, "Staging");
    let billing = app(&core, &sandbox, "Billing");
    core.update_app(&billing.id, billing.input()).unwrap(); // saved as it was: not recorded
    let renamed = core
        .update_app(
            &billing.id,
            ClientAppInput {
                display_name: "Billing sync".into(),
                redirect_uris: vec!["http://127.0.0.1/callback".into()],
                auth_method: AuthMethod::ClientSecretPost,
                ..billing.input()
            },
        )
        .unwrap();
    core.update_app(
        &billing.id,
        ClientAppInput {
            environment_id: staging.id.clone(),
            client_id: "billing-2".into(),
            ..renamed.input()
        },
    )
    .unwrap();

    assert_eq!(
        lines(&core)[3..],
        [
            line(
                AppEdited,
                "Sandbox",
                "Billing sync",
                "changed display_name (was “Billing”), auth_method, redirect_uris"
            ),
            line(
                AppEdited,
                "Staging",
                "Billing sync",
                "changed moved from “Sandbox”, client_id"
            ),
        ]
    );
    let entries = core.audit_log(&AuditQuery::default()).unwrap();
    assert_eq!(entries[0].app_id, Some(billing.id.clone()));
    assert_eq!(entries[0].actor, Actor::Desktop);
}

#[test]
fn editing_an_environment_records_the_fields_it_changed_and_no_change_records_nothing() {
    use AuditAction::*;
    let (_dir, core) = open(Actor::Cli);
    let sandbox = environment(&core, "Sandbox");
    let input = EnvironmentInput {
        name: "Sandbox".into(),
        kind: EnvironmentKind::Sandbox,
        color: "#2f80ed".into(),
        endpoints: Endpoints::default(),
        profile: ProviderProfile::Standard,
        rotation_days: 90,
    };
    core.update_environment(&sandbox.id, input.clone()).unwrap(); // not recorded
    core.update_environment(
        &sandbox.id,
        EnvironmentInput {
            name: "Test bed".into(),
            endpoints: Endpoints {
                token_url: Some("https://auth.example/token".into()),
                ..Endpoints::default()
            },
            rotation_days: 30,
            ..input
        },
    )
    .unwrap();

    assert_eq!(
        lines(&core),
        [
            line(EnvironmentCreated, "Sandbox", "", ""),
            line(
                EnvironmentEdited,
                "Test bed",
                "",
                "changed name (was “Sandbox”), endpoints.token_url, rotation_days"
            ),
        ]
    );
    let entries = core.audit_log(&AuditQuery::default()).unwrap();
    assert_eq!(entries[0].environment_id, Some(sandbox.id.clone()));
    assert_eq!(entries[0].actor, Actor::Cli);
}

#[test]
fn an_import_that_changes_an_app_and_an_environment_records_the_fields() {
    let (_a, source) = open(Actor::Desktop);
    let sandbox = environment(&source, "Sandbox");
    let billing = app(&source, &sandbox, "Billing");
    let (_b, target) = open(Actor::Cli);
    let text = crate::portable::render(&source.export().unwrap()).unwrap();
    target.apply_import(&text, &[]).unwrap();
    source
        .update_app(
            &billing.id,
            ClientAppInput {
                description: "Nightly billing run".into(),
                ..billing.input()
            },
        )
        .unwrap();
    source
        .update_environment(
            &sandbox.id,
            EnvironmentInput {
                name: sandbox.name.clone(),
                kind: sandbox.kind,
                color: sandbox.color.clone(),
                endpoints: sandbox.endpoints.clone(),
                profile: sandbox.profile,
                rotation_days: 45,
            },
        )
        .unwrap();
    let text = crate::portable::render(&source.export().unwrap()).unwrap();
    target.apply_import(&text, &[]).unwrap();
    assert_eq!(
        lines(&target)[3..],
        [
            line(
                AuditAction::EnvironmentEdited,
                "Sandbox",
                "",
                "by import: changed rotation_days"
            ),
            line(
                AuditAction::AppEdited,
                "Sandbox",
                "Billing",
                "by import: changed description"
            ),
            line(
                AuditAction::ImportApplied,
                "",
                "",
                "0 added, 2 changed, 0 skipped"
            ),
        ]
    );
}
