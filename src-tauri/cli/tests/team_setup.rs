//! Apps added, edited (a new client ID too), removed and imported in a shared environment
//! reach the other member through the vault's set-up, and two members' changes of the same
//! field are a conflict shown with both sides, against a real OpenBao dev server, the real
//! keychain and the real test authorization server.

mod common;

use authdeck_core::vault::SecretStore;
use common::Home;
use common::support::openbao::OpenBao;
use common::team::{ADMIN_POLICY, MEMBER_POLICY, add_team, shared_by_admin};
use serde_json::{Value, json};

/// The shared "Local" (with "Billing sync") and a member who joined it.
fn two_members(test: &str) -> (common::Server, OpenBao, Home, Home) {
    let (server, bao, admin) = shared_by_admin(test, "basic-secret");
    let member = Home::new(&format!("{test}-member"));
    add_team(&member, &bao, &bao.token_with(&["acme-member"])).ok();
    member.run(&["env", "join", "acme", "Local"]).ok();
    (server, bao, admin, member)
}

/// The apps the vault's set-up of "Local" holds, by client ID.
fn in_vault(bao: &OpenBao) -> Vec<Value> {
    let setup = bao
        .kv_data("authdeck/acme/local/setup")
        .expect("the set-up");
    setup["export"]["environments"][0]["apps"]
        .as_array()
        .expect("a list")
        .clone()
}

/// The description of the app with `client_id` in the vault's set-up.
fn described_in_vault(bao: &OpenBao, client_id: &str) -> String {
    let app = in_vault(bao)
        .into_iter()
        .find(|a| a["client_id"] == client_id)
        .unwrap_or_else(|| panic!("{client_id} in the vault's set-up"));
    app["description"].as_str().unwrap().to_owned()
}

