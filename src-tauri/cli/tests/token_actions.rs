//! The desktop token panel's actions as CLI verbs — `introspect`, `token-info`, `revoke`,
//! `forget`, `auto-renew` — run as the real binary against the real keychain and the real test
//! authorization server, which records what was revoked.

mod common;

use common::{Home, billing, production_billing};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A new token for the only app, and how the CLI names it: `(…wxyz)`.
fn token(home: &Home) -> (String, String) {
    let value = home.run(&["token"]).ok().trim_end().to_owned();
    assert!(value.len() >= 16, "a token long enough to show its end");
    let ending = format!("(…{})", &value[value.len() - 4..]);
    (value, ending)
}

/// The first 16 hex digits of the value's SHA-256, as the test server records a token.
fn digest(value: &str) -> String {
    let hash = Sha256::digest(value.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect::<String>()[..16].to_owned()
}

/// The only app's entry in `status --json`.
fn status(home: &Home) -> Value {
    home.run(&["status", "--json"]).json()["apps"][0].clone()
}

/// The provider's field `name` in an introspection or token-info JSON answer.
fn field(answer: &Value, name: &str) -> Value {
    answer["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name}: {answer:#}"))
        .clone()
}

#[test]
fn introspect_shows_the_providers_fields_and_revoke_makes_the_token_inactive() {
    let (server, home) = billing("introspect-revoke", &[]);
    let (value, ending) = token(&home);

    let answer = home.run(&["introspect", "--json"]).json();
    assert_eq!(answer["active"], true);
    assert_eq!(field(&answer, "client_id")["value"], "basic-client");
    assert_eq!(field(&answer, "scope")["value"], "read write");
    let exp = field(&answer, "exp");
    // The note is the provider's own `exp`, written as a date. (Not compared with the stored
    // expiry: Authdeck dates a token by its own clock when the answer arrives, so the two
    // can differ by the second that ticked in between.)
    let seconds: i64 = exp["value"].as_str().unwrap().parse().unwrap();
    let written = time::OffsetDateTime::from_unix_timestamp(seconds)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert_eq!(exp["note"], written.as_str(), "exp written as a date");

    let shown = home.run(&["introspect", "Billing sync"]);
    assert_eq!(shown.stderr, "");
    let lines: Vec<&str> = shown.ok().lines().collect();
    assert_eq!(
        lines[0],
        format!("The provider says the token of “Billing sync” {ending} is active.")
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["FIELD", "VALUE"]
    );
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name}: {lines:#?}"))
            .split_whitespace()
            .skip(1)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(row("active"), "true");
    assert_eq!(row("client_id"), "basic-client");
    assert_eq!(row("scope"), "read write");
    assert_eq!(
        row("exp"),
        format!("{} ({written})", exp["value"].as_str().unwrap())
    );
    assert_eq!(lines.len(), answer["fields"].as_array().unwrap().len() + 2);
    assert!(server.revocation_requests().is_empty());

    let revoked = home.run(&["revoke"]);
    assert_eq!(
        (revoked.ok(), revoked.stderr.as_str()),
        (
            format!(
                "Revoked the token of “Billing sync” {ending} at the provider; the next \
                 `authdeck token` gets a new one.\n"
            )
            .as_str(),
            ""
        )
    );
    let requests = server.revocation_requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(requests[0]["client_id"], "basic-client");
    assert_eq!(requests[0]["auth_method"], "client_secret_basic");
    assert_eq!(requests[0]["token_type_hint"], "access_token");
    assert_eq!(
        requests[0]["token_digest"],
        digest(&value),
        "this very token"
    );
    assert_eq!(requests[0]["status"], 200);
    assert_eq!(status(&home)["state"], "revoked");

    // the provider's side, asked again with the value still held here
    assert_eq!(
        home.run(&["introspect"]).ok(),
        format!(
            "The provider says the token of “Billing sync” {ending} is not active (revoked, \
             expired, or unknown to it).\nFIELD   VALUE\nactive  false\n"
        )
    );
    assert_eq!(
        home.run(&["token-info"]).failed(4),
        format!(
            "The token-info request was refused by {} (HTTP 401, invalid_token: The access \
             token is invalid). The token has expired or was revoked; get a new one.",
            server.issuer.trim_start_matches("http://")
        )
    );
    // a second revoke sends nothing
    let again = home.run(&["revoke"]);
    let at = status(&home)["revoked_at"].clone();
    assert!(
        again.ok().starts_with(&format!(
            "The token of “Billing sync” {ending} was already revoked at "
        )) && again.ok().ends_with("; nothing was sent.\n"),
        "{again:#?} {at}"
    );
    assert_eq!(server.revocation_requests().len(), 1);
    // and `token` replaces it
    let (renewed, _) = token(&home);
    assert_ne!(renewed, value);
    assert_eq!(server.token_requests().len(), 2);
    assert_eq!(status(&home)["state"], "valid");
}

