//! Team vaults: the `team` and team `env` verbs against a real OpenBao dev server, the real
//! keychain and the real test authorization server.

mod common;

use authdeck_core::vault::SecretStore;
use common::support::openbao::OpenBao;
use common::team::{MEMBER_POLICY, add_team, folder_holds, shared_by_admin};
use common::{Home, billing};
use serde_json::json;

#[test]
fn dev_server_keeps_kv_v2_versions_at_secret_with_check_and_set() {
    let bao = OpenBao::start();
    let path = "secret/data/authdeck/probe";
    let create = |value: &str| {
        bao.post(
            path,
            &bao.root_token,
            json!({ "data": { "a": value }, "options": { "cas": 0 } }),
        )
    };
    let (status, body) = create("1");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["version"], 1);
    // A second create-only write (cas 0) is refused: the entry exists.
    assert_eq!(create("2").0, 400);
    assert_eq!(bao.kv_data("authdeck/probe"), Some(json!({ "a": "1" })));
}

#[test]
fn team_add_checks_the_token_and_keeps_it_only_in_the_keychain() {
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    let token = bao.token_with(&["acme-member"]);
    let home = Home::new("team-add");
    let added = add_team(&home, &bao, &token);
    assert!(
        added.ok().starts_with("Added the team vault “acme”"),
        "{added:#?}"
    );

    let status = home.run(&["team", "status", "--json"]).json();
    let acme = &status[0];
    assert_eq!(acme["vault"]["name"], "acme");
    assert_eq!(acme["address"], bao.address.as_str());
    assert_eq!(acme["vault"]["path"], "authdeck/acme");
    assert_eq!(acme["policies"], json!(["acme-member", "default"]));
    let ttl = acme["ttl_seconds"].as_i64().expect("a TTL");
    assert!((3500..=3600).contains(&ttl), "{ttl}");

    assert_eq!(
        common::support::secret_tool_lookup(&home.namespace, "team:acme").as_deref(),
        Some(token.as_str())
    );
    assert!(
        !folder_holds(&home, &token),
        "the vault token is in the data folder"
    );
    assert!(!added.stdout.contains(&token) && !added.stderr.contains(&token));

    let removed = home.run(&["team", "rm", "acme"]);
    assert!(removed.ok().starts_with("Removed the team vault “acme”"));
    assert_eq!(
        common::support::secret_tool_lookup(&home.namespace, "team:acme"),
        None
    );
    assert_eq!(home.run(&["team", "status", "--json"]).json(), json!([]));
}

#[test]
fn team_add_with_a_refused_token_or_no_vault_stores_nothing_and_says_why() {
    let bao = OpenBao::start();
    let home = Home::new("team-refused");
    let refused = add_team(&home, &bao, "not-a-token");
    let message = refused.failed(4);
    assert!(
        message
            .starts_with("The team vault “acme” refused the token (HTTP 403: permission denied)"),
        "{message}"
    );
    assert!(!message.contains("not-a-token"), "{message}");

    let nowhere = format!("http://127.0.0.1:{}", common::support::free_port());
    let unreachable = home.run_with_stdin(
        &[
            "team",
            "add",
            "acme",
            "--address",
            &nowhere,
            "--path",
            "authdeck/acme",
            "--token-stdin",
        ],
        "some-token\n",
    );
    let message = unreachable.failed(6);
    assert!(
        message.starts_with(&format!(
            "The team vault “acme” could not be reached; tried {nowhere}: Could not connect to"
        )),
        "{message}"
    );
    assert_eq!(home.run(&["team", "status", "--json"]).json(), json!([]));
    assert_eq!(
        common::support::secret_tool_lookup(&home.namespace, "team:acme"),
        None
    );
}

