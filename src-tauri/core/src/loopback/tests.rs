//! The listener's rules one by one, then the real socket: a forged callback is refused and the
//! login keeps waiting, the valid one ends it and nothing listens afterwards.

use super::*;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const STATE: &str = "state-of-this-login";
const ISSUER: &str = "https://id.example.com";

fn options(timeout: Duration) -> ListenOptions {
    ListenOptions {
        port: 0,
        host: "127.0.0.1".into(),
        path: "/callback".into(),
        timeout,
    }
}

fn expected(iss_required: bool) -> Expected {
    Expected {
        state: STATE.into(),
        issuer: Issuer::Known(ISSUER.into()),
        iss_required,
    }
}

fn rules(iss_required: bool) -> Rules {
    Rules {
        options: ListenOptions {
            host: "localhost".into(),
            ..options(Duration::from_secs(60))
        },
        port: 8080,
        expected: expected(iss_required),
        result: Mutex::new(None),
        served: tokio::sync::Notify::new(),
    }
}

fn judged(method: Method, target: &str, host: Option<&str>, iss_required: bool) -> Judgement {
    let uri: http::Uri = target.parse().unwrap();
    judge(&rules(iss_required), &method, &uri, host)
}

fn refused(judgement: Judgement) -> String {
    match judgement {
        Judgement::Reject(_, why) => why,
        other => panic!("accepted: {other:?}"),
    }
}

const HOST: Option<&str> = Some("127.0.0.1:8080");

#[test]
fn the_valid_callback_is_accepted_from_either_registered_host_name() {
    let target = format!("/callback?code=abc&state={STATE}&iss=https%3A%2F%2Fid.example.com");
    for host in [HOST, Some("localhost:8080"), Some("LOCALHOST:8080")] {
        assert_eq!(
            judged(Method::GET, &target, host, true),
            Judgement::Accept(Callback::Code(Secret::new("abc")))
        );
    }
}

#[test]
fn an_error_callback_without_the_required_iss_is_refused_naming_the_error() {
    let target =
        format!("/callback?error=access_denied&error_description=User+said+no&state={STATE}");
    assert_eq!(
        refused(judged(Method::GET, &target, HOST, true)),
        "The callback has no iss, which this provider always sends (RFC 9207), so it cannot be \
         told from a forged one. It carries the error “access_denied” (User said no); if you \
         refused access in the browser, that is the provider's answer."
    );
}

#[test]
fn the_providers_error_with_the_right_state_ends_the_login() {
    let target =
        format!("/callback?error=access_denied&error_description=User+said+no&state={STATE}");
    assert_eq!(
        judged(Method::GET, &target, HOST, false),
        Judgement::Accept(Callback::Refused {
            error: "access_denied".into(),
            description: Some("User said no".into())
        })
    );
}

#[test]
fn each_rule_refuses_with_its_reason() {
    let ok = format!("/callback?code=abc&state={STATE}");
    let cases: Vec<(Method, String, Option<&str>, bool, &str)> = vec![
        (Method::POST, ok.clone(), HOST, false, "Only a GET"),
        (
            Method::GET,
            format!("/other?code=abc&state={STATE}"),
            HOST,
            false,
            "not the sign-in callback",
        ),
        (
            Method::GET,
            ok.clone(),
            Some("evil.example:8080"),
            false,
            "another host",
        ),
        (
            Method::GET,
            ok.clone(),
            Some("127.0.0.1:9999"),
            false,
            "another host",
        ),
        (Method::GET, ok.clone(), None, false, "another host"),
        (
            Method::GET,
            "/callback?code=abc".into(),
            HOST,
            false,
            "no state",
        ),
        (
            Method::GET,
            "/callback?code=abc&state=other".into(),
            HOST,
            false,
            "not this sign-in's",
        ),
        (
            Method::GET,
            format!("{ok}&state={STATE}"),
            HOST,
            false,
            "“state” more than once",
        ),
        (
            Method::GET,
            format!("{ok}&code=def"),
            HOST,
            false,
            "“code” more than once",
        ),
        (
            Method::GET,
            format!("{ok}&iss=a&iss=b"),
            HOST,
            false,
            "“iss” more than once",
        ),
        (
            Method::GET,
            format!("{ok}&iss=https%3A%2F%2Fevil.example"),
            HOST,
            false,
            "another issuer",
        ),
        (Method::GET, ok.clone(), HOST, true, "no iss"),
        (
            Method::GET,
            format!("/callback?state={STATE}"),
            HOST,
            false,
            "no authorization code",
        ),
        (
            Method::GET,
            format!("/callback?code=&state={STATE}"),
            HOST,
            false,
            "no authorization code",
        ),
    ];
    for (method, target, host, iss_required, words) in cases {
        let why = refused(judged(method.clone(), &target, host, iss_required));
        assert!(why.contains(words), "{method} {target} {host:?}: {why}");
    }
}