#[test]
fn revoking_a_sign_ins_token_says_the_provider_may_end_the_sign_in_and_this_one_does() {
    let server = common::Server::start(&[]);
    let home = Home::new("revoke-sign-in");
    home.local_environment(&server);
    home.public_app("Local");
    let browser = common::StandinBrowser::register("sign-in");
    assert_eq!(home.run_with(&browser, &["login", "Native"]).ok(), "");
    let (_, values) = home.stored_token("Native");
    let access = &values[0];
    let ending = format!("(…{})", &access[access.len() - 4..]);

    let revoked = home.run(&["revoke", "Native"]);
    assert_eq!(
        (revoked.ok(), revoked.stderr.as_str()),
        (
            format!(
                "Revoked the token of “Native” {ending} at the provider; the next `authdeck \
                 token` uses the sign-in's refresh token, or asks for a new sign-in if the \
                 provider ended the sign-in too (RFC 7009 lets it).\n"
            )
            .as_str(),
            ""
        )
    );
    let requests = server.revocation_requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(requests[0]["client_id"], "native-client");
    assert_eq!(
        requests[0]["auth_method"], "none",
        "a public client sends no secret"
    );
    assert_eq!(requests[0]["token_digest"], digest(access));
    assert_eq!(requests[0]["status"], 200);

    // oidc-provider ends the whole grant: the refresh is refused, and a sign-in is asked for
    assert_eq!(
        home.run(&["token", "Native"]).failed(9),
        format!(
            "The refresh was refused by {} (HTTP 400, invalid_grant: grant request is \
             invalid). The sign-in has ended (revoked, expired, or its refresh token reused); \
             sign in again. Run `authdeck login Native`, or add --login.",
            server.issuer.trim_start_matches("http://")
        )
    );
    let refreshes = server.token_requests();
    assert_eq!(refreshes.last().unwrap()["grant_type"], "refresh_token");
}

#[test]
fn token_info_shows_what_the_providers_token_info_endpoint_says() {
    let (server, home) = billing("token-info", &[]);
    let (_, ending) = token(&home);
    let info = home.run(&["token-info", "--json"]).json();
    assert_eq!(info["application_uid"], "basic-client");
    assert_eq!(info["resource_owner_id"], Value::Null);
    assert_eq!(info["scopes"], serde_json::json!(["read", "write"]));
    let left = info["expires_in_seconds"].as_i64().unwrap();
    assert!((3590..=3600).contains(&left), "{info:#}");
    let created = info["created_at"].as_str().unwrap().to_owned();

    let shown = home.run(&["token-info"]);
    assert_eq!(shown.stderr, "");
    let lines: Vec<&str> = shown.ok().lines().collect();
    assert_eq!(
        lines[..4],
        [
            format!("The provider's token info on the token of “Billing sync” {ending}:").as_str(),
            "  application     basic-client",
            "  resource owner  none (a client token)",
            "  scopes          read write",
        ]
    );
    let expires = lines[4].strip_prefix("  expires in      ").unwrap();
    assert!(
        ["1h 00m", "59m 59s", "59m 58s", "59m 57s"].contains(&expires),
        "{expires}"
    );
    assert_eq!(lines[5], format!("  created         {created}"));
    assert_eq!(lines[6], "Everything it sent:");
    assert_eq!(
        lines[7].split_whitespace().collect::<Vec<_>>(),
        ["FIELD", "VALUE"]
    );
    let rows: Vec<Vec<&str>> = lines[8..]
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(
        rows.contains(&vec!["resource_owner_id", "null"]),
        "{rows:?}"
    );
    assert!(
        rows.contains(&vec!["scope", "[\"read\",\"write\"]"]),
        "{rows:?}"
    );
    assert!(
        rows.contains(&vec!["application", "{\"uid\":\"basic-client\"}"]),
        "{rows:?}"
    );
    let created_row = rows.iter().find(|r| r[0] == "created_at").unwrap();
    assert_eq!(created_row[2], format!("({created})"));
    assert_eq!(rows.len(), 5);
    assert!(server.revocation_requests().is_empty());
    assert_eq!(
        server.token_requests().len(),
        1,
        "asking sends no token request"
    );
}

