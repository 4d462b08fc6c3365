//! Sharing an environment through a team vault, cut short by a crash at each step: the next
//! start leaves every secret in exactly one store. The vault here is a small in-memory KV v2
//! stand-in (check-and-set included); the real OpenBao is exercised in the CLI's tests.

use super::*;
use crate::team::{SignIn, TeamVaultInput};
use crate::test_server::{Reply, Seen, TestServer};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;

/// What the stand-in holds: each path's data and version.
type Entries = Arc<Mutex<HashMap<String, (Value, u64)>>>;

/// A KV v2 engine at `secret/` that takes any token. While `interfere` is above zero, each
/// write of a set-up is preceded by someone else's (a secret of another app listed, the
/// version moved on), as another member writing at the same moment.
async fn kv_stand_in() -> (TestServer, Entries, Arc<AtomicI64>) {
    let (server, entries, interfere, _) = kv_stand_in_losing().await;
    (server, entries, interfere)
}

/// The same; while the flag is set, a secret's value is answered as written and not kept (a
/// vault that loses a write).
async fn kv_stand_in_losing() -> (TestServer, Entries, Arc<AtomicI64>, Arc<AtomicBool>) {
    let entries: Entries = Arc::default();
    let interfere = Arc::new(AtomicI64::new(0));
    let lose = Arc::new(AtomicBool::new(false));
    let (held, others, losing) = (entries.clone(), interfere.clone(), lose.clone());
    let server = TestServer::start(move |seen: &Seen| {
        let answer = |status, body: Value| Reply::Answer(status, "application/json", body.to_string());
        if seen.path == "/v1/auth/token/lookup-self" {
            return answer(200, json!({ "data": { "ttl": 3600, "policies": ["default"] } }));
        }
        if seen.path == "/v1/sys/capabilities-self" {
            let body: Value = serde_json::from_str(&seen.body).unwrap();
            let path = body["paths"][0].as_str().unwrap().to_owned();
            return answer(200, json!({ "data": { path: ["create", "read", "update", "delete"] } }));
        }
        if let Some(path) = seen.path.strip_prefix("/v1/secret/metadata/") {
            // A metadata delete: every version gone.
            assert_eq!(seen.method, "DELETE");
            held.lock().unwrap().remove(path);
            return answer(204, Value::Null);
        }
        let Some(path) = seen.path.strip_prefix("/v1/secret/data/") else {
            return answer(404, json!({ "errors": [] }));
        };
        let mut entries = held.lock().unwrap();
        match seen.method.as_str() {
            "GET" => match entries.get(path) {
                Some((data, version)) => answer(
                    200,
                    json!({ "data": { "data": data, "metadata": { "version": version } } }),
                ),
                None => answer(404, json!({ "errors": [] })),
            },
            _ => {
                if path.ends_with("/setup") && others.fetch_sub(1, Ordering::SeqCst) > 0 {
                    let (data, version) = entries.get_mut(path).unwrap();
                    let mut foreign = data["secrets"][0].clone();
                    foreign["id"] = json!(format!("theirs-{version}"));
                    foreign["client_id"] = json!("their-client");
                    data["secrets"].as_array_mut().unwrap().push(foreign);
                    *version += 1;
                }
                if path.contains("/secrets/") && losing.load(Ordering::SeqCst) {
                    return answer(200, json!({ "data": { "version": 1 } }));
                }
                let body: Value = serde_json::from_str(&seen.body).unwrap();
                let current = entries.get(path).map_or(0, |(_, version)| *version);
                if body["options"]["cas"].as_u64() != Some(current) {
                    return answer(
                        400,
                        json!({ "errors": ["check-and-set parameter did not match the current version"] }),
                    );
                }
                entries.insert(path.to_owned(), (body["data"].clone(), current + 1));
                answer(200, json!({ "data": { "version": current + 1 } }))
            }
        }
    })
    .await;
    (server, entries, interfere, lose)
}