#[test]
fn with_no_issuer_known_an_iss_must_name_the_authorization_endpoints_origin() {
    let mut rules = rules(false);
    rules.expected.issuer = Issuer::AuthorizationOrigin(ISSUER.into());
    let with_iss = |iss: &str| {
        let target = format!("/callback?code=abc&state={STATE}{iss}");
        judge(&rules, &Method::GET, &target.parse().unwrap(), HOST)
    };
    let accepted = Judgement::Accept(Callback::Code(Secret::new("abc")));
    assert_eq!(with_iss("&iss=https%3A%2F%2Fid.example.com"), accepted);
    assert_eq!(with_iss(""), accepted, "no iss, and none promised");
    for other in [
        "https%3A%2F%2Fevil.example",
        "https%3A%2F%2Fid.example.com%3A8443",
        "http%3A%2F%2Fid.example.com",
        "https%3A%2F%2Fid.example.com%2Ftenant",
    ] {
        let why = refused(with_iss(&format!("&iss={other}")));
        assert!(why.contains("add its issuer URL"), "{other}: {why}");
    }
}

#[test]
fn for_a_team_vault_any_iss_is_passed_over_but_the_state_is_still_checked() {
    let mut rules = rules(false);
    rules.expected.issuer = Issuer::RedeemedByVault;
    let judged = |query: &str| {
        let target = format!("/callback?code=abc{query}");
        judge(&rules, &Method::GET, &target.parse().unwrap(), HOST)
    };
    let accepted = Judgement::Accept(Callback::Code(Secret::new("abc")));
    // Keycloak names itself with a path under its origin: its real callback must be taken.
    for iss in ["", "&iss=https%3A%2F%2Fkc.example.com%2Frealms%2Facme"] {
        assert_eq!(judged(&format!("&state={STATE}{iss}")), accepted, "{iss}");
    }
    let why = refused(judged("&state=forged"));
    assert!(why.contains("not this sign-in's"), "{why}");
}

#[test]
fn pages_escape_what_they_show() {
    let html = page("Sign-in refused", "<script>alert(1)</script> & \"quotes\"");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert!(!html.contains("<script>alert"));
}

