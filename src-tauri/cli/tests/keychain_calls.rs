//! What `authdeck token` says to the keychain: the Secret Service calls of a cached and of a
//! renewed token, seen on the bus of a keychain of the test's own (README, Performance: each
//! call is a round trip to gnome-keyring, and the fewest the crash-safety protocol allows is
//! the goal).

mod common;

use common::keychain::PrivateKeychain;
use common::{Home, Server};

/// A home on `keychain`'s bus with "Local" and "Billing sync" (its secret stored), and a token
/// got once.
fn billing_on(keychain: &PrivateKeychain, test: &str, server: &Server) -> Home {
    let mut home = Home::new(test);
    home.bus = Some(keychain.address.clone());
    home.local_environment(server);
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    home.run(&["token"]).ok();
    home
}

#[test]
fn a_cached_token_is_read_with_one_search_and_one_get_secret() {
    let server = Server::start(&[]);
    let keychain = PrivateKeychain::start();
    let home = billing_on(&keychain, "calls-cached", &server);
    let calls = keychain.calls_during(|| {
        home.run(&["token", "-v"]).ok();
    });
    let members: Vec<&str> = calls
        .iter()
        .map(|call| call.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        members,
        ["Hello", "OpenSession", "SearchItems", "GetSecret"],
        "{calls:#?}"
    );
}

#[test]
fn a_renewed_token_is_written_without_a_search_and_the_old_one_deleted_after_one() {
    let server = Server::start(&[]);
    let keychain = PrivateKeychain::start();
    let home = billing_on(&keychain, "calls-renewed", &server);
    let calls = keychain.calls_during(|| {
        // More than the server's token lifetime: a new token is requested and stored.
        home.run(&["token", "--min-valid", "3601"]).ok();
    });
    let members: Vec<&str> = calls
        .iter()
        .map(|call| call.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        members,
        [
            "Hello",
            "OpenSession",
            // the client secret
            "SearchItems",
            "GetSecret",
            // the new token, replacing any entry with its attributes
            "CreateItem",
            // the previous token
            "SearchItems",
            "Delete",
        ],
        "{calls:#?}"
    );
    assert!(
        calls[4].ends_with(" /org/freedesktop/secrets/aliases/default"),
        "{calls:#?}"
    );
}