#[test]
fn forget_removes_the_token_here_and_sends_the_provider_nothing() {
    let (server, home) = billing("forget", &[]);
    let (value, ending) = token(&home);
    let (stored, _) = home.stored_token("Billing sync");
    let id = authdeck_core::model::TokenId(stored["id"].as_str().unwrap().to_owned());
    let account = authdeck_core::token_account(&id);
    assert_eq!(
        common::support::secret_tool_lookup(&home.namespace, &account).as_deref(),
        Some(value.as_str())
    );

    let forgot = home.run(&["forget", "Billing sync", "--env", "Local"]);
    assert_eq!(
        (forgot.ok(), forgot.stderr.as_str()),
        (
            format!(
                "Removed the token of “Billing sync” {ending} from this computer; nothing was \
                 sent to the provider (it stays valid there until it expires).\n"
            )
            .as_str(),
            ""
        )
    );
    assert_eq!(
        common::support::secret_tool_lookup(&home.namespace, &account),
        None
    );
    assert_eq!(status(&home)["state"], "none");
    assert!(server.revocation_requests().is_empty());
    // the provider still takes it
    let answer = common::support::http_client()
        .build()
        .unwrap()
        .get(format!("{}/oauth/token/info", server.issuer))
        .bearer_auth(&value)
        .send()
        .unwrap();
    assert_eq!(answer.status(), 200);

    assert_eq!(
        home.run(&["forget"]).ok(),
        "“Billing sync” holds no token; nothing to forget.\n"
    );
    let message = "This app holds no token yet; get one first.";
    assert_eq!(home.run(&["introspect"]).failed(3), message);
    assert_eq!(home.run(&["token-info"]).failed(3), message);
    assert_eq!(home.run(&["revoke"]).failed(3), message);
    assert!(server.revocation_requests().is_empty());
}

#[test]
fn auto_renew_turns_renewal_off_and_on() {
    let (_server, home) = billing("auto-renew", &[]);
    assert_eq!(status(&home)["auto_renew"], true);
    assert_eq!(
        home.run(&["auto-renew", "off"]).ok(),
        "Automatic renewal of “Billing sync” is off: its token is renewed only when asked for \
         (`authdeck token`, Get token).\n"
    );
    assert_eq!(status(&home)["auto_renew"], false);
    assert_eq!(
        home.run(&["auto-renew", "on", "Billing sync"]).ok(),
        "Automatic renewal of “Billing sync” is on: the desktop app renews its token shortly \
         before it expires.\n"
    );
    assert_eq!(status(&home)["auto_renew"], true);
    assert_eq!(
        home.run(&["auto-renew", "maybe"]).failed(2),
        "invalid value 'maybe' for '<STATE>'; [possible values: on, off] (see --help)"
    );
}

#[test]
fn every_token_verb_keeps_the_production_guard_and_needs_its_endpoint() {
    let (server, home) = production_billing("token-verbs-production");
    let refusal = "“Billing sync” is in the production environment “Prod”: name it with --env \
                   \"Prod\" to go on (there is no terminal to confirm on).";
    for verb in [
        &["introspect"][..],
        &["token-info"],
        &["claims"],
        &["revoke"],
        &["forget"],
        &["auto-renew", "off"],
    ] {
        assert_eq!(home.run(verb).failed(2), refusal, "{verb:?}");
    }
    assert_eq!(
        status_of(&home, "Prod")["auto_renew"],
        true,
        "nothing changed"
    );
    home.run(&["token", "--env", "Prod"]).ok();
    // named: they go on, and say what the environment lacks (Prod has a token endpoint only)
    for (verb, endpoint) in [
        ("introspect", "introspection"),
        ("token-info", "token-info"),
        ("revoke", "revocation"),
    ] {
        assert_eq!(
            home.run(&[verb, "--env", "Prod"]).failed(8),
            format!("“Prod” has no {endpoint} endpoint. Add it in the environment's settings.")
        );
    }
    assert!(server.revocation_requests().is_empty());
    assert_eq!(status_of(&home, "Prod")["state"], "valid");
}