/// (client ID, description) of each app `home` has in "Local", after listing its apps (which
/// follows the vault's set-up), as its export shows them.
fn listed(home: &Home) -> Vec<(String, String)> {
    home.run(&["apps", "--env", "Local", "--json"]).ok();
    let export = home.run(&["export", "-"]).json();
    let mut apps: Vec<(String, String)> = export["environments"][0]["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|app| {
            (
                app["client_id"].as_str().unwrap().to_owned(),
                app["description"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    apps.sort();
    apps
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

fn describe(home: &Home, app: &str, text: &str, extra: &[&str]) -> common::Run {
    let mut args = vec!["app", "edit", app, "--env", "Local", "--description", text];
    args.extend_from_slice(extra);
    home.run(&args)
}

fn clear(homes: &[&Home]) {
    for home in homes {
        common::support::clear_namespace(&home.namespace);
    }
}

#[test]
fn an_app_added_by_one_member_appears_for_the_other_and_goes_when_removed() {
    let (_server, bao, admin, member) = two_members("team-setup-add");
    admin
        .run(&[
            "app",
            "add",
            "Reports",
            "--env",
            "Local",
            "--client-id",
            "reports-client",
            "--public",
            "--description",
            "monthly",
            "--dpop",
        ])
        .ok();
    let reports = in_vault(&bao)
        .into_iter()
        .find(|a| a["client_id"] == "reports-client")
        .expect("the new app in the vault's set-up");
    assert_eq!(reports["display_name"], "Reports");
    assert_eq!(reports["dpop"], true);
    assert_eq!(
        listed(&member),
        pairs(&[("basic-client", ""), ("reports-client", "monthly")])
    );
    // The member's token of an app the admin removes leaves the member's keychain with it.
    member
        .run(&["token", "Billing sync", "--env", "Local"])
        .ok();
    admin
        .run(&["app", "rm", "Billing sync", "--env", "Local"])
        .ok();
    assert_eq!(
        in_vault(&bao)
            .iter()
            .map(|a| a["client_id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["reports-client"]
    );
    let setup = bao.kv_data("authdeck/acme/local/setup").unwrap();
    assert_eq!(setup["secrets"], serde_json::json!([]));
    assert_eq!(listed(&member), pairs(&[("reports-client", "monthly")]));
    let accounts = common::support::keychain(&member.namespace)
        .accounts()
        .unwrap();
    assert!(
        accounts
            .iter()
            .all(|a| a.starts_with("team:") || a.starts_with("dpop")),
        "{accounts:?}"
    );
    clear(&[&admin, &member]);
}

#[test]
fn edits_of_different_apps_by_two_members_are_both_kept() {
    let (_server, bao, admin, member) = two_members("team-setup-merge");
    admin
        .run(&[
            "app",
            "add",
            "Reports",
            "--env",
            "Local",
            "--client-id",
            "reports-client",
            "--public",
        ])
        .ok();
    listed(&member);
    // The member edits without reading the admin's change first: merged, not overwritten.
    describe(&admin, "Billing sync", "by the admin", &[]).ok();
    describe(&member, "Reports", "by the member", &[]).ok();
    assert_eq!(described_in_vault(&bao, "basic-client"), "by the admin");
    assert_eq!(described_in_vault(&bao, "reports-client"), "by the member");
    let both = pairs(&[
        ("basic-client", "by the admin"),
        ("reports-client", "by the member"),
    ]);
    assert_eq!(listed(&member), both);
    assert_eq!(listed(&admin), both);
    clear(&[&admin, &member]);
}

#[test]
fn the_same_field_edited_by_both_is_a_conflict_showing_both_until_one_is_chosen() {
    let (_server, bao, admin, member) = two_members("team-setup-conflict");
    describe(&admin, "Billing sync", "by the admin", &[]).ok();
    let conflict = describe(&member, "Billing sync", "by the member", &[]);
    assert_eq!(conflict.code, 7, "{conflict:#?}");
    assert_eq!(conflict.stdout, "");
    let lines: Vec<&str> = conflict.stderr.lines().collect();
    assert!(
        lines[0].starts_with("authdeck: Another member changed the same fields of this team environment's set-up (theirs written 20"),
        "{lines:?}"
    );
    assert!(lines[0].ends_with("); nothing was written:"), "{lines:?}");
    assert_eq!(
        &lines[1..],
        [
            "authdeck: app “Billing sync” (basic-client) description: yours \"by the member\", theirs \"by the admin\"",
            "authdeck: Run it again with --keep-mine or --take-theirs.",
        ]
    );
    assert_eq!(described_in_vault(&bao, "basic-client"), "by the admin");

    describe(&member, "Billing sync", "by the member", &["--keep-mine"]).ok();
    assert_eq!(described_in_vault(&bao, "basic-client"), "by the member");
    // The admin, not having read that, now conflicts and takes the member's.
    let again = describe(&admin, "Billing sync", "the admin's second", &[]);
    assert_eq!(again.code, 7, "{again:#?}");
    describe(
        &admin,
        "Billing sync",
        "the admin's second",
        &["--take-theirs"],
    )
    .ok();
    assert_eq!(described_in_vault(&bao, "basic-client"), "by the member");
    let theirs = pairs(&[("basic-client", "by the member")]);
    assert_eq!(listed(&admin), theirs);
    assert_eq!(listed(&member), theirs);
    clear(&[&admin, &member]);
}

#[test]
fn a_conflict_names_who_wrote_theirs_by_their_vault_identity() {
    let server = common::Server::start(&[]);
    let bao = OpenBao::start();
    bao.put_policy("acme-member", MEMBER_POLICY);
    bao.put_policy("acme-admin", ADMIN_POLICY);
    // The vault names a token made with display name "alice" `token-alice`.
    let signed_in = |policy: &str, name: &str| {
        bao.token_from(json!({ "policies": [policy], "ttl": "1h", "display_name": name }))
    };
    let alice = Home::new("team-setup-author-alice");
    alice.local_environment(&server);
    alice.app("Local", "Billing sync", "basic-client", "basic-secret");
    add_team(&alice, &bao, &signed_in("acme-admin", "alice")).ok();
    alice.run(&["env", "share", "Local", "--team", "acme"]).ok();
    let bob = Home::new("team-setup-author-bob");
    add_team(&bob, &bao, &signed_in("acme-member", "bob")).ok();
    bob.run(&["env", "join", "acme", "Local"]).ok();
    let written_by = || {
        bao.kv_data("authdeck/acme/local/setup")
            .expect("the set-up")["written_by"]
            .clone()
    };
    assert_eq!(written_by(), "token-alice", "sharing signs the set-up");

    describe(&alice, "Billing sync", "alice's", &[]).ok();
    let conflict = describe(&bob, "Billing sync", "bob's", &[]);
    assert_eq!(conflict.code, 7, "{conflict:#?}");
    let first = conflict.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("authdeck: Another member changed the same fields of this team environment's set-up (theirs written 20")
            && first.ends_with(" by token-alice); nothing was written:"),
        "{conflict:#?}"
    );
    describe(&bob, "Billing sync", "bob's", &["--keep-mine"]).ok();
    assert_eq!(written_by(), "token-bob");
    let conflict = describe(&alice, "Billing sync", "alice's second", &[]);
    assert_eq!(conflict.code, 7, "{conflict:#?}");
    let first = conflict.stderr.lines().next().unwrap_or_default();
    assert!(
        first.ends_with(" by token-bob); nothing was written:"),
        "{conflict:#?}"
    );
    clear(&[&alice, &bob]);
}

#[test]
fn removing_an_app_another_member_edited_is_a_conflict() {
    // the admin removes (the member's policy may not delete the app's secret's value)
    let (_server, bao, admin, member) = two_members("team-setup-removal");
    describe(&member, "Billing sync", "by the member", &[]).ok();
    let conflict = admin.run(&["app", "rm", "Billing sync", "--env", "Local"]);
    assert_eq!(conflict.code, 7, "{conflict:#?}");
    assert_eq!(
        conflict.stderr.lines().nth(1),
        Some(
            "authdeck: app “Billing sync” (basic-client) app: yours (removed), theirs {\"description\":\"by the member\"}"
        )
    );
    assert_eq!(described_in_vault(&bao, "basic-client"), "by the member");
    assert_eq!(bao.kv_keys("authdeck/acme/local/secrets").len(), 1);

    admin
        .run(&["app", "rm", "Billing sync", "--env", "Local", "--keep-mine"])
        .ok();
    assert_eq!(in_vault(&bao), Vec::<Value>::new());
    assert_eq!(
        bao.kv_keys("authdeck/acme/local/secrets"),
        Vec::<String>::new()
    );
    assert_eq!(listed(&member), Vec::<(String, String)>::new());
    clear(&[&admin, &member]);
}

/// An app in "Local" that only `home`'s store holds, as an Authdeck from before app changes
/// went through the vault left one: added in another environment, then moved under the shared
/// one in the store itself, and the store's mark that its rows followed the vault taken away
/// (that Authdeck never made one).
fn app_only_here(home: &Home, name: &str, client_id: &str) {
    home.run(&["env", "add", "Scratch", "--kind", "sandbox"])
        .ok();
    home.run(&[
        "app",
        "add",
        name,
        "--env",
        "Scratch",
        "--client-id",
        client_id,
        "--public",
    ])
    .ok();
    let store = rusqlite::Connection::open(home.path().join(authdeck_core::DATABASE_FILE))
        .expect("the store");
    let moved = store
        .execute(
            "UPDATE apps SET environment_id = \
             (SELECT id FROM environments WHERE name = 'Local') WHERE client_id = ?1",
            [client_id],
        )
        .unwrap();
    assert_eq!(moved, 1);
    let unmarked = store
        .execute(
            "DELETE FROM settings WHERE key LIKE 'team_rows_in_line:%'",
            [],
        )
        .unwrap();
    assert_eq!(unmarked, 1);
}

#[test]
fn an_app_only_this_computer_holds_is_offered_to_the_vault_not_removed() {
    let (_server, bao, admin, member) = two_members("team-setup-adopt");
    app_only_here(&admin, "Legacy", "-legacy-client");
    // the admin's next follow puts it in the set-up instead of removing it here
    assert_eq!(
        listed(&admin),
        pairs(&[("-legacy-client", ""), ("basic-client", "")])
    );
    assert!(
        in_vault(&bao)
            .iter()
            .any(|a| a["client_id"] == "-legacy-client"),
        "the app only the admin held is in the vault's set-up"
    );
    assert_eq!(
        listed(&member),
        pairs(&[("-legacy-client", ""), ("basic-client", "")])
    );
    // once offered, the set-up is the truth: removed by the member, it goes for the admin too
    member.run(&["app", "rm", "Legacy", "--env", "Local"]).ok();
    assert_eq!(listed(&admin), pairs(&[("basic-client", "")]));
    clear(&[&admin, &member]);
}

#[test]
fn an_app_only_here_stays_when_the_vault_does_not_take_it() {
    let (_server, bao, admin, member) = two_members("team-setup-keep");
    // the member's policy may not update the set-up (acme-member reads and writes secrets)
    bao.put_policy(
        "acme-read",
        r#"
path "secret/data/authdeck/acme/*" { capabilities = ["read"] }
path "secret/metadata/authdeck/acme/*" { capabilities = ["read", "list"] }
"#,
    );
    let read_only = bao.token_with(&["acme-read"]);
    member
        .run_with_stdin(
            &["team", "login", "acme", "--token-stdin"],
            &format!("{read_only}\n"),
        )
        .ok();
    app_only_here(&member, "Legacy", "legacy-client");
    assert_eq!(
        listed(&member),
        pairs(&[("basic-client", ""), ("legacy-client", "")]),
        "kept here while the vault does not take it"
    );
    assert!(
        in_vault(&bao)
            .iter()
            .all(|a| a["client_id"] != "legacy-client")
    );
    clear(&[&admin, &member]);
}

/// `home`'s export of "Local" with "Billing sync" described as `description` and a public
/// app `client_id` added.
fn import_file(home: &Home, description: &str, client_id: &str) -> String {
    let mut file = home.run(&["export", "-"]).json();
    let apps = file["environments"][0]["apps"].as_array_mut().unwrap();
    apps[0]["description"] = description.into();
    let mut added = apps[0].clone();
    added["display_name"] = "Imported".into();
    added["client_id"] = client_id.into();
    added["client_type"] = "public".into();
    added["auth_method"] = "none".into();
    added["description"] = "".into();
    apps.push(added);
    file.to_string()
}

#[test]
fn an_import_into_a_shared_environment_reaches_the_other_member_through_the_vault() {
    let (_server, bao, admin, member) = two_members("team-setup-import");
    let file = import_file(&admin, "imported", "-imported-client");
    admin.run_with_stdin(&["import", "-"], &file).ok();
    assert_eq!(described_in_vault(&bao, "basic-client"), "imported");
    assert_eq!(described_in_vault(&bao, "-imported-client"), "");
    let both = pairs(&[("-imported-client", ""), ("basic-client", "imported")]);
    assert_eq!(listed(&member), both);
    assert_eq!(listed(&admin), both);
    clear(&[&admin, &member]);
}

#[test]
fn an_import_over_another_members_change_of_the_same_field_is_a_conflict() {
    let (_server, bao, admin, member) = two_members("team-setup-import-conflict");
    describe(&member, "Billing sync", "by the member", &[]).ok();
    let file = import_file(&admin, "imported", "-imported-client");
    let conflict = admin.run_with_stdin(&["import", "-"], &file);
    assert_eq!(conflict.code, 7, "{conflict:#?}");
    assert_eq!(
        conflict.stderr.lines().nth(1),
        Some(
            "authdeck: app “Billing sync” (basic-client) description: yours \"imported\", theirs \"by the member\""
        )
    );
    assert_eq!(
        in_vault(&bao)
            .iter()
            .map(|a| a["client_id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["basic-client"],
        "nothing of the import was written"
    );
    admin
        .run_with_stdin(&["import", "-", "--take-theirs"], &file)
        .ok();
    assert_eq!(described_in_vault(&bao, "basic-client"), "by the member");
    assert_eq!(
        listed(&member),
        pairs(&[("-imported-client", ""), ("basic-client", "by the member")])
    );
    clear(&[&admin, &member]);
}

/// The IDs and client IDs of the secrets `home` lists for the app `app` in "Local".
fn secrets_of(home: &Home, app: &str) -> Vec<String> {
    let listed = home
        .run(&["secret", "list", app, "--env", "Local", "--json"])
        .json();
    listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_new_client_id_reaches_the_other_member_and_the_app_keeps_its_secret() {
    let (_server, bao, admin, member) = two_members("team-setup-client-id");
    let values = bao.kv_keys("authdeck/acme/local/secrets");
    assert_eq!(secrets_of(&member, "Billing sync"), values);
    admin
        .run(&[
            "app",
            "edit",
            "Billing sync",
            "--env",
            "Local",
            "--client-id",
            "-billing-2",
        ])
        .ok();
    let setup = bao.kv_data("authdeck/acme/local/setup").unwrap();
    assert_eq!(
        setup["export"]["environments"][0]["apps"][0]["client_id"],
        "-billing-2"
    );
    assert_eq!(setup["secrets"][0]["id"], values[0].as_str());
    assert_eq!(setup["secrets"][0]["client_id"], "-billing-2");
    // the value stays where it was, saying the new client ID
    assert_eq!(bao.kv_keys("authdeck/acme/local/secrets"), values);
    let value = bao
        .kv_data(&format!("authdeck/acme/local/secrets/{}", values[0]))
        .unwrap();
    assert_eq!(value["client_id"], "-billing-2");
    assert_eq!(value["value"], "basic-secret");
    assert_eq!(listed(&member), pairs(&[("-billing-2", "")]));
    assert_eq!(secrets_of(&member, "Billing sync"), values);
    assert_eq!(secrets_of(&admin, "Billing sync"), values);
    clear(&[&admin, &member]);
}

#[test]
fn an_app_does_not_move_between_a_team_environment_and_a_local_one() {
    let (_server, bao, admin, member) = two_members("team-setup-move");
    admin
        .run(&["env", "add", "Scratch", "--kind", "sandbox"])
        .ok();
    let refused = admin.run(&[
        "app",
        "edit",
        "Billing sync",
        "--env",
        "Local",
        "--move-to",
        "Scratch",
    ]);
    assert_eq!(
        refused.failed(7),
        "--env: An app does not move into or out of a team environment: its secrets' \
         values live in the team vault for every member, and moving them would take them from \
         the team or copy them to this computer. Add it to the other environment (with its \
         secret) and remove it here instead."
    );
    admin
        .run(&[
            "app",
            "add",
            "Scratch app",
            "--env",
            "Scratch",
            "--client-id",
            "scratch-client",
            "--public",
        ])
        .ok();
    let into = admin.run(&[
        "app",
        "edit",
        "Scratch app",
        "--env",
        "Scratch",
        "--move-to",
        "Local",
    ]);
    assert!(
        into.failed(7)
            .starts_with("--env: An app does not move into or out of a team environment"),
        "{into:#?}"
    );
    assert_eq!(
        in_vault(&bao)
            .iter()
            .map(|a| a["client_id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["basic-client"]
    );
    clear(&[&admin, &member]);
}
