//! `authdeck login` and the sign-ins `token --login` runs, as processes against the real
//! keychain and the real test authorization server. The system browser is the stand-in
//! (tests/support/standin-browser), which the CLI opens through its real opener path: the
//! open crate runs xdg-open, which finds the stand-in registered in the test's XDG folders.

mod common;

use common::{Home, LOGIN_SCOPES, Run, Server, StandinBrowser, support};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Stdio};

/// A server, a home with "Local" (every endpoint) and the public app "Native".
fn native(test: &str) -> (Server, Home) {
    let server = Server::start(&[]);
    let home = Home::new(test);
    home.local_environment(&server);
    home.public_app("Local");
    (server, home)
}

/// The grant and HTTP status of each token request the server received.
fn grants(server: &Server) -> Vec<(String, u64)> {
    server
        .token_requests()
        .iter()
        .map(|r| {
            (
                r["grant_type"].as_str().unwrap_or_default().to_owned(),
                r["status"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn grant(name: &str, status: u64) -> (String, u64) {
    (name.to_owned(), status)
}

fn listening(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// The port of the "listening on 127.0.0.1:PORT" line.
#[track_caller]
fn port_of(stderr: &str) -> u16 {
    let at = stderr
        .find("authdeck: listening on 127.0.0.1:")
        .unwrap_or_else(|| panic!("a listening line: {stderr}"))
        + "authdeck: listening on 127.0.0.1:".len();
    let digits: String = stderr[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a port")
}

/// The single token line of `token`'s stdout.
#[track_caller]
fn token_value(run: &Run) -> String {
    let out = run.ok();
    assert!(out.ends_with('\n') && out.lines().count() == 1, "{run:#?}");
    out.trim_end().to_owned()
}

fn stored(home: &Home) -> (Value, Vec<String>) {
    home.stored_token("Native")
}

/// Reads a child's stderr until a line starting with `prefix`; returns every line so far.
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

/// Waits for a child and returns its exit code, stdout and the rest of stderr.
fn finish(child: Child, mut stderr: impl BufRead) -> (i32, String, String) {
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().expect("exited, not killed"),
        String::from_utf8(output.stdout).unwrap(),
        rest,
    )
}

#[test]
fn login_signs_in_through_the_system_browser_and_token_then_refreshes() {
    let (server, home) = native("login");
    let browser = StandinBrowser::register("sign-in");
    let issuer = server.issuer.as_str();

    let run = home.run_with(&browser, &["login", "Native"]);
    assert_eq!(run.ok(), "", "nothing on stdout");
    let port = port_of(&run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 9, "{run:#?}");
    assert_eq!(
        lines[0],
        format!(
            "authdeck: signing in to “Native” in “Local” with the browser (scopes {LOGIN_SCOPES})"
        )
    );
    assert_eq!(
        lines[1],
        "authdeck: opened the sign-in page in the browser; if it did not open, open this address:"
    );
    let url = lines[2].strip_prefix("  ").unwrap();
    assert!(url.starts_with(&format!("{issuer}/auth?")), "{url}");
    assert!(
        url.contains(&format!(
            "&redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback&"
        )),
        "{url}"
    );
    assert!(
        lines[3].starts_with(&format!(
            "authdeck: listening on 127.0.0.1:{port} for the redirect to \
             http://127.0.0.1:{port}/callback until "
        )) && lines[3].ends_with(" (5m 00s); Ctrl-C cancels"),
        "{}",
        lines[3]
    );
    assert_eq!(
        lines[4],
        "authdeck: signed in as alice; stored for “Native” in “Local”:"
    );
    assert!(
        lines[5].starts_with("authdeck:   access token   Bearer (opaque, browser sign-in) …")
            && lines[5].contains(", expires ")
            // an hour, less the second or two the sign-in took on a loaded machine
            && (lines[5].ends_with(" (in 1h 00m)") || lines[5].contains(" (in 59m ")),
        "{}",
        lines[5]
    );
    assert_eq!(
        lines[6],
        format!("authdeck:   scopes         read (asked for {LOGIN_SCOPES})")
    );
    assert_eq!(
        lines[7],
        "authdeck:   refresh token  held (the provider gave no expiry)"
    );
    assert_eq!(
        lines[8],
        format!("authdeck:   ID token       subject alice, issuer {issuer}")
    );
    assert!(!listening(port), "nothing listens after the sign-in");
    // the stand-in ran, opened by xdg-open, and went through the pages
    assert_eq!(
        browser.log(4),
        [
            format!("standin-browser: opened {issuer}/auth"),
            "standin-browser: signed in as alice".to_owned(),
            "standin-browser: consented".to_owned(),
            // the listener's page after the callback, at an address without the code
            format!(
                "standin-browser: ended at http://127.0.0.1:{port}{} (HTTP 200)",
                authdeck_core::loopback::RESULT_PATH
            ),
        ]
    );
    assert_eq!(grants(&server), [grant("authorization_code", 200)]);
    assert_eq!(server.token_requests()[0]["auth_method"], "none");
    let (token, values) = stored(&home);
    assert_eq!(token["source"], "authorization_code");
    assert_eq!(token["has_refresh_token"], true);
    assert_eq!(token["has_id_token"], true);
    assert_eq!(
        values.len(),
        3,
        "access, refresh and ID token in the keychain"
    );

    // the stored token serves while valid
    let cached = home.run(&["token", "Native", "-v"]);
    let first = token_value(&cached);
    assert_eq!(first, values[0]);
    assert!(
        cached
            .stderr
            .starts_with("authdeck: cached token for “Native” in “Local” (Bearer …"),
        "{cached:#?}"
    );
    // asked to last longer than it can: refreshed, not signed in again
    let longer = home.run(&["token", "Native", "--min-valid", "3601", "-v"]);
    let second = token_value(&longer);
    assert_ne!(second, first);
    assert!(
        longer
            .stderr
            .starts_with("authdeck: refreshed token for “Native” in “Local” (Bearer …"),
        "{longer:#?}"
    );
    // expired: refreshed even with --min-valid 0
    server.configure(json!({ "token_ttl": 2 }));
    token_value(&home.run(&["token", "Native", "--min-valid", "3601"]));
    std::thread::sleep(std::time::Duration::from_millis(3100));
    let expired = home.run(&["token", "Native", "--min-valid", "0", "-v"]);
    token_value(&expired);
    assert!(
        expired.stderr.starts_with("authdeck: refreshed token"),
        "{expired:#?}"
    );
    let requests = server.token_requests();
    assert_eq!(
        grants(&server),
        [
            grant("authorization_code", 200),
            grant("refresh_token", 200),
            grant("refresh_token", 200),
            grant("refresh_token", 200)
        ]
    );
    assert!(
        requests.iter().all(|r| r["client_id"] == "native-client"),
        "{requests:#?}"
    );
    let (token, _) = stored(&home);
    assert_eq!(
        token["source"], "authorization_code",
        "a refresh keeps the kind"
    );
    assert_eq!(token["has_refresh_token"], true);
    assert_eq!(browser.log(5).len(), 4, "the browser was opened once");
}

#[test]
fn status_shows_the_refresh_token_of_a_sign_in() {
    let (server, home) = native("login-status");
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    token_value(&home.run(&["token", "Billing sync"]));
    // only client-credentials tokens: no REFRESH column
    let text = home.run(&["status"]);
    assert_eq!(
        text.ok().lines().nth(1),
        Some("APP           CLIENT ID      TOKEN  TIME LEFT")
    );

    let browser = StandinBrowser::register("sign-in");
    home.run_with(&browser, &["login", "Native"]).ok();
    let text = home.run(&["status"]);
    let lines: Vec<&str> = text.ok().lines().collect();
    assert_eq!(
        lines[1],
        "APP           CLIENT ID      TOKEN  TIME LEFT  REFRESH"
    );
    assert!(
        lines[2].starts_with("Billing sync  basic-client   valid  ") && lines[2].ends_with("  -"),
        "{lines:?}"
    );
    assert!(
        lines[3].starts_with("Native        native-client  valid  ")
            && lines[3].ends_with("  held"),
        "{lines:?}"
    );

    let status = home.run(&["status", "--json"]).json();
    let apps = status["apps"].as_array().unwrap();
    let fields = |app: &Value| {
        json!({
            "source": app["source"],
            "has_refresh_token": app["has_refresh_token"],
            "refresh_expires_at": app["refresh_expires_at"],
            "has_id_token": app["has_id_token"],
        })
    };
    assert_eq!(
        fields(&apps[0]),
        json!({
            "source": "client_credentials",
            "has_refresh_token": false,
            "refresh_expires_at": null,
            "has_id_token": false,
        })
    );
    assert_eq!(
        fields(&apps[1]),
        json!({
            "source": "authorization_code",
            "has_refresh_token": true,
            "refresh_expires_at": null,
            "has_id_token": true,
        })
    );
    assert_eq!(grants(&server).len(), 2);
}

#[test]
fn token_without_a_sign_in_exits_9_and_with_login_signs_in_first() {
    let (server, home) = native("token-login");
    let browser = StandinBrowser::register("sign-in");
    // a public client has no token without a sign-in; nothing is sent, nothing opened
    let needed = "“Native” is a public client: it gets tokens by signing in with the browser \
                  (or on another device), not with client credentials. Run `authdeck login \
                  Native`, or add --login.";
    assert_eq!(
        home.run_with(&browser, &["token", "Native"]).failed(9),
        needed
    );
    assert_eq!(home.run(&["exec", "--", "true"]).failed(9), needed);
    assert_eq!(
        home.run(&["env", "Native", "--env", "Local"]).failed(9),
        "“Native” is a public client: it gets tokens by signing in with the browser (or on \
         another device), not with client credentials. Run `authdeck login Native --env \
         Local`, or add --login."
    );
    assert_eq!(grants(&server), []);
    assert_eq!(browser.log(0), Vec::<String>::new());

    // --login: the browser sign-in, then the token on stdout and nothing else
    let run = home.run_with(&browser, &["token", "Native", "--login", "-v"]);
    let value = token_value(&run);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "authdeck: “Native” is a public client: it gets tokens by signing in with the browser \
         (or on another device), not with client credentials. Signing in."
    );
    assert_eq!(
        lines[1],
        format!(
            "authdeck: signing in to “Native” in “Local” with the browser (scopes {LOGIN_SCOPES})"
        )
    );
    assert_eq!(
        lines[5],
        "authdeck: signed in as alice; stored for “Native” in “Local”:"
    );
    assert!(
        lines[10].starts_with("authdeck: signed-in token for “Native” in “Local” (Bearer …"),
        "{run:#?}"
    );
    assert_eq!(lines.len(), 11, "{run:#?}");
    assert_eq!(browser.log(4).len(), 4);
    assert_eq!(grants(&server), [grant("authorization_code", 200)]);
    // and it is the stored one
    assert_eq!(token_value(&home.run(&["token", "Native"])), value);
}

/// The provider forgets the grant: its refresh token is revoked (RFC 7009), which ends the
/// whole grant at the test server, its access tokens with it.
fn revoke_grant(server: &Server, refresh_token: &str) {
    let revoked = support::http_client()
        .build()
        .unwrap()
        .post(format!("{}/token/revocation", server.issuer))
        .form(&[
            ("token", refresh_token),
            ("token_type_hint", "refresh_token"),
            ("client_id", "native-client"),
        ])
        .send()
        .unwrap()
        .status();
    assert_eq!(revoked, 200);
}

/// The HTTP status of the server's token-info answer for an access token: 200 while the
/// server accepts it, 401 once it does not.
fn token_info_status(server: &Server, access_token: &str) -> u16 {
    support::http_client()
        .build()
        .unwrap()
        .get(format!("{}/oauth/token/info", server.issuer))
        .bearer_auth(access_token)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn a_refused_refresh_token_needs_a_new_sign_in() {
    let (server, home) = native("login-refused");
    let browser = StandinBrowser::register("sign-in");
    home.run_with(&browser, &["login", "Native"]).ok();
    let (_, values) = stored(&home);
    revoke_grant(&server, &values[1]);

    let refused = home.run(&["token", "Native", "--min-valid", "3601"]);
    let message = refused.failed(9);
    assert!(
        message.ends_with(
            "The sign-in has ended (revoked, expired, or its refresh token reused); sign in \
             again. Run `authdeck login Native`, or add --login."
        ),
        "{message}"
    );
    let (token, _) = stored(&home);
    assert_eq!(
        token["has_refresh_token"], false,
        "the refused one is dropped"
    );
    assert_eq!(
        home.run(&["token", "Native", "--min-valid", "3601"])
            .failed(9),
        "The sign-in to “Native” has ended: the provider refused its refresh token, so its \
         access token, most likely revoked with it, is not handed out. Sign in again. Run \
         `authdeck login Native`, or add --login.",
        "no second refresh is tried"
    );
    let text = home.run(&["status"]);
    assert!(
        text.ok().lines().nth(2).unwrap().ends_with("  none"),
        "{text:#?}"
    );

    // exec (like env) signs in first with --login, then runs the command with the new token
    let again = home.run_with(
        &browser,
        &[
            "exec",
            "Native",
            "--login",
            "--",
            "sh",
            "-c",
            "printf %s \"$AUTHDECK_ACCESS_TOKEN\"",
        ],
    );
    let (token, values) = stored(&home);
    assert_eq!(again.ok(), values[0], "{again:#?}");
    assert_eq!(token["has_refresh_token"], true);
    assert_eq!(
        grants(&server),
        [
            grant("authorization_code", 200),
            grant("refresh_token", 400),
            grant("authorization_code", 200)
        ]
    );
}

#[test]
fn a_sign_in_that_ended_hands_out_no_token_until_signed_in_again() {
    let (server, home) = native("login-ended");
    let browser = StandinBrowser::register("sign-in");
    home.run_with(&browser, &["login", "Native"]).ok();
    let (_, values) = stored(&home);
    let old = values[0].clone();
    assert_eq!(token_info_status(&server, &old), 200);
    revoke_grant(&server, &values[1]);
    assert_eq!(
        token_info_status(&server, &old),
        401,
        "the provider ended the access token with its grant"
    );

    // a refresh (the token cannot last 3601 s) is refused with invalid_grant
    let refused = home.run(&["token", "Native", "--min-valid", "3601"]);
    let message = refused.failed(9);
    assert!(message.contains("HTTP 400, invalid_grant"), "{message}");

    let status = home.run(&["status", "--json"]).json();
    let native = &status["apps"][0];
    assert_eq!(native["name"], "Native");
    assert_eq!(native["state"], "sign_in_ended");
    assert_eq!(native["has_refresh_token"], false);
    let ended = native["sign_in_ended_at"].as_str().unwrap();
    assert!(
        ended.ends_with('Z') && ended.len() == 20,
        "an RFC 3339 time: {ended}"
    );
    assert_eq!(native["revoked_at"], Value::Null);
    assert!(
        native["seconds_left"].as_i64().unwrap() > 3000,
        "unexpired by the clock: {native}"
    );
    let text = home.run(&["status"]);
    let cells: Vec<&str> = text
        .ok()
        .lines()
        .nth(2)
        .unwrap()
        .split("  ")
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect();
    assert_eq!(
        cells,
        ["Native", "native-client", "sign-in ended", "-", "none"]
    );

    // the access token, unexpired by the clock but dead at the provider, is not handed out
    let ended = "The sign-in to “Native” has ended: the provider refused its refresh token, so \
                 its access token, most likely revoked with it, is not handed out. Sign in \
                 again. Run `authdeck login Native`, or add --login.";
    assert_eq!(home.run(&["token", "Native"]).failed(9), ended);
    assert_eq!(home.run(&["env", "Native"]).failed(9), ended);
    assert_eq!(
        home.run(&["exec", "Native", "--", "sh", "-c", "echo ran"])
            .failed(9),
        ended
    );
    assert_eq!(
        grants(&server),
        [
            grant("authorization_code", 200),
            grant("refresh_token", 400)
        ],
        "nothing more was sent"
    );

    // --login signs in again through the browser and prints the new token
    let again = home.run_with(&browser, &["token", "Native", "--login"]);
    let new = token_value(&again);
    assert_ne!(new, old);
    assert_eq!(
        again.stderr.lines().next(),
        Some(
            "authdeck: The sign-in to “Native” has ended: the provider refused its refresh \
             token, so its access token, most likely revoked with it, is not handed out. Sign \
             in again. Signing in."
        ),
        "{again:#?}"
    );
    assert_eq!(token_info_status(&server, &new), 200);
    let (token, values) = stored(&home);
    assert_eq!(values[0], new);
    assert_eq!(token["has_refresh_token"], true);
    assert_eq!(token["sign_in_ended_at"], Value::Null);
    let status = home.run(&["status", "--json"]).json();
    assert_eq!(status["apps"][0]["state"], "valid");
    assert_eq!(token_value(&home.run(&["token", "Native"])), new);
    assert_eq!(
        grants(&server),
        [
            grant("authorization_code", 200),
            grant("refresh_token", 400),
            grant("authorization_code", 200)
        ]
    );
    assert_eq!(browser.log(8).len(), 8, "the browser was opened twice");
}

#[test]
fn a_device_login_shows_the_code_and_waits_for_the_approval() {
    let (server, home) = native("login-device");
    server.configure(json!({ "device_interval": 1 }));
    let mut child = home
        .command(&["login", "Native", "--device"])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let shown = read_until(&mut stderr, "authdeck: waiting up to ");
    let issuer = server.issuer.as_str();
    assert_eq!(
        shown[0],
        format!(
            "authdeck: signing in to “Native” in “Local” on another device (scopes {LOGIN_SCOPES})"
        )
    );
    let code = shown[1]
        .strip_prefix(&format!(
            "authdeck: on a phone or another computer, open {issuer}/device and enter the code "
        ))
        .unwrap_or_else(|| panic!("{shown:#?}"))
        .to_owned();
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(
        shown[2],
        "authdeck: or open this address, which holds the code:"
    );
    assert_eq!(shown[3], format!("  {issuer}/device?user_code={code}"));
    assert!(
        shown[4].starts_with("authdeck: waiting up to ")
            && shown[4].ends_with(" for the sign-in, asking every 1s; Ctrl-C cancels"),
        "{shown:#?}"
    );
    assert_eq!(shown.len(), 5, "no QR code when stderr is not a terminal");

    // the first poll finds the login pending; then the person approves on "another device"
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(
        grants(&server)[0],
        grant("urn:ietf:params:oauth:grant-type:device_code", 400)
    );
    let page = support::browser::approve_device(&format!("{issuer}/device?user_code={code}"));
    assert!(page.contains("Sign-in Success"), "{page}");
    let (code, stdout, rest) = finish(child, stderr);
    assert_eq!((code, stdout.as_str()), (0, ""), "{rest}");
    let rest: Vec<&str> = rest.lines().collect();
    assert_eq!(
        rest[0],
        "authdeck: signed in as alice; stored for “Native” in “Local”:"
    );
    assert!(
        rest[1].starts_with("authdeck:   access token   Bearer (opaque, device sign-in) …"),
        "{rest:#?}"
    );
    assert_eq!(
        rest[3],
        "authdeck:   refresh token  held (the provider gave no expiry)"
    );
    let device = "urn:ietf:params:oauth:grant-type:device_code";
    let requests = grants(&server);
    assert_eq!(requests.last(), Some(&grant(device, 200)));
    assert!(requests.iter().all(|(g, _)| g == device), "{requests:?}");
    let (token, _) = stored(&home);
    assert_eq!(token["source"], "device_code");
    // and it refreshes like a browser sign-in
    let refreshed = home.run(&["token", "Native", "--min-valid", "3601", "-v"]);
    token_value(&refreshed);
    assert!(
        refreshed.stderr.starts_with("authdeck: refreshed token"),
        "{refreshed:#?}"
    );
    assert_eq!(grants(&server).last(), Some(&grant("refresh_token", 200)));
}

#[test]
fn a_login_nobody_finishes_times_out_and_closes_its_port() {
    let (server, home) = native("login-timeout");
    // the browser opens, but nobody signs in
    let browser = StandinBrowser::register("ignore");
    let run = home.run_with(&browser, &["login", "Native", "--timeout", "2"]);
    let port = port_of(&run.stderr);
    assert_eq!(run.code, 6, "{run:#?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr.lines().last().unwrap(),
        format!(
            "authdeck: No sign-in arrived within 2s (--timeout); nothing listens on port {port} \
             any more, and nothing was stored. Run `authdeck login Native` again when the \
             browser is ready."
        )
    );
    assert!(!listening(port));
    assert_eq!(
        browser.log(2),
        [
            format!("standin-browser: opened {}/auth", server.issuer),
            "standin-browser: ignored it (AUTHDECK_STANDIN_ACTION=ignore)".to_owned()
        ]
    );

    let device = home.run(&["login", "Native", "--device", "--timeout", "1"]);
    assert_eq!(device.code, 6, "{device:#?}");
    let last = device.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("authdeck: No sign-in arrived within 1s (--timeout); the code ")
            && last.ends_with(
                " is no longer checked, and nothing was stored. Run `authdeck login Native \
                 --device` again for a new code."
            ),
        "{device:#?}"
    );
    assert_eq!(grants(&server).iter().filter(|(_, s)| *s == 200).count(), 0);
    assert_eq!(
        home.run(&["status", "--json"]).json()["apps"][0]["state"],
        "none"
    );
}

/// Sends `target` to the listener on `port` as a browser would; the status line of the answer.
fn visit(port: u16, target: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the listener");
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

/// The `state` of the authorization URL the CLI printed.
fn state_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .expect("a state")
}

#[test]
fn a_refused_callback_is_told_at_once_and_the_sign_in_goes_on() {
    let (server, home) = native("login-refused-callback");
    let mut child = home
        .command(&["login", "Native", "--no-browser", "--timeout", "60"])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let shown = read_until(&mut stderr, "authdeck: listening on");
    let url = shown[2].strip_prefix("  ").expect("the address").to_owned();
    let port = port_of(&shown.join("\n"));

    assert_eq!(
        visit(port, "/callback?code=stolen&state=forged"),
        "HTTP/1.1 400 Bad Request"
    );
    let told = read_until(&mut stderr, "authdeck: a callback");
    assert_eq!(
        told,
        [format!(
            "authdeck: a callback to http://127.0.0.1:{port}/callback was refused, still waiting \
             for a valid one: The callback's state is not this sign-in's; it may be an old or \
             forged link."
        )]
    );
    assert!(child.try_wait().unwrap().is_none(), "the sign-in goes on");
    assert_eq!(
        grants(&server),
        [],
        "a refused callback makes no token request"
    );

    // the person's browser then brings the real callback
    let browser = StandinBrowser::register("sign-in");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/support/standin-browser/standin-browser"
    );
    let visited = std::process::Command::new("sh")
        .arg(script)
        .arg(&url)
        .env("AUTHDECK_STANDIN_LOG", browser.log_path())
        .status()
        .unwrap();
    assert!(visited.success());
    let (code, stdout, rest) = finish(child, stderr);
    assert_eq!((code, stdout.as_str()), (0, ""), "{rest}");
    assert!(
        rest.starts_with("authdeck: signed in as alice; stored for “Native” in “Local”:"),
        "{rest}"
    );
    assert_eq!(grants(&server), [grant("authorization_code", 200)]);
}

#[test]
fn a_sign_in_that_only_got_refused_callbacks_says_so_when_its_time_runs_out() {
    let (server, home) = native("login-refused-timeout");
    let mut child = home
        .command(&["login", "Native", "--no-browser", "--timeout", "3"])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let shown = read_until(&mut stderr, "authdeck: listening on");
    let state = state_of(shown[2].strip_prefix("  ").expect("the address"));
    let port = port_of(&shown.join("\n"));

    // a provider that leaves `iss` out of its error answer, though its metadata says it sends
    // it (RFC 9207 §2 requires it there too): refused, and the person sees why
    let denied = format!("/callback?error=access_denied&state={state}");
    assert_eq!(visit(port, &denied), "HTTP/1.1 400 Bad Request");
    let no_iss = "The callback has no iss, which this provider always sends (RFC 9207), so it \
                  cannot be told from a forged one. It carries the error “access_denied”; if you \
                  refused access in the browser, that is the provider's answer.";
    assert_eq!(
        read_until(&mut stderr, "authdeck: a callback"),
        [format!(
            "authdeck: a callback to http://127.0.0.1:{port}/callback was refused, still waiting \
             for a valid one: {no_iss}"
        )]
    );
    assert_eq!(visit(port, &denied), "HTTP/1.1 400 Bad Request");
    let (code, stdout, rest) = finish(child, stderr);
    assert_eq!((code, stdout.as_str()), (6, ""));
    let no_iss = no_iss.trim_end_matches('.');
    assert_eq!(
        rest,
        format!(
            "authdeck: a callback to http://127.0.0.1:{port}/callback was refused, still waiting \
             for a valid one: {no_iss}.\n\
             authdeck: No sign-in was accepted within 3s (--timeout): 2 callbacks arrived and \
             were refused ({no_iss} ×2); none was accepted. Nothing listens on port {port} any \
             more, and nothing was stored. Run `authdeck login Native` again; if the provider \
             keeps sending such callbacks, check the environment's issuer and endpoints.\n"
        )
    );
    assert!(!listening(port));
    assert_eq!(grants(&server), []);
}

#[test]
fn ctrl_c_cancels_a_login_and_closes_its_port() {
    let (server, home) = native("login-interrupt");
    let mut child = home
        .command(&["login", "Native", "--no-browser"])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let shown = read_until(&mut stderr, "authdeck: listening on");
    assert_eq!(
        shown[1],
        "authdeck: open this address in a browser to sign in:"
    );
    let port = port_of(&shown.join("\n"));
    assert!(listening(port));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let (code, stdout, rest) = finish(child, stderr);
    assert_eq!((code, stdout.as_str()), (130, ""));
    assert_eq!(
        rest,
        format!(
            "authdeck: Cancelled: nothing listens on port {port} any more, and nothing was \
             stored.\n"
        )
    );
    assert!(!listening(port));
    assert_eq!(grants(&server), []);
}

#[test]
fn bad_login_requests_get_a_specific_error() {
    let (server, home) = native("login-errors");
    home.app("Local", "Billing sync", "basic-client", "basic-secret");
    let usage = home.run(&["login", "Native", "--timeout", "0"]);
    assert_eq!(
        usage.failed(2),
        "invalid value '0' for '--timeout <SECONDS>': 0 is not in 1..=3600 (see --help)"
    );
    assert_eq!(
        home.run(&["login", "Native", "--device", "--no-browser"])
            .failed(2),
        "the argument '--device' cannot be used with '--no-browser' (see --help)"
    );
    assert_eq!(
        home.run(&["login", "Natve"]).failed(3),
        "No app “Natve” in “Local”. Did you mean “Native”?"
    );
    assert_eq!(
        home.run(&["login", "Native", "--scope", "a\"b"]).failed(7),
        "--scope: “a\"b” contains “\"”, which a scope cannot hold (RFC 6749 §3.3)."
    );
    // an app without a loopback redirect URI
    home.run(&[
        "app",
        "edit",
        "Native",
        "--redirect-uri",
        "https://app.example.com/callback",
    ])
    .ok();
    assert_eq!(
        home.run(&["login", "Native"]).failed(8),
        "“Native” has no loopback redirect URI, which a browser login needs. Add \
         http://127.0.0.1/callback to the app (and register it at the provider), or \
         http://localhost:PORT/callback if the provider needs an exact match."
    );
    // an environment without the endpoints a login needs
    home.run(&[
        "env",
        "edit",
        "Local",
        "--authorize-url",
        "",
        "--device-url",
        "",
    ])
    .ok();
    assert_eq!(
        home.run(&["login", "Billing sync", "--no-browser"])
            .failed(8),
        "“Local” has no authorization endpoint, which a browser login needs. Add it in the \
         environment's settings, or fill the endpoints from the issuer."
    );
    assert_eq!(
        home.run(&["login", "Billing sync", "--device"]).failed(8),
        "“Local” has no device authorization endpoint, which a device login needs. Add it in \
         the environment's settings, or fill the endpoints from the issuer."
    );
    assert_eq!(grants(&server), []);
}

#[test]
fn production_apps_need_their_environment_named_to_sign_in() {
    let server = Server::start(&[]);
    let home = Home::new("login-production");
    let issuer = server.issuer.as_str();
    home.run(&[
        "env",
        "add",
        "Prod",
        "--kind",
        "production",
        "--issuer",
        issuer,
        "--discover",
    ])
    .ok();
    home.public_app("Prod");
    let browser = StandinBrowser::register("sign-in");
    assert_eq!(
        home.run_with(&browser, &["login", "Native"]).failed(2),
        "“Native” is in the production environment “Prod”: name it with --env \"Prod\" to go \
         on (there is no terminal to confirm on)."
    );
    assert_eq!(browser.log(0), Vec::<String>::new(), "no browser opened");
    home.run_with(&browser, &["login", "Native", "--env", "Prod"])
        .ok();
    assert_eq!(grants(&server), [grant("authorization_code", 200)]);
}

#[test]
fn a_device_login_on_a_terminal_draws_a_qr_code() {
    let (_server, home) = native("login-qr");
    let mut child = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{} login Native --device --timeout 1", common::BIN),
            "/dev/null",
        ])
        .env("AUTHDECK_HOME", home.dir.path())
        .env("AUTHDECK_KEYCHAIN_NAMESPACE", &home.namespace)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` (package bsdutils) must be installed");
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    let screen = String::from_utf8(output.stdout)
        .unwrap()
        .replace("\r\n", "\n");
    assert_eq!(output.status.code(), Some(6), "{screen}");
    assert!(
        screen.contains(
            "authdeck: or open this address, which holds the code (so does the QR code):"
        ),
        "{screen}"
    );
    let drawn: Vec<&str> = screen
        .lines()
        .filter(|line| !line.is_empty() && line.chars().all(|c| " ▀▄█".contains(c)))
        .collect();
    assert!(
        drawn.len() >= 15,
        "a QR code of at least 29 modules: {screen}"
    );
    assert!(
        drawn
            .iter()
            .all(|line| line.chars().count() == drawn[0].chars().count())
    );
}

#[test]
fn with_no_browser_to_open_the_address_is_still_shown_and_the_login_waits() {
    let (server, home) = native("login-no-opener");
    // no xdg-open, no gio: nothing can open a browser (a bare machine)
    let empty = tempfile::tempdir().unwrap();
    let run = Run::from(
        home.command(&["login", "Native", "--timeout", "1", "-v"])
            .env("PATH", empty.path())
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 6, "{run:#?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[1],
        "authdeck: No browser could be opened; open this address in a browser to sign in:"
    );
    // -v: the opener's reason, without the address
    assert!(
        lines[2].starts_with("authdeck: (No browser could be opened (")
            && !lines[2].contains("/auth?"),
        "{run:#?}"
    );
    assert!(
        lines[3].starts_with(&format!("  {}/auth?", server.issuer)),
        "{run:#?}"
    );
    assert!(lines[4].starts_with("authdeck: listening on 127.0.0.1:"));
    assert!(lines[5].starts_with("authdeck: No sign-in arrived within 1s (--timeout)"));
    assert_eq!(lines.len(), 6, "{run:#?}");
}

#[test]
fn a_confidential_app_signs_in_on_its_registered_fixed_port_with_its_secret() {
    let server = Server::start(&[]);
    let home = Home::new("login-confidential");
    home.local_environment(&server);
    // a provider that matches redirect URIs exactly: a registered port on localhost
    let port = support::free_port();
    let redirect = format!("http://localhost:{port}/callback");
    let (client_id, secret) = support::browser::register_client(&server.issuer, &redirect);
    home.run(&[
        "app",
        "add",
        "Web",
        "--env",
        "Local",
        "--client-id",
        &client_id,
        "--redirect-uri",
        &redirect,
        "--scope",
        "openid offline_access read",
    ])
    .ok();
    home.run_with_stdin(&["secret", "add", "Web"], &secret).ok();
    let browser = StandinBrowser::register("sign-in");
    let run = home.run_with(&browser, &["login", "Web"]);
    run.ok();
    assert!(
        run.stderr.contains(&format!(
            "authdeck: listening on 127.0.0.1:{port} for the redirect to {redirect} until "
        )),
        "{run:#?}"
    );
    assert_eq!(
        browser.log(4)[3],
        format!(
            "standin-browser: ended at http://localhost:{port}{} (HTTP 200)",
            authdeck_core::loopback::RESULT_PATH
        )
    );
    token_value(&home.run(&["token", "Web", "--min-valid", "3601"]));
    let methods: Vec<(String, String)> = server
        .token_requests()
        .iter()
        .map(|r| {
            (
                r["grant_type"].as_str().unwrap().to_owned(),
                r["auth_method"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let basic = "client_secret_basic".to_owned();
    assert_eq!(
        methods,
        [
            ("authorization_code".to_owned(), basic.clone()),
            ("refresh_token".to_owned(), basic)
        ]
    );
    assert!(!run.stderr.contains(&secret) && !run.stdout.contains(&secret));
}

/// The second test server, django-oauth-toolkit (tests/authserver-dot): the CLI fills an
/// environment from its issuer alone, gets a client credentials token for a client whose ID
/// starts with `-`, and signs in through the opener, the stand-in browser going through
/// Django's login form and DOT's consent form.
#[test]
fn the_cli_discovers_django_oauth_toolkit_and_signs_in_on_its_pages_through_the_opener() {
    let server = support::authserver_dot::DotServer::start(support::browser::PASSWORD);
    let issuer = server.issuer.as_str();
    let clients = &server.clients;
    let home = Home::new("login-dot");
    home.run(&[
        "env",
        "add",
        "Dot",
        "--kind",
        "sandbox",
        "--issuer",
        issuer,
        "--discover",
    ])
    .ok();
    home.app(
        "Dot",
        "Dash",
        &clients.dash.client_id,
        &clients.dash.client_secret,
    );
    home.run(&[
        "app",
        "add",
        "Native",
        "--env",
        "Dot",
        "--client-id",
        &clients.public.client_id,
        "--public",
        "--scope",
        "openid profile read",
    ])
    .ok();

    let token = home.run(&["token", "Dash"]);
    let (_, values) = home.stored_token("Dash");
    assert_eq!(token.ok(), format!("{}\n", values[0]));

    let browser = StandinBrowser::register("sign-in");
    let run = home.run_with(&browser, &["login", "Native"]);
    assert_eq!(run.ok(), "", "nothing on stdout");
    let port = port_of(&run.stderr);
    assert_eq!(
        browser.log(4),
        [
            format!("standin-browser: opened {issuer}/authorize/"),
            "standin-browser: signed in as alice".to_owned(),
            "standin-browser: consented".to_owned(),
            format!(
                "standin-browser: ended at http://127.0.0.1:{port}{} (HTTP 200)",
                authdeck_core::loopback::RESULT_PATH
            ),
        ]
    );
    let stderr: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        stderr[4], "authdeck: signed in as 1; stored for “Native” in “Dot”:",
        "{run:#?}"
    );
    let (stored, values) = home.stored_token("Native");
    assert_eq!(stored["source"], "authorization_code");
    assert_eq!(
        values.len(),
        3,
        "access, refresh and ID token in the keychain"
    );
    let requests: Vec<(Value, Value, Value)> = server
        .token_requests()
        .iter()
        .map(|r| {
            (
                r["grant_type"].clone(),
                r["auth_method"].clone(),
                r["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        requests,
        [
            (
                json!("client_credentials"),
                json!("client_secret_basic"),
                json!(200)
            ),
            (json!("authorization_code"), json!("none"), json!(200)),
        ]
    );
}
