//! What leaves the team vault when something of a shared environment is removed: an app's
//! secrets' values with the app (refused whole to a member whose policy cannot delete them),
//! and a whole environment deleted for the team, which the other member is told of; and
//! leaving one, which forgets it here only. Against a real OpenBao dev server, the real
//! keychain and the real test authorization server.

mod common;

use authdeck_core::vault::SecretStore;
use common::Home;
use common::support::openbao::OpenBao;
use common::team::{add_team, shared_by_admin};

const SECRETS: &str = "authdeck/acme/local/secrets";
const SETUP: &str = "authdeck/acme/local/setup";

/// The shared "Local" (with "Billing sync" and its secret) and a member who joined it (the
/// member policy: no `delete`).
fn two_members(test: &str) -> (common::Server, OpenBao, Home, Home) {
    let (server, bao, admin) = shared_by_admin(test, "basic-secret");
    let member = Home::new(&format!("{test}-member"));
    add_team(&member, &bao, &bao.token_with(&["acme-member"])).ok();
    member.run(&["env", "join", "acme", "Local"]).ok();
    (server, bao, admin, member)
}

/// The client IDs of the apps the vault's set-up of "Local" holds.
fn apps_in_vault(bao: &OpenBao) -> Vec<String> {
    let setup = bao.kv_data(SETUP).expect("the set-up");
    setup["export"]["environments"][0]["apps"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|app| app["client_id"].as_str().unwrap().to_owned())
        .collect()
}

/// The names of the environments `home` has.
fn environments(home: &Home) -> Vec<String> {
    let listed = home.run(&["envs", "--json"]).json();
    listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect()
}

fn clear(homes: &[&Home]) {
    for home in homes {
        common::support::clear_namespace(&home.namespace);
    }
}

#[test]
fn removing_an_app_deletes_its_secrets_values_from_the_vault() {
    let (_server, bao, admin, member) = two_members("team-rm-app-values");
    let values = bao.kv_keys(SECRETS);
    assert_eq!(values.len(), 1, "{values:?}");
    admin
        .run(&["app", "rm", "Billing sync", "--env", "Local"])
        .ok();
    assert_eq!(apps_in_vault(&bao), Vec::<String>::new());
    assert_eq!(bao.kv_keys(SECRETS), Vec::<String>::new());
    assert!(
        !bao.kv_exists(&format!("{SECRETS}/{}", values[0])),
        "no version or metadata of the value remains"
    );
    let apps = member.run(&["apps", "--env", "Local", "--json"]).json();
    assert_eq!(apps, serde_json::json!([]));
    clear(&[&admin, &member]);
}

#[test]
fn an_app_whose_secrets_the_members_policy_cannot_delete_is_not_removed() {
    let (_server, bao, admin, member) = two_members("team-rm-app-refused");
    let values = bao.kv_keys(SECRETS);
    let refused = member.run(&["app", "rm", "Billing sync", "--env", "Local"]);
    assert_eq!(
        refused.failed(4),
        format!(
            "“Billing sync” was not removed: your vault policy does not allow deleting its \
             secret (it needs “delete” on secret/metadata/{SECRETS}/{}), and an app removed \
             with its secrets left in the team vault “acme” would leave them readable with no \
             app to show them. Ask a member whose policy allows deleting them (an admin of the \
             team) to remove the app.",
            values[0]
        )
    );
    assert_eq!(apps_in_vault(&bao), ["basic-client"]);
    assert_eq!(bao.kv_keys(SECRETS), values);
    // nothing changed here either: the member still gets tokens with it
    member
        .run(&["token", "Billing sync", "--env", "Local"])
        .ok();
    clear(&[&admin, &member]);
}

