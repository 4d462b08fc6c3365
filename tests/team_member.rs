//! What a member does with a team environment's secrets beyond minting, against a real OpenBao
//! dev server and the real keychain: copying and revealing a secret read from the vault (never
//! kept here, each read in the audit log), a policy's refusal naming the path, and the vault's
//! own answer (`sys/capabilities-self`) to what each member's policy allows.

mod support;

use authdeck_core::audit::{AuditAction, AuditQuery};
use authdeck_core::model::*;
use authdeck_core::vault::SecretStore;
use authdeck_core::{ErrorCode, SecretPermissions, SecretUse, TeamPermission};
use support::openbao::OpenBao;
use support::team::{Member, connect, member};
use tokio::runtime::Runtime;

const VALUE: &str = "team-member-first-7a1c";

/// Reads and removes everything of the team's (the sharer's policy).
const ADMIN: &str = r#"
path "secret/data/authdeck/acme/*"     { capabilities = ["create", "read", "update"] }
path "secret/metadata/authdeck/acme/*" { capabilities = ["read", "list", "delete"] }
"#;

/// The README's member: reads and writes, removes nothing.
const MEMBER: &str = r#"
path "secret/data/authdeck/acme/*"     { capabilities = ["create", "read", "update"] }
path "secret/metadata/authdeck/acme/*" { capabilities = ["read", "list"] }
"#;

/// Reads everything, changes nothing.
const READ_ONLY: &str = r#"
path "secret/data/authdeck/acme/*"     { capabilities = ["read"] }
path "secret/metadata/authdeck/acme/*" { capabilities = ["read", "list"] }
"#;

/// Sees the set-up (the apps) but no secret's value.
const SETUP_ONLY: &str = r#"
path "secret/data/authdeck/acme/sandbox/setup" { capabilities = ["read"] }
path "secret/metadata/authdeck/acme/*"         { capabilities = ["read", "list"] }
"#;

/// A vault where an admin shared "Sandbox" (one app, secret "first"); the vault and the admin.
fn shared(rt: &Runtime, test: &str) -> (OpenBao, Member) {
    let bao = OpenBao::start();
    for (name, policy) in [
        ("admin", ADMIN),
        ("member", MEMBER),
        ("read-only", READ_ONLY),
        ("setup-only", SETUP_ONLY),
    ] {
        bao.put_policy(name, policy);
    }
    let admin = member(&format!("{test}-admin"));
    let (environment, app) = support::environment_and_app(&admin.core);
    support::add(&admin.core, &app, "first", VALUE);
    connect(rt, &admin, &bao, &bao.token_with(&["admin"]));
    rt.block_on(admin.core.share_environment(&environment.id, "acme"))
        .expect("share");
    (bao, admin)
}

/// A member with `policy` who joined "Sandbox": the member, the environment and its secret.
fn joined(
    rt: &Runtime,
    bao: &OpenBao,
    test: &str,
    policy: &str,
) -> (Member, EnvironmentId, SecretMeta) {
    let joiner = member(test);
    connect(rt, &joiner, bao, &bao.token_with(&[policy]));
    let environment = rt
        .block_on(joiner.core.join_environment("acme", "Sandbox"))
        .expect("join");
    let app = joiner.core.apps(&environment.id).unwrap()[0].id.clone();
    let secret = joiner.core.secrets(&app).unwrap().remove(0);
    (joiner, environment.id, secret)
}

/// The audit entries of copies and reveals, oldest first: (action, detail).
fn reads(joiner: &Member) -> Vec<(AuditAction, String)> {
    let mut entries: Vec<_> = joiner
        .core
        .audit_log(&AuditQuery::default())
        .unwrap()
        .into_iter()
        .filter(|e| {
            matches!(
                e.action,
                AuditAction::SecretCopied | AuditAction::SecretRevealed
            )
        })
        .map(|e| (e.action, e.detail))
        .collect();
    entries.reverse();
    entries
}