async fn connected(f: &Fixture, vault: &TestServer) {
    f.core
        .add_team(TeamVaultInput {
            name: "acme".into(),
            addresses: vec![vault.url.clone()],
            namespace: None,
            mount: "secret".into(),
            path: "authdeck/acme".into(),
            sign_in: SignIn::Token,
            credential: Secret::new("s.member-token"),
        })
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_at_any_step_of_a_share_leaves_each_secret_in_exactly_one_store() {
    for step in [
        "share: vault written",
        "share: marked",
        "share: copies removed",
    ] {
        let (vault, _, _) = kv_stand_in().await;
        let mut f = Fixture::new();
        connected(&f, &vault).await;
        let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
        let app = f.app(&sandbox, "Billing sync");
        let secret = f.secret(&app, "shared-secret");
        f.crash_at(step);
        assert!(
            f.core.share_environment(&sandbox.id, "acme").await.is_err(),
            "{step}"
        );

        let reconciled = f.restart_after(0);
        f.assert_stores_agree();
        let shared = f.core.is_team_environment(&sandbox.id).unwrap();
        let copy = f.vault.inner.get(&secret_account(&secret.id));
        if step == "share: vault written" {
            // Not yet marked: still local and whole; sharing again finds its own writes.
            assert!(!shared && copy.is_ok(), "{step}");
            assert_eq!(reconciled, Reconciled::default(), "{step}");
            f.core.share_environment(&sandbox.id, "acme").await.unwrap();
            f.assert_stores_agree();
        } else {
            // Marked: the next start removed the copy the keychain may still have held.
            assert!(shared, "{step}");
            assert!(matches!(copy, Err(Error::SecretMissing(_))), "{step}");
            assert_eq!(reconciled.undone_puts, 1, "{step}");
        }
        assert!(f.core.is_team_environment(&sandbox.id).unwrap());
        assert_eq!(
            f.vault.inner.accounts().unwrap(),
            vec!["team:acme".to_owned()],
            "{step}"
        );
        assert_eq!(f.core.secrets(&app.id).unwrap()[0].id, secret.id, "{step}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shared_secret_is_not_read_from_the_keychain_for_copy_or_reveal() {
    let (vault, _, _) = kv_stand_in().await;
    let f = Fixture::new();
    connected(&f, &vault).await;
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let secret = f.secret(&app, "shared-secret");
    f.core.share_environment(&sandbox.id, "acme").await.unwrap();
    let refused = f.core.secret_value(&secret.id).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::NotConfigured);
    assert_eq!(
        refused.to_string(),
        "“Billing sync” is in a team environment: its secrets live in the team vault “acme”, \
         not in this keychain, so one is copied or revealed through the vault \
         (`team_secret_for`)."
    );
}

/// The secret IDs the shared set-up in the stand-in lists, in order.
fn listed(entries: &Entries) -> Vec<String> {
    let entries = entries.lock().unwrap();
    let (setup, _) = &entries["authdeck/acme/sandbox/setup"];
    setup["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_added_while_someone_else_writes_the_set_up_keeps_both() {
    let (vault, entries, interfere) = kv_stand_in().await;
    let f = Fixture::new();
    connected(&f, &vault).await;
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let first = f.secret(&app, "first-secret");
    f.core.share_environment(&sandbox.id, "acme").await.unwrap();

    // Someone else writes between our read and our write, once: we read again and add ours.
    interfere.store(1, Ordering::SeqCst);
    let added = f
        .core
        .add_team_secret(SecretInput {
            app_id: app.id.clone(),
            label: "rotated".into(),
            value: Secret::new("second-secret"),
            provider_created_at: None,
        })
        .await
        .unwrap();
    assert_eq!(
        listed(&entries),
        [
            first.id.0.clone(),
            "theirs-1".into(),
            added.secret.id.0.clone()
        ]
    );

    // Someone else wins every time: nothing of theirs is overwritten, and ours is not listed.
    interfere.store(3, Ordering::SeqCst);
    let lost = f
        .core
        .add_team_secret(SecretInput {
            app_id: app.id.clone(),
            label: "third".into(),
            value: Secret::new("third-secret"),
            provider_created_at: None,
        })
        .await
        .unwrap_err();
    assert_eq!(lost.code(), ErrorCode::Conflict);
    assert_eq!(listed(&entries).len(), 6, "{:?}", listed(&entries));
    assert!(
        listed(&entries)[3..]
            .iter()
            .all(|id| id.starts_with("theirs-"))
    );
    assert_eq!(f.core.secrets(&app.id).unwrap().len(), 2);
    f.assert_stores_agree();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_secret_removal_cut_short_at_any_step_is_finished_by_the_next_secret_verb() {
    for step in [
        "team rm: intent recorded",
        "team rm: set-up written",
        "team rm: value destroyed",
    ] {
        let (vault, entries, _) = kv_stand_in().await;
        let mut f = Fixture::new();
        connected(&f, &vault).await;
        let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
        let app = f.app(&sandbox, "Billing sync");
        let old = f.secret(&app, "old-secret");
        let new = f.secret(&app, "new-secret");
        f.core.share_environment(&sandbox.id, "acme").await.unwrap();
        let value_path = format!("authdeck/acme/sandbox/secrets/{}", old.id);
        assert!(entries.lock().unwrap().contains_key(&value_path));

        f.crash_at(step);
        assert!(f.core.remove_team_secret(&old.id).await.is_err(), "{step}");
        // The start-up reconciler leaves the removal to a command that reaches the vault.
        assert_eq!(f.restart_after(0), Reconciled::default(), "{step}");
        let pending = store::intents::with_prefix(&f.core.store().unwrap().conn, "vault-secret:");
        assert_eq!(pending.unwrap().len(), 1, "{step}");

        f.core
            .set_team_secret_state(&new.id, SecretState::Active)
            .await
            .unwrap();
        assert_eq!(listed(&entries), std::slice::from_ref(&new.id.0), "{step}");
        assert!(!entries.lock().unwrap().contains_key(&value_path), "{step}");
        let rows: Vec<SecretId> = f
            .core
            .secrets(&app.id)
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(rows, std::slice::from_ref(&new.id), "{step}");
        let pending = store::intents::with_prefix(&f.core.store().unwrap().conn, "vault-secret:");
        assert_eq!(pending.unwrap(), [], "{step}");
        f.assert_stores_agree();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_secret_the_vault_does_not_give_back_is_not_added() {
    let (vault, entries, _, lose) = kv_stand_in_losing().await;
    let f = Fixture::new();
    connected(&f, &vault).await;
    let sandbox = f.environment("Sandbox", EnvironmentKind::Sandbox);
    let app = f.app(&sandbox, "Billing sync");
    let first = f.secret(&app, "first-secret");
    f.core.share_environment(&sandbox.id, "acme").await.unwrap();

    lose.store(true, Ordering::SeqCst);
    let error = f
        .core
        .add_team_secret(SecretInput {
            app_id: app.id.clone(),
            label: "shown once".into(),
            value: Secret::new("created-at-the-provider"),
            provider_created_at: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(error, Error::BadResponse(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with(
            "The team vault did not give back the secret written at \
             secret/authdeck/acme/sandbox/secrets/"
        ) && message.ends_with("; it was not added."),
        "{message}"
    );
    // Not listed in the vault's set-up, no row here.
    assert_eq!(listed(&entries), vec![first.id.0.clone()]);
    let rows: Vec<SecretId> = f
        .core
        .secrets(&app.id)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(rows, [first.id]);
}