#[test]
fn a_member_who_joins_mints_with_the_secret_from_the_vault_and_keeps_no_copy() {
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    let (_server, admin) = billing("team-admin", &[]);
    let member = Home::new("team-member");
    let admin_token = bao.token_with(&["acme-member"]);
    let member_token = bao.token_with(&["acme-member"]);
    add_team(&admin, &bao, &admin_token).ok();
    add_team(&member, &bao, &member_token).ok();

    let shared = admin.run(&["env", "share", "Local", "--team", "acme"]);
    assert!(
        shared
            .ok()
            .starts_with("Shared “Local” in the team vault “acme”")
    );
    let setup = bao
        .kv_data("authdeck/acme/local/setup")
        .expect("the set-up in the vault");
    let secret = &setup["secrets"][0];
    assert_eq!(secret["client_id"], "basic-client");
    let id = secret["id"].as_str().expect("a secret ID");
    let value = bao
        .kv_data(&format!("authdeck/acme/local/secrets/{id}"))
        .expect("the value");
    assert_eq!(value["value"], "basic-secret");
    assert_eq!(value["label"], secret["label"]);
    // The admin's keychain no longer holds the secret; their token still comes from it.
    assert_eq!(
        common::support::secret_tool_lookup(&admin.namespace, &format!("secret:{id}")),
        None
    );
    admin.run(&["token", "Billing sync", "--env", "Local"]).ok();

    let joined = member.run(&["env", "join", "acme", "Local"]);
    assert!(
        joined
            .ok()
            .starts_with("Joined “Local” from the team vault “acme”")
    );
    let token = member.run(&["token", "Billing sync", "--env", "Local"]);
    assert!(token.ok().trim().len() > 20, "{token:#?}");
    let secrets = member.run(&["secret", "list", "Billing sync", "--env", "Local", "--json"]);
    assert_eq!(secrets.json()[0]["id"], id);

    // Canary: nothing of the team's secret (nor the vault token) on the member's disk, and in
    // their keychain only their vault token and their own access token.
    for canary in ["basic-secret", member_token.as_str()] {
        assert!(
            !folder_holds(&member, canary),
            "{canary} in the data folder"
        );
    }
    let keychain = common::support::keychain(&member.namespace);
    let mut accounts = keychain.accounts().expect("list the keychain");
    accounts.retain(|account| account != "team:acme");
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert!(accounts[0].starts_with("token:"), "{accounts:?}");
    for account in keychain.accounts().unwrap() {
        let held = common::support::secret_tool_lookup(&member.namespace, &account).unwrap();
        assert!(
            !held.contains("basic-secret"),
            "{account} holds the team's secret"
        );
    }
    common::support::clear_namespace(&admin.namespace);
    common::support::clear_namespace(&member.namespace);
}

/// A server, an admin whose "Local" (with "Billing sync" and its secret `secret`) is shared in
/// `acme`, and a member connected to `acme` with `member_policies`, who has joined it.
fn shared_and_joined(
    test: &str,
    secret: &str,
    member_policies: &[&str],
) -> (common::Server, OpenBao, Home, Home, String) {
    let (server, bao, admin) = shared_by_admin(test, secret);
    let member = Home::new(&format!("{test}-member"));
    let member_token = bao.token_with(member_policies);
    add_team(&member, &bao, &member_token).ok();
    member.run(&["env", "join", "acme", "Local"]).ok();
    (server, bao, admin, member, member_token)
}

#[test]
fn joining_an_environment_the_vault_does_not_hold_names_the_path() {
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    let member = Home::new("team-join-missing");
    add_team(&member, &bao, &bao.token_with(&["acme-member"])).ok();
    let missing = member.run(&["env", "join", "acme", "Staging EU"]);
    assert_eq!(
        missing.failed(3),
        "The team vault “acme” holds no environment “Staging EU” (path \
         secret/authdeck/acme/staging-eu/setup)."
    );
    assert_eq!(member.run(&["envs", "--json"]).json(), json!([]));
    common::support::clear_namespace(&member.namespace);
}

