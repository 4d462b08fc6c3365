//! Signing in to a team vault through its OIDC auth method: a real OpenBao dev server whose
//! `auth/oidc/` signs in at the test authorization server (oidc-provider), the stand-in
//! browser at the person's place, the real keychain.
//!
//! Each sign-in listens on `--callback-port 0`, a port the system picks free: the role allows
//! the vault's usual `http://localhost:8250/oidc/callback`, and both the vault and the
//! provider (a native client, RFC 8252 §7.3) take any port on a loopback callback, so tests
//! running in parallel never wait for or collide on port 8250.

mod common;

use common::support::openbao::OpenBao;
use common::support::secret_tool_lookup;
use common::team::{MEMBER_POLICY, shared_by_admin};
use common::{Home, Server, StandinBrowser};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Child;

/// The team secret the admin shares.
const SECRET: &str = "basic-secret";

/// The OIDC auth method at `auth/oidc/` of `bao`, signing in at `server` as a client
/// registered there for the vault's callback, and the role `developer` (member policy).
fn with_oidc(server: &Server, bao: &OpenBao) {
    bao.put_policy("acme-member", MEMBER_POLICY);
    let client = server.register_client(json!({
        "application_type": "native",
        "redirect_uris": ["http://localhost:8250/oidc/callback"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }));
    let id = client["client_id"].as_str().expect("a client ID");
    let secret = client["client_secret"].as_str().expect("a client secret");
    bao.enable_oidc("oidc", &server.issuer, id, secret);
    bao.add_oidc_role("oidc", "developer", &["acme-member"]);
}

/// `team add acme` at `bao` with the OIDC sign-in and `extra` flags.
fn add_by_oidc<'a>(bao: &'a OpenBao, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "team",
        "add",
        "acme",
        "--address",
        &bao.address,
        "--path",
        "authdeck/acme",
        "--method",
        "oidc",
        "--callback-port",
        "0",
    ];
    args.extend_from_slice(extra);
    args
}

/// Nothing was kept: no connection, no keychain entry.
#[track_caller]
fn nothing_stored(home: &Home) {
    assert_eq!(home.run(&["team", "status", "--json"]).json(), json!([]));
    use authdeck_core::vault::SecretStore;
    let accounts = common::support::keychain(&home.namespace)
        .accounts()
        .unwrap();
    assert!(accounts.is_empty(), "{accounts:?}");
}