#[test]
fn copy_and_reveal_read_the_value_from_the_vault_keep_nothing_and_are_audited() {
    let rt = Runtime::new().unwrap();
    let (_bao, _admin) = shared(&rt, "member-copy");
    let (joiner, _, secret) = joined(&rt, &_bao, "member-copy-member", "member");

    let copied = rt.block_on(joiner.core.team_secret_for(&secret.id, SecretUse::Copy));
    assert_eq!(copied.expect("copy").expose(), VALUE);
    let revealed = rt.block_on(joiner.core.team_secret_for(&secret.id, SecretUse::Reveal));
    assert_eq!(revealed.expect("reveal").expose(), VALUE);

    let id = &secret.id;
    let entries = reads(&joiner);
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0].0, AuditAction::SecretCopied);
    assert_eq!(entries[1].0, AuditAction::SecretRevealed);
    // Who: the vault's name for the token ("token" for one made by `token create`), then the
    // local user when the environment names one.
    for ((_, detail), verb) in entries.iter().zip(["copied from", "revealed from"]) {
        let expected = format!("secret “first” ({id}) {verb} the team vault “acme” by token");
        assert!(detail.starts_with(&expected), "{detail}");
    }

    // Nothing of the value was kept: the keychain holds only the vault token, the data
    // folder no file with the value.
    let keychain = support::keychain(&joiner.namespace);
    assert_eq!(keychain.accounts().unwrap(), vec!["team:acme".to_owned()]);
    for file in support::files_under(joiner.home()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes.windows(VALUE.len()).any(|w| w == VALUE.as_bytes()),
            "{} holds the team secret",
            file.display()
        );
    }
}

#[test]
fn a_policy_without_read_on_the_secrets_refuses_copy_and_reveal_naming_the_path() {
    let rt = Runtime::new().unwrap();
    let (bao, _admin) = shared(&rt, "member-refused");
    let (joiner, _, secret) = joined(&rt, &bao, "member-refused-member", "setup-only");
    for purpose in [SecretUse::Copy, SecretUse::Reveal] {
        let error = rt
            .block_on(joiner.core.team_secret_for(&secret.id, purpose))
            .expect_err("no read on the secrets");
        assert_eq!(error.code(), ErrorCode::VaultRefused, "{error}");
        let path = format!("secret/authdeck/acme/sandbox/secrets/{}", secret.id);
        assert_eq!(
            error.to_string(),
            format!(
                "Your vault policy does not allow reading this secret (path {path}; HTTP 403: \
                 1 error occurred: * permission denied)."
            )
        );
    }
    assert_eq!(
        reads(&joiner),
        [],
        "a refused read is not recorded as a copy or reveal"
    );
}