/// Sends raw bytes to the listener and returns the whole answer.
async fn raw(port: u16, request: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

fn get(port: u16, target: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")
}

#[tokio::test]
async fn a_forged_callback_is_refused_and_the_valid_one_ends_the_login() {
    let listener = Listener::bind(options(Duration::from_secs(30)))
        .await
        .unwrap();
    let port = listener.port();
    assert_eq!(
        listener.redirect_uri(),
        format!("http://127.0.0.1:{port}/callback")
    );
    let refusals = listener.refusals();
    let waiting = tokio::spawn(listener.wait(expected(false), std::future::pending()));

    let forged = raw(port, &get(port, "/callback?code=stolen&state=guess")).await;
    assert!(forged.starts_with("HTTP/1.1 400"), "{forged}");
    assert!(forged.contains("not this sign-in"), "{forged}");
    assert!(!waiting.is_finished(), "the login keeps waiting");

    let valid = raw(
        port,
        &get(port, &format!("/callback?code=the-code&state={STATE}")),
    )
    .await;
    assert!(valid.starts_with("HTTP/1.1 303"), "{valid}");
    let head = valid.to_ascii_lowercase();
    assert!(
        head.contains(&format!("location: {RESULT_PATH}\r\n")),
        "redirected to the result page, without the code: {valid}"
    );
    assert!(head.contains("cache-control: no-store"), "{valid}");
    assert!(head.contains("referrer-policy: no-referrer"), "{valid}");
    assert!(
        !valid.contains("the-code"),
        "the answer does not repeat the code"
    );

    let replayed = raw(
        port,
        &get(port, &format!("/callback?code=the-code&state={STATE}")),
    )
    .await;
    assert!(replayed.starts_with("HTTP/1.1 400"), "{replayed}");
    assert!(replayed.contains("already completed"), "{replayed}");

    let result = raw(port, &get(port, RESULT_PATH)).await;
    assert!(result.starts_with("HTTP/1.1 200"), "{result}");
    let head = result.to_ascii_lowercase();
    assert!(head.contains("cache-control: no-store"), "{result}");
    assert!(head.contains("referrer-policy: no-referrer"), "{result}");
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{result}"
    );
    assert!(result.contains("<h1>Signed in</h1>"), "{result}");
    assert!(!head.contains("<script"), "a page without script");

    let outcome = waiting.await.unwrap().unwrap();
    assert_eq!(outcome, Some(Callback::Code(Secret::new("the-code"))));
    assert_eq!(
        refusals.callbacks(),
        [
            "The callback's state is not this sign-in's; it may be an old or forged link.",
            "This sign-in has already completed; this link cannot be used again."
        ]
    );
    assert!(
        TcpStream::connect(("127.0.0.1", port)).await.is_err(),
        "nothing listens after success"
    );
}

#[tokio::test]
async fn an_oversized_or_stalled_request_does_not_stop_the_login() {
    let listener = Listener::bind(options(Duration::from_secs(30)))
        .await
        .unwrap();
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait(expected(false), std::future::pending()));

    // a client that connects and sends nothing
    let _stalled = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let oversized = format!(
        "GET /callback?state={STATE}&code={} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
        "x".repeat(40 * 1024)
    );
    let answer = raw(port, &oversized).await;
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "{}",
        &answer[..answer.len().min(80)]
    );
    assert!(!waiting.is_finished());

    raw(
        port,
        &get(port, &format!("/callback?code=ok&state={STATE}")),
    )
    .await;
    assert_eq!(
        waiting.await.unwrap().unwrap(),
        Some(Callback::Code(Secret::new("ok")))
    );
}

#[tokio::test]
async fn timeout_and_cancel_end_the_login_and_close_the_port() {
    let listener = Listener::bind(options(Duration::from_millis(300)))
        .await
        .unwrap();
    let port = listener.port();
    let started = Instant::now();
    let error = listener
        .wait(expected(false), std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(error.code(), crate::ErrorCode::Timeout);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());

    let listener = Listener::bind(options(Duration::from_secs(30)))
        .await
        .unwrap();
    let port = listener.port();
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    let waiting = tokio::spawn(listener.wait(expected(false), async {
        let _ = cancelled.await;
    }));
    cancel.send(()).unwrap();
    assert_eq!(waiting.await.unwrap().unwrap(), None);
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
}

#[tokio::test]
async fn each_login_gets_its_own_port_on_loopback_only() {
    let first = Listener::bind(options(Duration::from_secs(1)))
        .await
        .unwrap();
    let second = Listener::bind(options(Duration::from_secs(1)))
        .await
        .unwrap();
    assert_ne!(first.port(), second.port());
    assert_eq!(
        first.socket.local_addr().unwrap().ip(),
        std::net::IpAddr::from(Ipv4Addr::LOCALHOST)
    );
    // a fixed port that is taken is a clear error
    let taken = Listener::bind(ListenOptions {
        port: first.port(),
        ..options(Duration::from_secs(1))
    })
    .await;
    assert!(
        matches!(taken, Err(Error::Network(m)) if m.contains("Another program uses that port"))
    );
}