/// The port of the "listening on port PORT" line.
#[track_caller]
fn port_of(stderr: &str) -> u16 {
    let words = "authdeck: listening on port ";
    let at = stderr.find(words).unwrap_or_else(|| panic!("{stderr}")) + words.len();
    let digits: String = stderr[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a port")
}

#[test]
fn oidc_sign_in_keeps_a_token_of_the_provider_user_that_reads_team_secrets() {
    let (server, bao, _admin) = shared_by_admin("team-oidc", SECRET);
    with_oidc(&server, &bao);
    let member = Home::new("team-oidc-member");
    let browser = StandinBrowser::register("sign-in");

    let added = member.run_with(&browser, &add_by_oidc(&bao, &["--role", "developer"]));
    assert!(
        added
            .ok()
            .starts_with("Added the team vault “acme” (secret at authdeck/acme)"),
        "{added:#?}"
    );
    let port = port_of(&added.stderr);
    let log = browser.log(4);
    assert_eq!(
        log[0],
        format!("standin-browser: opened {}/auth", server.issuer)
    );
    assert_eq!(
        log[3],
        format!(
            "standin-browser: ended at http://localhost:{port}/authdeck-sign-in-result (HTTP 200)"
        )
    );

    // The kept token is alice's at the vault: her OIDC login, her entity named by `sub`.
    let token = secret_tool_lookup(&member.namespace, "team:acme").expect("a kept token");
    let data = bao.look_up(&token).expect("the vault takes the kept token");
    assert_eq!(data["display_name"], "oidc-alice");
    assert_eq!(data["meta"]["role"], "developer");
    assert_eq!(data["policies"], json!(["acme-member", "default"]));
    let entity = data["entity_id"].as_str().expect("an entity");
    let (status, found) = bao.get(&format!("identity/entity/id/{entity}"), &bao.root_token);
    assert_eq!(status, 200, "{found}");
    let aliases = &found["data"]["aliases"];
    assert_eq!(aliases[0]["name"], "alice");
    assert_eq!(aliases[0]["mount_type"], "oidc");

    let status = member.run(&["team", "status", "--json"]).json();
    assert_eq!(
        status[0]["vault"]["sign_in"],
        json!({ "method": "oidc", "role": "developer", "mount": "oidc", "callback_port": 0 })
    );
    assert_eq!(status[0]["display_name"], "oidc-alice");

    // The token reads the team's secret: the member joins and mints with it.
    member.run(&["env", "join", "acme", "Local"]).ok();
    let minted = member.run(&["token", "Billing sync", "--env", "Local"]);
    assert!(minted.ok().trim().len() > 20, "{minted:#?}");

    // A later sign-in takes the kept method, role and port: the browser only.
    let again = member.run_with(&browser, &["team", "login", "acme"]);
    assert!(
        again
            .ok()
            .starts_with("The team vault “acme” has a new token"),
        "{again:#?}"
    );
    let second = secret_tool_lookup(&member.namespace, "team:acme").expect("a kept token");
    assert_ne!(second, token);
    assert_eq!(bao.look_up(&second).unwrap()["display_name"], "oidc-alice");
    for canary in [token.as_str(), second.as_str(), SECRET] {
        assert!(!common::team::folder_holds(&member, canary), "{canary}");
    }
}

#[test]
fn access_denied_at_the_provider_is_a_provider_error_and_nothing_is_stored() {
    let server = Server::start(&[]);
    let bao = OpenBao::start();
    with_oidc(&server, &bao);
    let home = Home::new("team-oidc-denied");
    let browser = StandinBrowser::register("deny");

    let denied = home.run_with(&browser, &add_by_oidc(&bao, &["--role", "developer"]));
    assert_eq!(
        (denied.code, denied.stdout.as_str()),
        (4, ""),
        "{denied:#?}"
    );
    assert_eq!(
        denied.stderr.lines().last().unwrap(),
        "authdeck: The identity provider of the team vault “acme” refused the sign-in \
         (access_denied: End-User aborted interaction); nothing was stored. Sign in again and \
         allow access when the provider asks.",
        "{denied:#?}"
    );
    assert_eq!(browser.log(2)[1], "standin-browser: denied access");
    nothing_stored(&home);
}

#[test]
fn an_unknown_role_a_mount_without_oidc_or_a_callback_not_allowed_is_refused_by_name() {
    let server = Server::start(&[]);
    let bao = OpenBao::start();
    with_oidc(&server, &bao);
    let home = Home::new("team-oidc-refused");
    let browser = StandinBrowser::register("sign-in");

    let unknown = home.run_with(&browser, &add_by_oidc(&bao, &["--role", "nope"]));
    assert_eq!(
        unknown.failed(4),
        "The team vault “acme” refused the oidc sign-in (HTTP 400: role \"nope\" could not \
         be found).",
        "{unknown:#?}"
    );
    let no_mount = home.run_with(&browser, &add_by_oidc(&bao, &["--auth-mount", "sso"]));
    let said = no_mount.failed(8);
    assert!(
        said.starts_with("The team vault “acme” has no oidc sign-in at auth/sso/ (HTTP 403"),
        "{no_mount:#?}"
    );
    // A role that allows another callback: the vault gives no address, and says nothing why.
    let (status, body) = bao.post(
        "auth/oidc/role/web-only",
        &bao.root_token,
        json!({ "allowed_redirect_uris": ["https://vault.example.com/ui/vault/auth/oidc/oidc/callback"],
                "user_claim": "sub", "token_policies": ["acme-member"] }),
    );
    assert_eq!(status, 204, "{body}");
    let elsewhere = home.run_with(&browser, &add_by_oidc(&bao, &["--role", "web-only"]));
    let said = elsewhere.failed(8);
    assert!(
        said.starts_with(
            "The team vault “acme” would not start an OIDC sign-in at auth/oidc/ with the role \
             “web-only” and the callback http://localhost:"
        ) && said.contains("allowed_redirect_uris"),
        "{elsewhere:#?}"
    );
    // Refused before any browser opened.
    assert!(!browser.log_path().exists());
    nothing_stored(&home);
}

/// Reads `reader` line by line up to the line starting with `prefix`.
fn read_until(reader: &mut impl BufRead, prefix: &str) -> Vec<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).expect("read stderr");
        assert!(read > 0, "stderr ended before “{prefix}”: {lines:#?}");
        let done = line.starts_with(prefix);
        lines.push(line.trim_end_matches('\n').to_owned());
        if done {
            return lines;
        }
    }
}