#[test]
fn the_vault_says_what_each_members_policy_allows() {
    let rt = Runtime::new().unwrap();
    let (bao, admin) = shared(&rt, "member-rights");
    let setup = "secret/data/authdeck/acme/sandbox/setup";

    let (read_only, environment, secret) =
        joined(&rt, &bao, "member-rights-read-only", "read-only");
    let value = format!("secret/data/authdeck/acme/sandbox/secrets/{}", secret.id);
    let metadata = format!(
        "secret/metadata/authdeck/acme/sandbox/secrets/{}",
        secret.id
    );
    let rights = rt
        .block_on(read_only.core.team_permissions(&environment))
        .expect("ask the vault");
    assert_eq!(
        rights.change_setup,
        TeamPermission {
            allowed: false,
            capability: "update".into(),
            path: setup.into(),
            refusal: Some(format!(
                "Your vault policy does not allow updating {setup} (it needs “update” there)."
            )),
        }
    );
    assert_eq!(
        rights.secrets,
        [SecretPermissions {
            secret_id: secret.id.clone(),
            read: TeamPermission {
                allowed: true,
                capability: "read".into(),
                path: value.clone(),
                refusal: None,
            },
            remove: TeamPermission {
                allowed: false,
                capability: "delete".into(),
                path: metadata.clone(),
                refusal: Some(format!(
                    "Your vault policy does not allow deleting {metadata} (it needs “delete” \
                     there)."
                )),
            },
        }]
    );

    let each = |r: &authdeck_core::TeamPermissions| {
        let [one] = r.secrets.as_slice() else {
            panic!("one secret: {r:?}")
        };
        [r.change_setup.allowed, one.read.allowed, one.remove.allowed]
    };
    let (plain, environment, _) = joined(&rt, &bao, "member-rights-member", "member");
    let rights = rt
        .block_on(plain.core.team_permissions(&environment))
        .unwrap();
    assert_eq!(each(&rights), [true, true, false]);

    let (none, environment, _) = joined(&rt, &bao, "member-rights-setup-only", "setup-only");
    let rights = rt
        .block_on(none.core.team_permissions(&environment))
        .unwrap();
    assert_eq!(each(&rights), [false, false, false]);
    assert_eq!(
        rights.secrets[0].read.refusal.as_deref(),
        Some(
            format!("Your vault policy does not allow reading {value} (it needs “read” there).")
                .as_str()
        )
    );

    let shared_env = admin.core.environments().unwrap()[0].id.clone();
    let rights = rt
        .block_on(admin.core.team_permissions(&shared_env))
        .unwrap();
    assert_eq!(each(&rights), [true, true, true]);
}

#[test]
fn a_policy_naming_one_secret_of_an_app_is_reflected_secret_by_secret() {
    let rt = Runtime::new().unwrap();
    let (bao, admin) = shared(&rt, "member-rights-one");
    let shared_env = admin.core.environments().unwrap()[0].id.clone();
    let app = admin.core.apps(&shared_env).unwrap()[0].id.clone();
    let first = admin.core.secrets(&app).unwrap().remove(0);
    let second = rt
        .block_on(admin.core.add_team_secret(SecretInput {
            app_id: app,
            label: "second".into(),
            value: Secret::new("team-member-second-93be".to_owned()),
            provider_created_at: None,
        }))
        .expect("add a second secret")
        .secret;
    let folder = "secret/data/authdeck/acme/sandbox";
    bao.put_policy(
        "first-only",
        &format!(
            r#"
path "{folder}/setup"             {{ capabilities = ["read"] }}
path "{folder}/secrets/{first}"   {{ capabilities = ["read"] }}
path "secret/metadata/authdeck/acme/*" {{ capabilities = ["read", "list"] }}
"#,
            first = first.id
        ),
    );
    let (joiner, environment, _) = joined(&rt, &bao, "member-rights-one-member", "first-only");

    let rights = rt
        .block_on(joiner.core.team_permissions(&environment))
        .expect("ask the vault");
    let read: Vec<(SecretId, bool, Option<String>)> = rights
        .secrets
        .iter()
        .map(|s| (s.secret_id.clone(), s.read.allowed, s.read.refusal.clone()))
        .collect();
    let mut expected = vec![
        (first.id.clone(), true, None),
        (
            second.id.clone(),
            false,
            Some(format!(
                "Your vault policy does not allow reading {folder}/secrets/{} (it needs “read” \
                 there).",
                second.id
            )),
        ),
    ];
    let mut read = read;
    read.sort();
    expected.sort();
    assert_eq!(read, expected);
    // The vault agrees when the values are read.
    let copied = rt.block_on(joiner.core.team_secret_for(&first.id, SecretUse::Copy));
    assert_eq!(copied.expect("the first").expose(), VALUE);
    let refused = rt
        .block_on(joiner.core.team_secret_for(&second.id, SecretUse::Copy))
        .expect_err("not the second");
    assert_eq!(refused.code(), ErrorCode::VaultRefused, "{refused}");
}