fn localhost(port: u16) -> ListenOptions {
    ListenOptions {
        port,
        host: "localhost".into(),
        ..options(Duration::from_secs(30))
    }
}

#[tokio::test]
async fn a_localhost_listener_holds_the_ipv6_loopback_port_too() {
    let listener = Listener::bind(localhost(0)).await.unwrap();
    let port = listener.port();
    let taken = std::net::TcpListener::bind((std::net::Ipv6Addr::LOCALHOST, port));
    assert_eq!(
        taken.map(|_| ()).unwrap_err().kind(),
        std::io::ErrorKind::AddrInUse,
        "[::1]:{port} is held by the login, so no other program can take its callback"
    );
    let waiting = tokio::spawn(listener.wait(expected(false), std::future::pending()));
    // the browser may resolve localhost to ::1: the callback arrives there
    let mut stream = TcpStream::connect(("::1", port)).await.unwrap();
    let request =
        format!("GET /callback?code=abc&state={STATE} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let callback = waiting.await.unwrap().unwrap();
    assert_eq!(callback, Some(Callback::Code(Secret::new("abc"))));
}

#[tokio::test]
async fn a_fixed_localhost_port_another_program_holds_on_ipv6_is_refused() {
    let other = std::net::TcpListener::bind((std::net::Ipv6Addr::LOCALHOST, 0)).unwrap();
    let port = other.local_addr().unwrap().port();
    let Err(refused) = Listener::bind(localhost(port)).await else {
        panic!("the login listened beside another program's [::1]:{port}");
    };
    assert_eq!(refused.code(), crate::ErrorCode::Network);
    assert!(
        refused.to_string().contains(&format!("[::1]:{port}")),
        "{refused}"
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing is left listening on 127.0.0.1:{port}"
    );
}

#[test]
fn state_comparison_accepts_only_the_very_same_value() {
    assert!(same_state(STATE, STATE));
    assert!(same_state("", ""));
    for other in [
        "state-of-this-logiN",
        "state-of-this-login-and-more",
        "state-of-this-logi",
        "",
        "another state entirely",
    ] {
        assert!(!same_state(other, STATE), "{other}");
    }
}

#[tokio::test]
async fn each_refused_callback_is_told_at_once_and_the_timeout_says_what_arrived() {
    let listener = Listener::bind(options(Duration::from_secs(3)))
        .await
        .unwrap();
    let port = listener.port();
    let mut feed = listener.refusals().feed();
    let waiting = tokio::spawn(listener.wait(expected(true), std::future::pending()));

    let no_iss = format!("/callback?error=access_denied&state={STATE}");
    raw(port, &get(port, &no_iss)).await;
    let told = tokio::time::timeout(Duration::from_secs(1), feed.recv()).await;
    let first = told.expect("told before the login ends").expect("a reason");
    assert!(first.starts_with("The callback has no iss"), "{first}");
    assert!(!waiting.is_finished(), "the login keeps waiting");
    // a browser's own requests beside the callback are refused but not told
    raw(port, &get(port, "/favicon.ico")).await;
    raw(port, &get(port, &no_iss)).await;
    raw(port, &get(port, "/callback?code=x&state=guess")).await;
    assert_eq!(feed.recv().await.as_deref(), Some(first.as_str()));
    let forged = feed.recv().await.unwrap();
    assert!(
        forged.starts_with("The callback's state is not"),
        "{forged}"
    );

    let error = waiting.await.unwrap().unwrap_err();
    assert_eq!(error.code(), crate::ErrorCode::Timeout);
    let no_iss_reason = first.trim_end_matches('.');
    assert_eq!(
        error.to_string(),
        format!(
            "No sign-in was accepted within 3 seconds: 3 callbacks arrived and were refused \
             ({no_iss_reason} ×2; The callback's state is not this sign-in's; it may be an old \
             or forged link); none was accepted. The login was stopped and nothing listens any \
             more. Start it again; if the provider keeps sending such callbacks, check the \
             environment's issuer and endpoints."
        )
    );
    assert_eq!(feed.recv().await, None, "the feed ends with the login");
}
