//! A team vault token renewed before it ends, and an ended one telling the person to sign in
//! again, against a real OpenBao dev server with tokens of a few seconds.
//!
//! The tests wait for the vault to say the token has aged (polling its own lookup), never for
//! a guessed time: each step starts once the state it needs is there, with seconds to spare.

mod common;

use common::Home;
use common::support::openbao::OpenBao;
use common::team::{add_team, folder_holds, shared_by_admin};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Polls the vault's lookup of `token` until `done` holds for it (`None`: refused), for at
/// most 30 s.
fn wait_for(bao: &OpenBao, token: &str, what: &str, done: impl Fn(Option<&Value>) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(bao.look_up(token).as_ref()) {
        assert!(Instant::now() < deadline, "the vault's token never {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A member of the shared "Local" whose vault token is made by root from `request`.
fn member_with(test: &str, request: Value) -> (common::Server, OpenBao, Home, Home, String) {
    let (server, bao, admin) = shared_by_admin(test, "basic-secret");
    let token = bao.token_from(request);
    let member = Home::new(&format!("{test}-member"));
    add_team(&member, &bao, &token).ok();
    member.run(&["env", "join", "acme", "Local"]).ok();
    (server, bao, admin, member, token)
}

#[test]
fn a_token_past_two_thirds_of_its_life_is_renewed_before_the_vault_is_used() {
    // 15 s: renewed once under 10 s is left (two thirds of its life; never in its first third).
    let (_server, bao, admin, member, token) = member_with(
        "team-renew",
        json!({ "policies": ["acme-member"], "ttl": "15s", "explicit_max_ttl": "1h" }),
    );
    let status = member.run(&["team", "status", "acme", "--json"]).json();
    assert_eq!(status[0]["renewable"], true);
    wait_for(&bao, &token, "aged to 8 s", |data| {
        data.is_some_and(|d| d["ttl"].as_i64().unwrap() <= 8)
    });
    let before = bao.look_up(&token).expect("still valid");
    assert!(before.get("last_renewal_time").is_none(), "{before}");

    member
        .run(&["token", "Billing sync", "--env", "Local"])
        .ok();
    let after = bao.look_up(&token).expect("still valid");
    assert!(after["last_renewal_time"].as_i64().is_some(), "{after}");
    assert!(
        after["ttl"].as_i64() > before["ttl"].as_i64(),
        "the TTL did not grow: {before} → {after}"
    );
    let status = member.run(&["team", "status", "acme", "--json"]).json();
    assert!(status[0]["ttl_seconds"].as_i64().unwrap() > 8, "{status}");
    assert!(!folder_holds(&member, &token));
    common::support::clear_namespace(&admin.namespace);
    common::support::clear_namespace(&member.namespace);
}

#[test]
fn an_ended_token_that_cannot_be_renewed_asks_for_team_login_with_the_sign_in_code() {
    let (_server, bao, admin, member, token) = member_with(
        "team-ended",
        json!({ "policies": ["acme-member"], "ttl": "6s", "renewable": false }),
    );
    let status = member.run(&["team", "status", "acme", "--json"]).json();
    assert_eq!(status[0]["renewable"], false);
    wait_for(&bao, &token, "ended", |data| data.is_none());
    // Authdeck counts from its own second-resolution clock: a second more and it agrees.
    std::thread::sleep(Duration::from_millis(1100));

    let ended = member.run(&["token", "Billing sync", "--env", "Local"]);
    assert_eq!(
        ended.failed(9),
        "The vault token of the team vault “acme” has ended: sign in again with `authdeck team \
         login acme`."
    );
    let fresh = bao.token_with(&["acme-member"]);
    member
        .run_with_stdin(
            &["team", "login", "acme", "--token-stdin"],
            &format!("{fresh}\n"),
        )
        .ok();
    member
        .run(&["token", "Billing sync", "--env", "Local"])
        .ok();
    for canary in [token.as_str(), fresh.as_str(), "basic-secret"] {
        assert!(
            !folder_holds(&member, canary),
            "{canary} in the data folder"
        );
    }
    common::support::clear_namespace(&admin.namespace);
    common::support::clear_namespace(&member.namespace);
}
