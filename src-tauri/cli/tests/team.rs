//! Team vaults: the `team` and team `env` verbs against a real OpenBao dev server, the real
//! keychain and the real test authorization server.

mod common;

use authdeck_core::vault::SecretStore;
use common::support::openbao::OpenBao;
use common::{Home, Run, billing};
use serde_json::json;

/// Members of the team read and write everything under the team's path.
const MEMBER_POLICY: &str = r#"
path "secret/data/authdeck/acme/*" { capabilities = ["create", "read", "update"] }
path "secret/metadata/authdeck/acme/*" { capabilities = ["read", "list"] }
"#;

/// Connects `home` to the team vault `acme` at `bao` with `token`.
fn add_team(home: &Home, bao: &OpenBao, token: &str) -> Run {
    home.run_with_stdin(
        &[
            "team",
            "add",
            "acme",
            "--address",
            &bao.address,
            "--path",
            "authdeck/acme",
            "--token-stdin",
        ],
        &format!("{token}\n"),
    )
}

/// Whether any file of the data folder holds `value`.
fn folder_holds(home: &Home, value: &str) -> bool {
    common::files_under(&home.path()).iter().any(|file| {
        let bytes = std::fs::read(file).expect("read a data file");
        bytes.windows(value.len()).any(|w| w == value.as_bytes())
    })
}

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