#[test]
fn a_member_whose_policy_does_not_allow_the_secret_is_told_its_path() {
    const SETUP_ONLY: &str = r#"
path "secret/data/authdeck/acme/+/setup" { capabilities = ["read"] }
"#;
    let bao_policy = |bao: &OpenBao| bao.put_policy("acme-setup-only", SETUP_ONLY);
    let server = common::Server::start(&[]);
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    bao_policy(&bao);
    let admin = Home::new("team-policy-admin");
    admin.local_environment(&server);
    admin.app("Local", "Billing sync", "basic-client", "basic-secret");
    add_team(&admin, &bao, &bao.token_with(&["acme-member"])).ok();
    admin.run(&["env", "share", "Local", "--team", "acme"]).ok();
    let member = Home::new("team-policy-member");
    add_team(&member, &bao, &bao.token_with(&["acme-setup-only"])).ok();
    member.run(&["env", "join", "acme", "Local"]).ok();

    let id = member
        .run(&["secret", "list", "Billing sync", "--env", "Local", "--json"])
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = member.run(&["token", "Billing sync", "--env", "Local"]);
    assert_eq!(
        refused.failed(4),
        format!(
            "Your vault policy does not allow reading this secret (path \
             secret/authdeck/acme/local/secrets/{id}; HTTP 403: 1 error occurred: * permission \
             denied)."
        )
    );
    common::support::clear_namespace(&admin.namespace);
    common::support::clear_namespace(&member.namespace);
}

#[test]
fn a_revoked_vault_token_fails_the_next_mint_and_team_login_restores_it() {
    let (_server, bao, admin, member, member_token) =
        shared_and_joined("team-revoked", "basic-secret", &["acme-member"]);
    member
        .run(&["token", "Billing sync", "--env", "Local"])
        .ok();
    bao.revoke(&member_token);
    let refused = member.run(&["token", "Billing sync", "--env", "Local", "--new"]);
    let message = refused.failed(4);
    assert!(
        message
            .starts_with("The team vault “acme” refused the token (HTTP 403: permission denied)"),
        "{message}"
    );
    let fresh = bao.token_with(&["acme-member"]);
    member
        .run_with_stdin(
            &["team", "login", "acme", "--token-stdin"],
            &format!("{fresh}\n"),
        )
        .ok();
    member
        .run(&["token", "Billing sync", "--env", "Local", "--new"])
        .ok();
    assert!(!folder_holds(&member, &fresh) && !folder_holds(&member, "basic-secret"));
    common::support::clear_namespace(&admin.namespace);
    common::support::clear_namespace(&member.namespace);
}

#[test]
fn a_secret_added_by_one_member_is_what_the_others_next_token_uses() {
    // The shared secret is stale: the provider refuses it, until the admin adds the real one.
    let (_server, bao, admin, member, _) =
        shared_and_joined("team-rotate", "stale-secret", &["acme-member"]);
    let refused = member.run(&["token", "Billing sync", "--env", "Local"]);
    assert_eq!(refused.code, 4, "{refused:#?}");

    let added = admin.run_with_stdin(
        &[
            "secret",
            "add",
            "Billing sync",
            "--env",
            "Local",
            "--label",
            "rotated",
        ],
        "basic-secret\n",
    );
    assert!(
        added.ok().ends_with("in “Local” in the team vault.\n"),
        "{added:#?}"
    );
    let setup = bao.kv_data("authdeck/acme/local/setup").unwrap();
    assert_eq!(setup["secrets"].as_array().unwrap().len(), 2);
    assert_eq!(setup["secrets"][1]["label"], "rotated");

    member
        .run(&["token", "Billing sync", "--env", "Local"])
        .ok();
    let listed = member.run(&["secret", "list", "Billing sync", "--env", "Local", "--json"]);
    assert_eq!(listed.json()[0]["label"], "rotated");
    // Neither member keeps a value in the keychain: only vault tokens and access tokens.
    for home in [&admin, &member] {
        let accounts = common::support::keychain(&home.namespace)
            .accounts()
            .unwrap();
        assert!(
            accounts
                .iter()
                .all(|a| a == "team:acme" || a.starts_with("token:")),
            "{accounts:?}"
        );
        assert!(!folder_holds(home, "basic-secret"));
    }
    common::support::clear_namespace(&admin.namespace);
    common::support::clear_namespace(&member.namespace);
}

