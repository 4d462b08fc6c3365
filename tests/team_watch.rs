//! Following a team environment's set-up as the desktop does (`Core::follow_team_setup`),
//! against a real OpenBao dev server and the real keychain: two members, one rotating, the
//! other following by the set-up's version; a revoked token told as a sign-in needed.

mod support;

use authdeck_core::model::*;
use authdeck_core::{Core, ErrorCode};
use support::openbao::OpenBao;
use support::team::{Member, connect, member};
use tokio::runtime::Runtime;

const POLICY: &str = r#"
path "secret/data/authdeck/acme/*" { capabilities = ["create", "read", "update"] }
path "secret/metadata/authdeck/acme/*" { capabilities = ["read", "list"] }
"#;

/// Members may write the set-up but not read any metadata: the version comes from the set-up.
const NO_METADATA_POLICY: &str = r#"
path "secret/data/authdeck/acme/*" { capabilities = ["create", "read", "update"] }
"#;

/// A vault, a member who shared "Sandbox" (one app, secret "first") and one who joined it:
/// the vault, the sharer with their environment and app, and the other member's app. The
/// vault's test helper is blocking, so it is called outside the runtime the core runs on.
fn shared(
    rt: &Runtime,
    test: &str,
    policy: &str,
) -> (OpenBao, Member, Member, EnvironmentId, AppId, AppId) {
    let bao = OpenBao::start();
    bao.put_policy("acme-member", policy);
    let sharer = member(&format!("{test}-sharer"));
    let (environment, app) = support::environment_and_app(&sharer.core);
    support::add(&sharer.core, &app, "first", "team-watch-first-1111");
    connect(rt, &sharer, &bao, &bao.token_with(&["acme-member"]));
    rt.block_on(sharer.core.share_environment(&environment.id, "acme"))
        .expect("share");
    let other = member(&format!("{test}-other"));
    connect(rt, &other, &bao, &bao.token_with(&["acme-member"]));
    let joined = rt
        .block_on(other.core.join_environment("acme", "Sandbox"))
        .expect("join");
    let other_app = other.core.apps(&joined.id).unwrap()[0].id.clone();
    (bao, sharer, other, environment.id, app.id, other_app)
}

/// The other member adds "second" and retires "first", as a rotation does.
fn rotate(rt: &Runtime, other: &Member, app: &AppId) {
    let first = other.core.secrets(app).unwrap()[0].id.clone();
    rt.block_on(other.core.add_team_secret(SecretInput {
        app_id: app.clone(),
        label: "second".into(),
        value: Secret::new("team-watch-second-2222"),
        provider_created_at: None,
    }))
    .expect("add the new secret");
    rt.block_on(
        other
            .core
            .set_team_secret_state(&first, SecretState::Retired),
    )
    .expect("retire the old one");
}

/// What a look at the set-up as `member` gives.
fn look(
    rt: &Runtime,
    member: &Member,
    environment: &EnvironmentId,
    seen: Option<u64>,
) -> authdeck_core::Result<u64> {
    rt.block_on(member.core.follow_team_setup(environment, seen))
}

fn states(core: &Core, app: &AppId) -> Vec<(String, SecretState)> {
    let mut states: Vec<_> = core
        .secrets(app)
        .unwrap()
        .into_iter()
        .map(|s| (s.label, s.state))
        .collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    states
}

#[test]
fn a_rotation_by_another_member_is_followed_when_the_setup_version_moves_on() {
    let rt = Runtime::new().unwrap();
    let (_bao, sharer, other, environment, app, other_app) = shared(&rt, "watch-rotation", POLICY);
    let first_seen = look(&rt, &sharer, &environment, None).expect("the first look");
    assert_eq!(
        look(&rt, &sharer, &environment, Some(first_seen)).unwrap(),
        first_seen,
        "an unchanged set-up keeps its version"
    );

    rotate(&rt, &other, &other_app);
    // Told the old version, the member follows: the new secret is theirs, the old retired.
    let moved = look(&rt, &sharer, &environment, Some(first_seen)).unwrap();
    assert_eq!(
        moved,
        first_seen + 2,
        "one write for the add, one for the retire"
    );
    assert_eq!(
        states(&sharer.core, &app),
        [
            ("first".to_owned(), SecretState::Retired),
            ("second".to_owned(), SecretState::Active)
        ]
    );
}

#[test]
fn a_policy_without_metadata_reads_still_follows_by_the_setup_itself() {
    let rt = Runtime::new().unwrap();
    let (_bao, sharer, other, environment, app, other_app) =
        shared(&rt, "watch-no-metadata", NO_METADATA_POLICY);
    let seen = look(&rt, &sharer, &environment, None).expect("the version read from the set-up");
    rotate(&rt, &other, &other_app);
    assert_eq!(
        look(&rt, &sharer, &environment, Some(seen)).unwrap(),
        seen + 2
    );
    assert_eq!(
        states(&sharer.core, &app)[1],
        ("second".to_owned(), SecretState::Active)
    );
}

#[test]
fn a_token_the_vault_revoked_is_a_sign_in_needed_not_a_policy_refusal() {
    let rt = Runtime::new().unwrap();
    let (bao, sharer, _other, environment, _app, _) = shared(&rt, "watch-revoked", POLICY);
    let token = support::secret_tool_lookup(&sharer.namespace, "team:acme").expect("the token");
    bao.revoke(token.trim());
    let error = look(&rt, &sharer, &environment, None).expect_err("a revoked token");
    assert_eq!(error.code(), ErrorCode::VaultSignInRequired, "{error}");
    assert_eq!(
        error.to_string(),
        "The team vault “acme” no longer takes this computer's token (revoked or expired): \
         sign in again (`authdeck team login acme`)."
    );
}
