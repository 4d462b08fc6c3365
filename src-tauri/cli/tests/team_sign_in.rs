//! Signing in to a team vault by userpass and AppRole against a real OpenBao dev server and
//! the real keychain: the token the vault gives is kept in the keychain only, the username or
//! role ID in the store, and the password or secret ID nowhere.

mod common;

use common::Home;
use common::support::openbao::OpenBao;
use common::support::secret_tool_lookup;
use common::team::{MEMBER_POLICY, add_team_by, folder_holds};
use serde_json::json;

const PASSWORD: &str = "canary-password-8f3e1c";
/// How alice signs in: username and password, the password on stdin.
const ALICE_BY_PASSWORD: &[&str] = &[
    "--method",
    "userpass",
    "--username",
    "alice",
    "--password-stdin",
];

/// A dev server with userpass at `auth/userpass/` and the user alice (member policy).
fn with_alice() -> OpenBao {
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    bao.enable_auth("userpass", "userpass");
    bao.add_user("userpass", "alice", PASSWORD, &["acme-member"]);
    bao
}

/// The vault token `home` keeps for `acme`, which must still be one the vault takes, and the
/// only entry of its keychain.
fn kept_token(bao: &OpenBao, home: &Home) -> String {
    use authdeck_core::vault::SecretStore;
    let accounts = common::support::keychain(&home.namespace)
        .accounts()
        .unwrap();
    assert_eq!(accounts, ["team:acme"]);
    let token = secret_tool_lookup(&home.namespace, "team:acme").expect("a token in the keychain");
    assert!(bao.look_up(&token).is_some(), "the kept token is refused");
    token
}

#[test]
fn userpass_sign_in_keeps_the_username_and_the_token_never_the_password() {
    let bao = with_alice();
    let home = Home::new("team-userpass");
    let added = add_team_by(&home, &bao, ALICE_BY_PASSWORD, PASSWORD);
    assert!(
        added.ok().starts_with("Added the team vault “acme”"),
        "{added:#?}"
    );
    let status = home.run(&["team", "status", "--json"]).json();
    assert_eq!(
        status[0]["vault"]["sign_in"],
        json!({ "method": "userpass", "username": "alice", "mount": "userpass" })
    );
    assert_eq!(status[0]["display_name"], "userpass-alice");
    assert_eq!(status[0]["policies"], json!(["acme-member", "default"]));
    let first = kept_token(&bao, &home);

    // A later sign-in needs only the password: the username and mount were kept.
    let again = home.run_with_stdin(&["team", "login", "acme", "--password-stdin"], PASSWORD);
    assert!(
        again
            .ok()
            .starts_with("The team vault “acme” has a new token"),
        "{again:#?}"
    );
    let second = kept_token(&bao, &home);
    assert_ne!(first, second);

    for run in [&added, &again] {
        assert!(!run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD));
    }
    for canary in [PASSWORD, first.as_str(), second.as_str()] {
        assert!(
            !folder_holds(&home, canary),
            "{canary} is in the data folder"
        );
    }
    common::support::clear_namespace(&home.namespace);
}

#[test]
fn a_wrong_password_is_refused_in_the_vaults_words_and_keeps_the_old_token() {
    let bao = with_alice();
    let home = Home::new("team-userpass-wrong");
    let wrong = add_team_by(&home, &bao, ALICE_BY_PASSWORD, "not-the-password");
    assert_eq!(
        wrong.failed(4),
        "The team vault “acme” refused the userpass sign-in (HTTP 400: invalid username or \
         password)."
    );
    assert_eq!(home.run(&["team", "status", "--json"]).json(), json!([]));
    assert_eq!(secret_tool_lookup(&home.namespace, "team:acme"), None);

    add_team_by(&home, &bao, ALICE_BY_PASSWORD, PASSWORD).ok();
    let kept = kept_token(&bao, &home);
    let wrong_login = home.run_with_stdin(
        &["team", "login", "acme", "--password-stdin"],
        "wrong-again\n",
    );
    assert_eq!(wrong_login.code, 4, "{wrong_login:#?}");
    assert!(!wrong_login.stderr.contains("wrong-again"));
    assert_eq!(kept_token(&bao, &home), kept);

    // The kept method says which flag brings its credential.
    let mixed = home.run_with_stdin(&["team", "login", "acme", "--token-stdin"], "x\n");
    assert_eq!(
        mixed.failed(2),
        "“acme” signs in with userpass: give the password with --password-stdin, not \
         --token-stdin."
    );
    assert!(!folder_holds(&home, "not-the-password") && !folder_holds(&home, "wrong-again"));
    common::support::clear_namespace(&home.namespace);
}

