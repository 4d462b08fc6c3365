//! Retiring, reactivating and removing a team secret in the vault, seen by a second member,
//! against a real OpenBao dev server, the real keychain and the real test authorization
//! server.

mod common;

use common::Home;
use common::support::openbao::OpenBao;
use common::team::{add_team, folder_holds, shared_by_admin};
use serde_json::Value;

/// The shared "Local" with a stale secret and the working one ("rotated", added later), and
/// a member who joined it: the server, vault, admin, member and the two secrets' IDs.
fn rotated(test: &str) -> (common::Server, OpenBao, Home, Home, String, String) {
    let (server, bao, admin) = shared_by_admin(test, "stale-secret");
    admin
        .run_with_stdin(
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
        )
        .ok();
    let member = Home::new(&format!("{test}-member"));
    add_team(&member, &bao, &bao.token_with(&["acme-member"])).ok();
    member.run(&["env", "join", "acme", "Local"]).ok();
    let ids: Vec<String> = listed(&bao)
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let [old, new] = ids.as_slice() else {
        panic!("two secrets listed: {ids:?}");
    };
    (server, bao, admin, member, old.clone(), new.clone())
}

/// The secrets the shared set-up in the vault lists.
fn listed(bao: &OpenBao) -> Vec<Value> {
    let setup = bao
        .kv_data("authdeck/acme/local/setup")
        .expect("the set-up");
    setup["secrets"].as_array().expect("a list").clone()
}

/// `secret VERB "Billing sync" ID --env Local` as `home`.
fn secret_verb(home: &Home, verb: &str, id: &str) -> common::Run {
    home.run(&["secret", verb, "Billing sync", id, "--env", "Local"])
}

/// The member's secrets of "Billing sync" after a mint (which follows the vault's set-up).
fn member_sees(member: &Home) -> Vec<(String, String)> {
    member
        .run(&["token", "Billing sync", "--env", "Local", "--new"])
        .ok();
    let list = member.run(&["secret", "list", "Billing sync", "--env", "Local", "--json"]);
    list.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_team_secret_retired_then_removed_by_an_admin_is_so_for_the_other_member() {
    let (_server, bao, admin, member, old, new) = rotated("team-states");
    let retired = secret_verb(&admin, "retire", &old);
    assert!(
        retired
            .ok()
            .ends_with("in the team vault: kept there, no longer used by any member.\n"),
        "{retired:#?}"
    );
    assert_eq!(listed(&bao)[0]["state"], "retired");
    let mut seen = member_sees(&member);
    seen.sort();
    let mut expected = vec![
        (old.clone(), "retired".into()),
        (new.clone(), "active".into()),
    ];
    expected.sort();
    assert_eq!(seen, expected);

    secret_verb(&admin, "reactivate", &old).ok();
    assert_eq!(listed(&bao)[0]["state"], "active");
    secret_verb(&admin, "retire", &old).ok();

    let removed = secret_verb(&admin, "rm", &old);
    assert!(
        removed
            .ok()
            .ends_with("from the team vault: no version of it remains.\n"),
        "{removed:#?}"
    );
    let ids: Vec<String> = listed(&bao)
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, std::slice::from_ref(&new));
    assert!(!bao.kv_exists(&format!("authdeck/acme/local/secrets/{old}")));
    assert_eq!(
        bao.kv_keys("authdeck/acme/local/secrets"),
        std::slice::from_ref(&new)
    );
    assert_eq!(member_sees(&member), [(new.clone(), "active".into())]);
    for home in [&admin, &member] {
        for canary in ["basic-secret", "stale-secret"] {
            assert!(!folder_holds(home, canary), "{canary} in a data folder");
        }
        common::support::clear_namespace(&home.namespace);
    }
}

#[test]
fn the_last_active_team_secret_is_neither_retired_nor_removed() {
    let (_server, bao, admin) = shared_by_admin("team-last", "basic-secret");
    let before = listed(&bao);
    let id = before[0]["id"].as_str().unwrap().to_owned();
    let last = "This is the last active secret of “Billing sync” in the team vault, so it cannot \
                be retired or removed. Add the new secret first, then retire or remove this one.";
    assert_eq!(secret_verb(&admin, "retire", &id).failed(7), last);
    assert_eq!(secret_verb(&admin, "rm", &id).failed(7), last);
    assert_eq!(listed(&bao), before);
    assert!(bao.kv_exists(&format!("authdeck/acme/local/secrets/{id}")));
    admin.run(&["token", "Billing sync", "--env", "Local"]).ok();
    common::support::clear_namespace(&admin.namespace);
}

#[test]
fn a_member_whose_policy_cannot_delete_is_refused_before_anything_changes() {
    let (_server, bao, admin, member, old, _) = rotated("team-no-delete");
    let before = listed(&bao);
    let refused = secret_verb(&member, "rm", &old);
    assert_eq!(
        refused.failed(4),
        format!(
            "Your vault policy does not allow deleting this secret (path \
             secret/authdeck/acme/local/secrets/{old}; it needs “delete” on secret/metadata/…); \
             nothing was changed."
        )
    );
    assert_eq!(listed(&bao), before);
    assert!(bao.kv_exists(&format!("authdeck/acme/local/secrets/{old}")));
    // Nothing left half-done: the member's next mint works.
    member
        .run(&["token", "Billing sync", "--env", "Local"])
        .ok();
    for home in [&admin, &member] {
        common::support::clear_namespace(&home.namespace);
    }
}
