//! The store and the vault against the real keychain (gnome-keyring over D-Bus).

mod support;

use authdeck_core::ErrorCode;
use authdeck_core::model::*;
use authdeck_core::secret_account;
use authdeck_core::vault::{MAX_SECRET_BYTES, SecretStore};
use support::*;

#[test]
fn a_secret_is_stored_in_the_keychain_and_only_there() {
    let namespace = unique_namespace("round-trip");
    let home = tempfile::tempdir().unwrap();
    let core = open(home.path(), &namespace);
    let (_, app) = environment_and_app(&core);
    let value = "kc-canary-Zq81-value";
    let secret = add(&core, &app, "main", value);

    let account = secret_account(&secret.id);
    assert_eq!(
        secret_tool_lookup(&namespace, &account).as_deref(),
        Some(value)
    );
    assert_eq!(core.secret_value(&secret.id).unwrap().expose(), value);
    drop(core);
    for entry in std::fs::read_dir(home.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            continue; // locks/: empty lock files
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
            "{} holds the secret",
            path.display()
        );
    }
    clear_namespace(&namespace);
}

#[test]
fn a_deleted_secret_is_gone_from_the_keychain() {
    let namespace = unique_namespace("delete");
    let home = tempfile::tempdir().unwrap();
    let core = open(home.path(), &namespace);
    let (_, app) = environment_and_app(&core);
    let keep = add(&core, &app, "new", "kc-keep-1");
    let old = add(&core, &app, "old", "kc-old-2");
    core.retire_secret(&old.id).unwrap();
    core.delete_secret(&old.id).unwrap();
    assert_eq!(
        secret_tool_lookup(&namespace, &secret_account(&old.id)),
        None
    );
    assert_eq!(
        core.delete_secret(&keep.id).unwrap_err().code(),
        ErrorCode::LastSecret
    );
    assert_eq!(
        secret_tool_lookup(&namespace, &secret_account(&keep.id)).as_deref(),
        Some("kc-keep-1")
    );
    assert_eq!(
        core.delete_app(&app.id).unwrap().keychain_entries_removed,
        1
    );
    assert!(keychain(&namespace).accounts().unwrap().is_empty());
}

#[test]
fn special_characters_survive_the_keychain() {
    let namespace = unique_namespace("special");
    let home = tempfile::tempdir().unwrap();
    let core = open(home.path(), &namespace);
    let (_, app) = environment_and_app(&core);
    let value = "a+b/c=d%e f:g\"h'i\\j~ünï©ødé✓";
    let secret = add(&core, &app, "special", value);
    assert_eq!(core.secret_value(&secret.id).unwrap().expose(), value);
    clear_namespace(&namespace);
}

#[test]
fn namespaces_keep_entries_apart() {
    let first = unique_namespace("ns-a");
    let second = unique_namespace("ns-b");
    let a = keychain(&first);
    a.put("secret:shared", &Secret::new("from-a")).unwrap();
    let b = keychain(&second);
    assert_eq!(
        b.get("secret:shared").unwrap_err().code(),
        ErrorCode::SecretMissing
    );
    assert_eq!(b.accounts().unwrap(), Vec::<String>::new());
    assert_eq!(a.accounts().unwrap(), ["secret:shared"]);
    clear_namespace(&first);
}

#[test]
fn a_value_over_the_size_limit_is_refused_before_anything_is_written() {
    let namespace = unique_namespace("size");
    let home = tempfile::tempdir().unwrap();
    let core = open(home.path(), &namespace);
    let (_, app) = environment_and_app(&core);
    let error = core
        .add_secret(SecretInput {
            app_id: app.id.clone(),
            label: String::new(),
            value: Secret::new("x".repeat(MAX_SECRET_BYTES + 1)),
            provider_created_at: None,
        })
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Validation);
    assert_eq!(error.field(), Some("value"));
    assert!(core.secrets(&app.id).unwrap().is_empty());
    assert!(keychain(&namespace).accounts().unwrap().is_empty());
}

#[test]
fn a_secret_removed_outside_authdeck_is_reported_as_missing() {
    let namespace = unique_namespace("missing");
    let home = tempfile::tempdir().unwrap();
    let core = open(home.path(), &namespace);
    let (_, app) = environment_and_app(&core);
    let secret = add(&core, &app, "main", "kc-vanishes");
    let status = std::process::Command::new("secret-tool")
        .args([
            "clear",
            "service",
            &namespace,
            "username",
            &secret_account(&secret.id),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let error = core.secret_value(&secret.id).unwrap_err();
    assert_eq!(error.code(), ErrorCode::SecretMissing);
    assert!(
        error
            .to_string()
            .starts_with("The keychain no longer holds this secret")
    );
}

/// How many entries the keychain holds for `account` of `namespace`, by secret-tool.
fn entries_for(namespace: &str, account: &str) -> usize {
    let output = std::process::Command::new("secret-tool")
        .args(["search", "--all", "service", namespace, "username", account])
        .output()
        .expect("secret-tool (libsecret-tools) must be installed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.starts_with('['))
        .count()
}

#[test]
fn an_entry_written_by_another_client_is_read_replaced_and_deleted() {
    // Entries stored before Authdeck called the Secret Service itself (keyring-core's store:
    // attributes `service` and `username` in the default collection) stay Authdeck's.
    let namespace = unique_namespace("layout");
    let account = "secret:layout";
    let mut store = std::process::Command::new("secret-tool")
        .args([
            "store",
            "--label",
            &format!("keyring:{account}@{namespace}"),
            "service",
            &namespace,
            "username",
            account,
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut store.stdin.take().unwrap(), b"kc-layout-1").unwrap();
    assert!(store.wait().unwrap().success());
    let vault = keychain(&namespace);
    assert_eq!(vault.get(account).unwrap().expose(), "kc-layout-1");
    assert_eq!(vault.accounts().unwrap(), [account]);

    vault.put(account, &Secret::new("kc-layout-2")).unwrap();
    assert_eq!(entries_for(&namespace, account), 1, "replaced, not added");
    assert_eq!(
        secret_tool_lookup(&namespace, account).as_deref(),
        Some("kc-layout-2")
    );

    vault.delete(account).unwrap();
    assert_eq!(entries_for(&namespace, account), 0);
    vault.delete(account).unwrap(); // nothing left to delete is no error
    assert_eq!(
        vault.get(account).unwrap_err().code(),
        ErrorCode::SecretMissing
    );
}

#[test]
fn writing_an_entry_again_replaces_its_value() {
    let namespace = unique_namespace("rewrite");
    let vault = keychain(&namespace);
    vault.put("token:again", &Secret::new("kc-first")).unwrap();
    vault.put("token:again", &Secret::new("kc-second")).unwrap();
    assert_eq!(entries_for(&namespace, "token:again"), 1);
    assert_eq!(vault.get("token:again").unwrap().expose(), "kc-second");
    clear_namespace(&namespace);
}