fn status_of(home: &Home, env: &str) -> Value {
    home.run(&["status", "--env", env, "--json"]).json()["apps"][0].clone()
}

#[test]
fn claims_show_a_jwts_decoded_claims_and_a_sign_ins_validated_id_token() {
    let server = common::Server::start(&[]);
    let home = Home::new("claims");
    home.local_environment(&server);
    home.run(&[
        "app",
        "add",
        "Reports",
        "--env",
        "Local",
        "--client-id",
        "basic-client",
        "--scope",
        "read",
        "--resource",
        "https://jwt-api.authdeck.test/",
    ])
    .ok();
    home.run_with_stdin(&["secret", "add", "Reports"], "basic-secret")
        .ok();
    let message = "This app holds no token yet; get one first.";
    assert_eq!(home.run(&["claims"]).failed(3), message);
    let (_, ending) = token(&home);
    let json = home.run(&["claims", "--json"]).json();
    let claim = |name: &str| {
        json["jwt"]["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no claim {name}: {json:#}"))
            .clone()
    };
    let timed = |name: &str| {
        let field = claim(name);
        format!(
            "{} ({})",
            field["value"].as_str().unwrap(),
            field["note"].as_str().unwrap()
        )
    };
    let shown = home.run(&["claims", "Reports"]);
    assert_eq!(shown.stderr, "");
    assert_eq!(
        shown.ok(),
        format!(
            "The token of “Reports” {ending} is a JWT, decoded here but NOT verified (do not \
             trust its claims).\nHeader:\nFIELD  VALUE\nalg    RS256\nkid    test-key\n\
             typ    at+jwt\nClaims:\nFIELD      VALUE\n\
             aud        https://jwt-api.authdeck.test/\nclient_id  basic-client\n\
             exp        {}\niat        {}\niss        {}\njti        {}\n\
             scope      read\nsub        basic-client\n",
            timed("exp"),
            timed("iat"),
            server.issuer,
            claim("jti")["value"].as_str().unwrap()
        )
    );
    assert_eq!(json["id_claims"], Value::Null);
    assert_eq!(json["status"]["token"]["is_jwt"], true);

    // a sign-in's opaque token, and its ID token's claims
    home.public_app("Local");
    let browser = common::StandinBrowser::register("sign-in");
    home.run_with(&browser, &["login", "Native"]).ok();
    let (_, values) = home.stored_token("Native");
    let access = &values[0];
    let shown = home.run(&["claims", "Native"]);
    let lines: Vec<&str> = shown.ok().lines().collect();
    assert_eq!(
        lines[..4],
        [
            format!(
                "The token of “Native” (…{}) is not a JWT.",
                &access[access.len() - 4..]
            )
            .as_str(),
            "The sign-in's ID token, validated when it arrived (signature, issuer, audience, \
             expiry, nonce):",
            "FIELD  VALUE",
            "aud    [\"native-client\"]",
        ]
    );
    for line in [
        "email  alice@example.test",
        "name   Test user alice",
        "sub    alice",
    ] {
        assert!(lines.contains(&line), "{line}: {lines:#?}");
    }
    assert_eq!(lines.len(), 3 + 8, "{lines:#?}");
    let json = home.run(&["claims", "Native", "--json"]).json();
    assert_eq!(json["jwt"], Value::Null);
    assert_eq!(json["id_claims"].as_array().unwrap().len(), 8);
    assert_eq!(
        server.token_requests().len(),
        2,
        "claims ask the provider nothing"
    );
}

#[test]
fn token_new_gets_a_new_token_while_the_stored_one_is_valid() {
    let (server, home) = billing("token-new", &[]);
    let (first, _) = token(&home);
    let run = home.run(&["token", "--new", "-v"]);
    let second = run.ok().trim_end().to_owned();
    assert_ne!(second, first);
    assert!(
        run.stderr
            .starts_with("authdeck: renewed token for “Billing sync” in “Local” (Bearer …"),
        "{run:#?}"
    );
    assert_eq!(server.token_requests().len(), 2);
    assert_eq!(
        home.run(&["token"]).ok().trim_end(),
        second,
        "the new one is kept"
    );
    assert_eq!(
        home.run(&["token", "--new", "--min-valid", "5"]).failed(2),
        "the argument '--new' cannot be used with '--min-valid <SECONDS>' (see --help)"
    );
    assert_eq!(server.token_requests().len(), 2);
}