#[test]
fn sharing_over_another_environment_in_the_vault_writes_nothing() {
    let (server, bao, admin, _member, _) =
        shared_and_joined("team-clash", "basic-secret", &["acme-member"]);
    let before = bao.kv_keys("authdeck/acme/local/secrets");
    assert_eq!(before.len(), 1);
    let other = Home::new("team-clash-other");
    other.local_environment(&server);
    other.app("Local", "Billing sync", "basic-client", "other-secret");
    add_team(&other, &bao, &bao.token_with(&["acme-member"])).ok();
    let clash = other.run(&["env", "share", "Local", "--team", "acme"]);
    assert_eq!(
        clash.failed(7),
        "team: The team vault already holds an environment at secret/authdeck/acme/local (“Local”, 1 \
         secrets; yours: “Local”, 1 secrets); nothing was written. Join it, or rename yours and \
         share again."
    );
    assert_eq!(bao.kv_keys("authdeck/acme/local/secrets"), before);
    // Still a local environment with its secret in the keychain.
    other.run(&["token", "Billing sync", "--env", "Local"]);
    let accounts = common::support::keychain(&other.namespace)
        .accounts()
        .unwrap();
    assert!(
        accounts.iter().any(|a| a.starts_with("secret:")),
        "{accounts:?}"
    );
    for home in [&admin, &other] {
        common::support::clear_namespace(&home.namespace);
    }
}

#[test]
fn an_address_that_does_not_answer_is_passed_over_for_the_next() {
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    let home = Home::new("team-next-address");
    let gone = format!("http://127.0.0.1:{}", common::support::free_port());
    let token = bao.token_with(&["acme-member"]);
    home.run_with_stdin(
        &[
            "team",
            "add",
            "acme",
            "--address",
            &gone,
            "--address",
            &bao.address,
            "--path",
            "authdeck/acme",
            "--token-stdin",
        ],
        &format!("{token}\n"),
    )
    .ok();
    let status = home.run(&["team", "status", "acme", "--json"]).json();
    assert_eq!(status[0]["address"], bao.address.as_str());
    assert_eq!(status[0]["vault"]["addresses"], json!([gone, bao.address]));
    common::support::clear_namespace(&home.namespace);
}

#[test]
fn the_audit_log_says_who_read_and_wrote_a_team_secret_and_never_its_value() {
    let (_server, _bao, admin) = shared_by_admin("team-audit", "basic-secret");
    let as_alice = |args: &[&str], stdin: Option<&str>| {
        let mut command = admin.command(args);
        command.env("USER", "alice");
        match stdin {
            None => common::Run::from(command.output().expect("run authdeck")),
            Some(input) => {
                use std::io::Write;
                let mut child = command
                    .stdin(std::process::Stdio::piped())
                    .spawn()
                    .expect("run authdeck");
                let mut pipe = child.stdin.take().expect("piped stdin");
                pipe.write_all(input.as_bytes()).expect("write stdin");
                drop(pipe);
                common::Run::from(child.wait_with_output().expect("wait for authdeck"))
            }
        }
    };
    let listed = admin.run(&["secret", "list", "Billing sync", "--env", "Local", "--json"]);
    let shared = listed.json()[0].clone();
    let shared_id = shared["id"].as_str().expect("an ID").to_owned();
    let shared_label = shared["label"].as_str().expect("a label").to_owned();

    as_alice(&["token", "Billing sync", "--env", "Local", "--new"], None).ok();
    let verify = [
        "verify",
        "Billing sync",
        shared_id.as_str(),
        "--env",
        "Local",
    ];
    as_alice(&verify, None).ok();
    as_alice(
        &[
            "secret",
            "add",
            "Billing sync",
            "--env",
            "Local",
            "--label",
            "2026-12",
        ],
        Some("audit-canary-added\n"),
    )
    .ok();
    let listed = admin.run(&["secret", "list", "Billing sync", "--env", "Local", "--json"]);
    let added = listed.json().as_array().expect("a list").clone();
    let added_id = added
        .iter()
        .find(|s| s["label"] == "2026-12")
        .and_then(|s| s["id"].as_str())
        .expect("the added secret")
        .to_owned();

    let log = admin.run(&["audit", "--json"]);
    let entries = log.json();
    // Newest first: the add, the verification, the mint, then the share's entry.
    assert_eq!(entries[0]["action"], "secret_added");
    assert_eq!(entries[0]["app_name"], "Billing sync");
    assert_eq!(entries[0]["environment_name"], "Local");
    assert_eq!(
        entries[0]["detail"],
        format!(
            "secret “2026-12” ({added_id}) added to the team vault “acme” by token (local user \
             alice)"
        )
    );
    let read = format!(
        "secret “{shared_label}” ({shared_id}) read from the team vault “acme” by token (local \
         user alice)"
    );
    assert_eq!(entries[1]["action"], "token_minted");
    assert_eq!(
        entries[1]["detail"],
        format!("to verify: {read}; the token was not kept")
    );
    assert_eq!(entries[2]["action"], "token_minted");
    assert_eq!(entries[2]["detail"], format!("read write; {read}"));
    assert_eq!(
        entries[2]["detail"],
        format!(
            "read write; secret “{shared_label}” ({shared_id}) read from the team vault “acme” \
             by token (local user alice)"
        )
    );
    let share = entries
        .as_array()
        .expect("entries")
        .iter()
        .find(|e| {
            e["detail"]
                .as_str()
                .is_some_and(|d| d.contains("shared to"))
        })
        .expect("an entry for the share");
    assert_eq!(share["action"], "secret_added");
    let detail = share["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(&format!(
            "secret “{shared_label}” ({shared_id}) shared to the team vault “acme” by token"
        )),
        "{detail}"
    );
    for canary in ["basic-secret", "audit-canary-added"] {
        assert!(!log.stdout.contains(canary), "{canary} in the audit log");
        assert!(!folder_holds(&admin, canary), "{canary} in the data folder");
    }
    common::support::clear_namespace(&admin.namespace);
}