/// Sends `target` to the listener on `port` as a browser at `localhost` would; the status
/// line and the page.
fn visit(port: u16, target: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the listener");
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.lines().next().unwrap_or_default().to_owned();
    (status, answer)
}

/// Waits for a child; its exit code and the rest of stderr.
fn finish(child: Child, mut stderr: impl BufRead) -> (i32, String) {
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    (output.status.code().expect("exited"), rest)
}

#[test]
fn a_forged_callback_is_refused_and_the_real_sign_in_still_completes() {
    let server = Server::start(&[]);
    let bao = OpenBao::start();
    with_oidc(&server, &bao);
    let home = Home::new("team-oidc-forged");
    let mut child = home
        .command(&add_by_oidc(&bao, &["--no-browser", "--timeout", "60"]))
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let shown = read_until(&mut stderr, "authdeck: listening on");
    let url = shown[2].strip_prefix("  ").expect("the address").to_owned();
    let port = port_of(&shown.join("\n"));

    let (status, page) = visit(port, "/oidc/callback?code=stolen&state=forged");
    assert_eq!(status, "HTTP/1.1 400 Bad Request");
    assert!(page.contains("it may be an old or forged link"), "{page}");
    assert_eq!(
        read_until(&mut stderr, "authdeck: a callback"),
        [format!(
            "authdeck: a callback to http://localhost:{port}/oidc/callback was refused, still \
             waiting for a valid one: The callback's state is not this sign-in's; it may be an \
             old or forged link."
        )]
    );
    assert!(child.try_wait().unwrap().is_none(), "the sign-in goes on");
    assert_eq!(home.run(&["team", "status", "--json"]).json(), json!([]));

    // The person's browser then brings the real callback (no --role: the mount's default).
    let (status, last) = common::support::browser::sign_in(&url);
    assert_eq!(status, 200, "{last}");
    let (code, rest) = finish(child, stderr);
    assert_eq!(code, 0, "{rest}");
    let kept: Value = home.run(&["team", "status", "--json"]).json();
    assert_eq!(kept[0]["display_name"], "oidc-alice");
}

#[test]
fn flags_of_another_method_are_usage_errors_before_anything_is_asked() {
    let home = Home::new("team-oidc-flags");
    let base = [
        "team",
        "add",
        "acme",
        "--address",
        "http://127.0.0.1:9",
        "--path",
        "authdeck/acme",
    ];
    let cases: [(&[&str], &str); 4] = [
        (
            &["--method", "userpass", "--username", "a", "--role", "r"],
            "--role does not go with --method userpass.",
        ),
        (
            &["--callback-port", "0"],
            "--callback-port goes with --method oidc.",
        ),
        (
            &["--method", "oidc", "--password-stdin"],
            "“acme” signs in with oidc in the browser: nothing is read from stdin, so \
             --password-stdin does not go with it.",
        ),
        (
            &["--method", "token", "--token-stdin", "--no-browser"],
            "“acme” signs in with token: --timeout and --no-browser go with --method oidc.",
        ),
    ];
    for (flags, said) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(flags);
        // No stdin: each is refused before anything would be read.
        assert_eq!(home.run(&args).failed(2), said, "{flags:?}");
    }
    nothing_stored(&home);
}

#[test]
fn a_callback_port_another_program_holds_is_named_and_nothing_is_asked_of_the_vault() {
    let server = Server::start(&[]);
    let bao = OpenBao::start();
    with_oidc(&server, &bao);
    let home = Home::new("team-oidc-busy");
    // Held by this test for its whole run, so no other program can take it in between.
    let held = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let mut args = add_by_oidc(&bao, &[]);
    let at = args.iter().position(|a| *a == "0").unwrap();
    args[at] = &port;
    let busy = home.run(&args);
    assert_eq!(
        busy.failed(6),
        format!(
            "Could not listen on localhost:{port} for the vault's OIDC callback: another program \
             uses that port (another sign-in, or the vault CLI's own OIDC login). Close it, or \
             sign in with --callback-port set to a port the vault's role allows."
        )
    );
    nothing_stored(&home);
    drop(held);
}