#[test]
fn leaving_forgets_the_environment_here_and_leaves_the_vault_untouched() {
    let (_server, bao, admin, member) = two_members("team-leave");
    member
        .run(&["token", "Billing sync", "--env", "Local"])
        .ok();
    let plain_rm = member.run(&["env", "rm", "Local", "--with-apps"]);
    assert_eq!(
        plain_rm.failed(2),
        "“Local” is shared through the team vault “acme”; nothing was deleted. Choose: \
         `authdeck env leave \"Local\"` forgets it on this computer only (the vault and the \
         other members keep it), or `authdeck env rm \"Local\" --for-team` deletes it for the \
         whole team (its set-up and every secret in the vault)."
    );
    assert_eq!(
        member.run(&["env", "leave", "Local"]).ok(),
        "Left “Local”: forgotten on this computer with 1 app, and your tokens and keys of them \
         are gone from the keychain. The team vault “acme” and the other members keep it; \
         `authdeck env join` brings it back.\n"
    );
    assert_eq!(environments(&member), Vec::<String>::new());
    let accounts = common::support::keychain(&member.namespace)
        .accounts()
        .unwrap();
    assert_eq!(
        accounts,
        ["team:acme"],
        "only the team's connection is kept"
    );
    assert_eq!(apps_in_vault(&bao), ["basic-client"]);
    assert_eq!(bao.kv_keys(SECRETS).len(), 1);
    admin.run(&["token", "Billing sync", "--env", "Local"]).ok();
    // a local environment is not left but deleted
    admin
        .run(&["env", "add", "Scratch", "--kind", "sandbox"])
        .ok();
    assert_eq!(
        admin.run(&["env", "leave", "Scratch"]).failed(8),
        "“Scratch” is not shared through a team vault, so there is nothing to leave: delete it \
         instead."
    );
    clear(&[&admin, &member]);
}

#[test]
fn deleting_for_the_team_removes_everything_and_the_other_member_is_told() {
    let (_server, bao, admin, member) = two_members("team-delete-for-team");
    let values = bao.kv_keys(SECRETS);
    // the member's policy does not allow deleting: nothing goes
    let refused = member.run(&["env", "rm", "Local", "--for-team"]);
    assert_eq!(
        refused.failed(4),
        format!(
            "“Local” was not deleted for the team: your vault policy does not allow deleting \
             secret/metadata/{SETUP}, secret/metadata/{SECRETS}/{} (it needs “delete” there); \
             nothing was changed. Leave it instead (forget it on this computer only), or ask an \
             admin of the team to delete it.",
            values[0]
        )
    );
    assert!(bao.kv_exists(SETUP));
    assert_eq!(environments(&member), ["Local"]);

    assert_eq!(
        admin.run(&["env", "rm", "Local", "--for-team"]).ok(),
        "Deleted “Local” for the team: its set-up and every secret are gone from the team \
         vault “acme”, and here with 1 app. Other members are told when they next use it.\n"
    );
    assert!(!bao.kv_exists(SETUP));
    assert_eq!(bao.kv_keys(SECRETS), Vec::<String>::new());
    assert_eq!(environments(&admin), Vec::<String>::new());

    let told = member.run(&["token", "Billing sync", "--env", "Local"]);
    assert_eq!(
        told.failed(3),
        "“Local” was deleted for the team: the team vault “acme” no longer holds it (nothing \
         at secret/authdeck/acme/local/setup). Forget it on this computer with `authdeck env \
         leave \"Local\"` (in the desktop app: Delete environment, then Leave)."
    );
    member.run(&["env", "leave", "Local"]).ok();
    assert_eq!(environments(&member), Vec::<String>::new());
    clear(&[&admin, &member]);
}

#[test]
fn a_production_environment_is_deleted_for_the_team_only_when_named_again() {
    let (_server, bao, admin) = shared_by_admin("team-delete-production", "basic-secret");
    admin
        .run(&["env", "edit", "Local", "--kind", "production"])
        .ok();
    assert_eq!(
        admin.run(&["env", "rm", "Local", "--for-team"]).failed(2),
        "“Local” is a production environment: add --confirm \"Local\" to delete it for the team \
         (there is no terminal to confirm on); nothing was deleted."
    );
    assert_eq!(
        admin
            .run(&["env", "rm", "Local", "--for-team", "--confirm", "Loc"])
            .failed(2),
        "--confirm names “Loc”, not the production environment “Local”; nothing was deleted."
    );
    assert!(bao.kv_exists(SETUP));
    admin
        .run(&["env", "rm", "Local", "--for-team", "--confirm", "Local"])
        .ok();
    assert!(!bao.kv_exists(SETUP));
    clear(&[&admin]);
}