#[test]
fn remote_create_in_a_team_environment_puts_the_new_secret_in_the_vault_only() {
    let server = common::Server::start(&[]);
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    let admin = Home::new("team-remote-create");
    admin.local_environment(&server);
    admin.app("Local", "Admin", "admin-client", "admin-secret");
    add_team(&admin, &bao, &bao.token_with(&["acme-member"])).ok();
    admin.run(&["env", "share", "Local", "--team", "acme"]).ok();
    admin
        .run(&[
            "remote",
            "connector",
            "--kind",
            "oauth-apps",
            "--url",
            &server.issuer,
            "--auth-app",
            "Admin",
        ])
        .ok();

    let created = admin.run(&["remote", "create", "Reports", "--scope", "read"]);
    let text = created.ok().to_owned();
    assert!(
        text.starts_with("Created “Reports” at the provider (oauthApps/app0001), client ID "),
        "{text}"
    );
    assert!(
        text.ends_with("is in the team vault, the only place it is kept.\n"),
        "{text}"
    );
    let listed = admin.run(&["secret", "list", "Reports", "--env", "Local", "--json"]);
    let secret = listed.json()[0].clone();
    let id = secret["id"].as_str().expect("a secret ID");
    assert_eq!(secret["label"], "Created at the provider");
    // The value is in the vault, listed in the set-up every member reads.
    let held = bao
        .kv_data(&format!("authdeck/acme/local/secrets/{id}"))
        .expect("the value in the vault");
    let value = held["value"].as_str().expect("a value").to_owned();
    assert!(value.len() > 16, "{held}");
    let setup = bao
        .kv_data("authdeck/acme/local/setup")
        .expect("the set-up");
    assert!(
        setup["secrets"]
            .as_array()
            .expect("secrets")
            .iter()
            .any(|s| s["id"] == id && s["label"] == "Created at the provider"),
        "{setup}"
    );
    // ... and nowhere on this computer: not in the keychain, not in the data folder, not
    // printed.
    let keychain = common::support::keychain(&admin.namespace);
    for account in keychain.accounts().expect("list the keychain") {
        let stored = keychain.get(&account).expect("read an entry");
        assert_ne!(stored.expose(), value, "{account} holds the new secret");
    }
    assert!(
        !folder_holds(&admin, &value),
        "the new secret in the data folder"
    );
    assert!(!created.stdout.contains(&value) && !created.stderr.contains(&value));
    // The new app mints with the secret from the vault.
    admin.run(&["token", "Reports", "--env", "Local"]).ok();
    common::support::clear_namespace(&admin.namespace);
}