#[test]
fn approle_sign_in_keeps_the_role_id_and_never_the_secret_id() {
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    bao.enable_auth("ci-machines", "approle");
    let role_id = bao.add_role("ci-machines", "deploy", &["acme-member"]);
    let secret_id = bao.new_secret_id("ci-machines", "deploy");
    let home = Home::new("team-approle");
    let sign_in = [
        "--method",
        "approle",
        "--role-id",
        role_id.as_str(),
        "--auth-mount",
        "ci-machines",
        "--secret-id-stdin",
    ];
    let added = add_team_by(&home, &bao, &sign_in, &secret_id);
    assert!(
        added.ok().starts_with("Added the team vault “acme”"),
        "{added:#?}"
    );
    let status = home.run(&["team", "status", "--json"]).json();
    assert_eq!(
        status[0]["vault"]["sign_in"],
        json!({ "method": "approle", "role_id": role_id, "mount": "ci-machines" })
    );
    assert_eq!(status[0]["display_name"], "ci-machines");
    let first = kept_token(&bao, &home);

    let wrong = home.run_with_stdin(&["team", "login", "acme", "--secret-id-stdin"], "bad-id\n");
    assert_eq!(
        wrong.failed(4),
        "The team vault “acme” refused the approle sign-in (HTTP 400: invalid role or secret \
         ID)."
    );
    assert_eq!(kept_token(&bao, &home), first);

    let next_secret_id = bao.new_secret_id("ci-machines", "deploy");
    home.run_with_stdin(
        &["team", "login", "acme", "--secret-id-stdin"],
        &next_secret_id,
    )
    .ok();
    let second = kept_token(&bao, &home);
    assert_ne!(first, second);
    for canary in [&secret_id, &next_secret_id, &first, &second] {
        assert!(
            !folder_holds(&home, canary),
            "{canary} is in the data folder"
        );
        assert!(!added.stdout.contains(canary.as_str()) && !added.stderr.contains(canary.as_str()));
    }
    common::support::clear_namespace(&home.namespace);
}

#[test]
fn a_sign_in_method_the_vault_has_not_enabled_names_the_mount() {
    let bao = OpenBao::start();
    let home = Home::new("team-no-method");
    let missing = add_team_by(&home, &bao, ALICE_BY_PASSWORD, PASSWORD);
    assert_eq!(
        missing.failed(8),
        "The team vault “acme” has no userpass sign-in at auth/userpass/ (HTTP 403: permission \
         denied): check the auth mount (--auth-mount) or ask the vault's admin to enable it."
    );
    // userpass is enabled, but not where this AppRole sign-in looks.
    bao.enable_auth("userpass", "userpass");
    let elsewhere = add_team_by(
        &home,
        &bao,
        &[
            "--method",
            "approle",
            "--role-id",
            "r",
            "--auth-mount",
            "userpass",
            "--secret-id-stdin",
        ],
        "s",
    );
    assert!(
        elsewhere
            .failed(8)
            .starts_with("The team vault “acme” has no approle sign-in at auth/userpass/"),
        "{elsewhere:#?}"
    );
    let no_username = add_team_by(
        &home,
        &bao,
        &["--method", "userpass", "--password-stdin"],
        "p",
    );
    assert_eq!(
        no_username.failed(2),
        "--method userpass needs --username NAME."
    );
    assert_eq!(home.run(&["team", "status", "--json"]).json(), json!([]));
    assert_eq!(secret_tool_lookup(&home.namespace, "team:acme"), None);
}
