//! The shared agent over a real socket in a private folder, serving from a core whose token
//! came from a local test server: what it hands on, what it refuses while the keychain is
//! locked, how it binds beside a dead or a live agent, and how it ends. The CLI's integration
//! tests (cli/tests/agent.rs) and the desktop's end-to-end test drive the same code through
//! the real keychain.

use super::*;
use crate::model::*;
use crate::test_server::{Reply, Seen, TestServer};
use crate::vault::MemoryVault;
use crate::{ErrorCode, Fetch, SystemClock};
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// A token value shaped as a server may shape it (a leading dash).
const TOKEN: &str = "-agent-token-1";
const WAIT: Duration = Duration::from_secs(5);

struct Stored {
    _home: tempfile::TempDir,
    runtime: tempfile::TempDir,
    core: Arc<Core>,
    vault: Arc<MemoryVault>,
    server: TestServer,
}

impl Stored {
    fn folder(&self) -> PathBuf {
        self.runtime.path().join("authdeck")
    }
}

/// A core with the environment "Local" and its app "Billing sync", whose token is stored.
fn stored() -> Stored {
    stored_from(|_| {
        Reply::Answer(
            200,
            "application/json",
            format!(r#"{{"access_token": "{TOKEN}", "token_type": "Bearer", "expires_in": 3600}}"#),
        )
    })
}

/// [`stored`], the token endpoint answering as `script` says (its first answer is stored).
fn stored_from(script: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Stored {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(TestServer::start(script));
    let home = tempfile::tempdir().unwrap();
    let vault = Arc::new(MemoryVault::default());
    let core = Arc::new(Core::open(home.path(), vault.clone(), Arc::new(SystemClock)).unwrap());
    let environment = core
        .create_environment(EnvironmentInput {
            name: "Local".into(),
            kind: EnvironmentKind::Sandbox,
            color: "#2F80ED".into(),
            endpoints: Endpoints {
                token_url: Some(format!("{}/token", server.url)),
                ..Endpoints::default()
            },
            profile: ProviderProfile::Standard,
            rotation_days: 90,
        })
        .unwrap();
    let app = core
        .create_app(ClientAppInput::confidential(
            environment.id.clone(),
            "Billing sync",
            "-billing",
        ))
        .unwrap();
    core.add_secret(SecretInput {
        app_id: app.id.clone(),
        label: String::new(),
        value: Secret::new("s3cret"),
        provider_created_at: None,
    })
    .unwrap();
    runtime
        .block_on(core.fetch_token(&app.id, TokenRequestInput::default(), Fetch::Renew))
        .unwrap();
    // the server keeps answering on its own runtime's threads while the test goes on
    std::mem::forget(runtime);
    Stored {
        _home: home,
        runtime: tempfile::tempdir().unwrap(),
        core,
        vault,
        server,
    }
}

/// An agent serving `served` as the desktop app does (no idle limit) on a thread of its own;
/// its socket, how to tell it the app quits, and its thread (which gives how it ended).
fn serving(
    served: &Stored,
) -> (
    PathBuf,
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<Ending>,
) {
    let Opened::Listening(listening) = listen_in(&served.folder(), &served.core, "ns").unwrap()
    else {
        panic!("no agent serves yet");
    };
    let socket = listening.socket.clone();
    let agent = Agent::new(
        Arc::clone(&served.core),
        &listening,
        Server::DesktopApp,
        None,
        |_| {},
    );
    let (quitting, quit) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime
            .block_on(agent.run(listening.listener, async {
                let _ = quit.await;
                "the app quit"
            }))
            .unwrap()
    });
    (socket, quitting, thread)
}

/// A request for `app`'s token in "Local", valid `min_valid` more seconds, and renewed by the
/// agent if need be when `renew`.
fn token_request(app: &str, min_valid: i64, renew: bool) -> Request {
    Request::Token {
        app: Some(app.into()),
        env: Some("Local".into()),
        min_valid,
        renew,
    }
}

fn token_of(app: &str) -> Request {
    token_request(app, 60, false)
}

/// A request for a token valid `min_valid` more seconds, renewed by the agent if need be.
fn renewed_token_of(app: &str, min_valid: i64) -> Request {
    token_request(app, min_valid, true)
}

/// The token endpoint's `n`-th answer: "-agent-token-n", valid an hour, so each renewal is
/// told from the one before.
fn numbered_token(n: usize) -> Reply {
    Reply::Answer(
        200,
        "application/json",
        format!(
            r#"{{"access_token": "-agent-token-{n}", "token_type": "Bearer", "expires_in": 3600}}"#
        ),
    )
}

/// Asks the agent to stop, and checks it did: it answered, ended, and took its socket along.
fn stop(socket: &Path, thread: std::thread::JoinHandle<Ending>) {
    assert!(matches!(
        talk(socket, &Request::Stop, WAIT),
        Some(Answer::Stopping)
    ));
    assert_eq!(thread.join().unwrap(), Ending::Stopped);
    assert!(!socket.exists(), "its socket is removed when it ends");
}

fn status(socket: &Path) -> Status {
    running(socket).expect("the agent answers")
}

#[test]
fn the_stored_token_is_served_and_nothing_while_the_keychain_is_locked() {
    let served = stored();
    let (socket, quitting, thread) = serving(&served);
    assert_eq!(
        std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let Some(Answer::Token(token)) = talk(&socket, &token_of("Billing sync"), WAIT) else {
        panic!("no token served");
    };
    assert_eq!(token.value.expose(), TOKEN);
    assert_eq!(token.app.display_name, "Billing sync");
    assert_eq!(token.environment.name, "Local");
    let now = status(&socket);
    assert_eq!(
        (now.served_by, now.served, now.missed, now.held),
        (Server::DesktopApp, 1, 0, 1)
    );
    assert_eq!(
        now.idle_limit_seconds, None,
        "the desktop app has no idle limit"
    );

    served.vault.locked.store(true, Ordering::SeqCst);
    assert!(matches!(
        talk(&socket, &token_of("Billing sync"), WAIT),
        Some(Answer::Locked)
    ));
    assert_eq!(status(&socket).held, 0, "every value dropped while locked");
    served.vault.locked.store(false, Ordering::SeqCst);
    let Some(Answer::Token(again)) = talk(&socket, &token_of("billing SYNC"), WAIT) else {
        panic!("no token served once unlocked");
    };
    assert_eq!(again.value.expose(), TOKEN);

    quitting.send(()).unwrap();
    assert_eq!(thread.join().unwrap(), Ending::Told("the app quit"));
    assert!(!socket.exists(), "its socket is removed when it ends");
}

#[test]
fn a_name_that_finds_no_app_is_a_miss_that_says_which_apps_there_are() {
    let served = stored();
    let (socket, _quitting, thread) = serving(&served);
    let Some(Answer::Miss { why }) = talk(&socket, &token_of("Reports"), WAIT) else {
        panic!("not a miss");
    };
    assert_eq!(
        why,
        "No app “Reports” in “Local”. Its apps: “Billing sync”."
    );
    stop(&socket, thread);
}

#[test]
fn a_dead_agents_socket_is_replaced_and_a_live_agent_is_left_serving() {
    let served = stored();
    let folder = served.folder();
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&folder)
        .unwrap();
    let home = served.core.home().canonicalize().unwrap();
    let dead = socket(&folder, &home, "ns");
    drop(UnixListener::bind(&dead).unwrap()); // a crashed agent's: nobody answers on it
    assert!(dead.exists() && UnixStream::connect(&dead).is_err());

    let (live, quitting, thread) = serving(&served);
    assert_eq!(live, dead, "the same place");
    assert_eq!(
        status(&live).served_by,
        Server::DesktopApp,
        "the new agent answers there"
    );
    match listen_in(&folder, &served.core, "ns").unwrap() {
        Opened::Served(status) => {
            assert_eq!(status.served_by, Server::DesktopApp);
            assert_eq!(status.pid, std::process::id());
            assert_eq!(status.socket, live.display().to_string());
        }
        Opened::Listening(_) => panic!("it bound beside a live agent"),
    }
    quitting.send(()).unwrap();
    thread.join().unwrap();
}

#[test]
fn a_status_without_who_serves_is_a_cli_agents_and_the_desktops_has_no_idle_limit() {
    let older = r#"{"pid": 7, "socket": "/run/user/0/authdeck/agent-0.sock", "home": "/h",
        "namespace": "authdeck", "served": 1, "missed": 2, "refused": 0, "held": 1,
        "idle_seconds": 3, "idle_limit_seconds": 900}"#;
    let status: Status = serde_json::from_str(older).unwrap();
    assert_eq!(status.served_by, Server::CliAgent);
    assert_eq!(status.idle_limit_seconds, Some(900));
    let desktop = Status {
        served_by: Server::DesktopApp,
        idle_limit_seconds: None,
        ..status.clone()
    };
    let json = serde_json::to_value(&desktop).unwrap();
    assert_eq!(json["served_by"], "desktop-app");
    assert!(json.get("idle_limit_seconds").is_none(), "{json}");
    assert_eq!(
        serde_json::to_value(&status).unwrap()["served_by"],
        "cli-agent"
    );
}

#[test]
fn a_token_that_no_longer_serves_is_renewed_when_asked_and_a_miss_when_not() {
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let served = stored_from(move |_| numbered_token(counter.fetch_add(1, Ordering::SeqCst) + 1));
    let (socket, _quitting, thread) = serving(&served);
    let longer = token_request("Billing sync", 3601, false);
    let Some(Answer::Miss { why }) = talk(&socket, &longer, WAIT) else {
        panic!("not a miss without renew");
    };
    assert_eq!(why, "the token expires too soon");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        1,
        "nothing asked of the provider"
    );

    let Some(Answer::Token(renewed)) = talk(&socket, &renewed_token_of("Billing sync", 3601), WAIT)
    else {
        panic!("no token renewed");
    };
    assert_eq!(renewed.value.expose(), "-agent-token-2");
    assert!(renewed.renewed);
    assert_eq!(renewed.meta.source, TokenSource::ClientCredentials);
    assert_eq!(
        asked.load(Ordering::SeqCst),
        2,
        "one request for the renewal"
    );
    let (meta, value) = served.core.token_value(&renewed.app.id).unwrap();
    assert_eq!(
        (meta.id, value.expose()),
        (renewed.meta.id.clone(), "-agent-token-2"),
        "stored as the app's token"
    );

    // It now serves: handed on from memory, not renewed again.
    let Some(Answer::Token(again)) = talk(&socket, &renewed_token_of("Billing sync", 60), WAIT)
    else {
        panic!("no token served");
    };
    assert_eq!(
        (again.value.expose(), again.renewed),
        ("-agent-token-2", false)
    );
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    let now = status(&socket);
    assert_eq!(
        (now.served, now.renewed, now.missed, now.held),
        (2, 1, 1, 1)
    );
    stop(&socket, thread);
}

#[test]
fn a_renewal_the_provider_refuses_is_a_failure_with_its_code_and_the_provider_is_asked_once() {
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let served = stored_from(move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::Answer(
                200,
                "application/json",
                format!(
                    r#"{{"access_token": "{TOKEN}", "token_type": "Bearer", "expires_in": 3600}}"#
                ),
            )
        } else {
            Reply::Answer(
                401,
                "application/json",
                r#"{"error": "invalid_client", "error_description": "secret rotated"}"#.into(),
            )
        }
    });
    let (socket, _quitting, thread) = serving(&served);
    let Some(Answer::Failed { code, message }) =
        talk(&socket, &renewed_token_of("Billing sync", 3601), WAIT)
    else {
        panic!("not a failure");
    };
    assert_eq!(code, ErrorCode::Provider);
    assert!(
        message.contains("invalid_client") && message.contains("secret rotated"),
        "{message}"
    );
    assert_eq!(asked.load(Ordering::SeqCst), 2, "one renewal request");
    let now = status(&socket);
    assert_eq!(
        (now.served, now.renewed, now.missed, now.held),
        (0, 0, 1, 0)
    );
    // The stored token is left as it was, and still serves a request it is long enough for.
    let Some(Answer::Token(token)) = talk(&socket, &renewed_token_of("Billing sync", 60), WAIT)
    else {
        panic!("the stored token is no longer served");
    };
    assert_eq!((token.value.expose(), token.renewed), (TOKEN, false));
    stop(&socket, thread);
}

#[test]
fn a_public_apps_token_is_not_the_agents_to_get() {
    let served = stored();
    let environment = served.core.find_environment(Some("Local")).unwrap();
    served
        .core
        .create_app(ClientAppInput {
            client_type: ClientType::Public,
            auth_method: AuthMethod::None,
            redirect_uris: vec!["http://127.0.0.1/callback".into()],
            ..ClientAppInput::confidential(environment.id, "Browser app", "-browser")
        })
        .unwrap();
    let (socket, _quitting, thread) = serving(&served);
    let Some(Answer::Miss { why }) = talk(&socket, &renewed_token_of("Browser app", 60), WAIT)
    else {
        panic!("not a miss");
    };
    assert_eq!(why, "no token is stored");
    assert_eq!(
        served.server.seen().len(),
        1,
        "only the first app's token was asked for"
    );
    assert_eq!(status(&socket).renewed, 0);
    stop(&socket, thread);
}

#[test]
fn a_request_without_renew_is_one_of_a_cli_from_before_and_asks_no_renewal() {
    let older = r#"{"ask": "token", "app": "Billing sync", "env": null, "min_valid": 60}"#;
    let Request::Token { renew, app, .. } = serde_json::from_str(older).unwrap() else {
        panic!("not a token request");
    };
    assert_eq!((renew, app.as_deref()), (false, Some("Billing sync")));
    let failed = Answer::Failed {
        code: ErrorCode::Network,
        message: "The provider did not answer.".into(),
    };
    let text = String::from_utf8(line(&failed)).unwrap();
    assert_eq!(
        text,
        "{\"answer\":\"failed\",\"code\":\"network\",\"message\":\"The provider did not answer.\"}\n"
    );
}

#[test]
fn a_renewal_at_the_provider_holds_up_no_other_request() {
    // The first request (the set-up's) is answered at once; the renewal's waits at the gate.
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (counter, held_by) = (Arc::clone(&asked), Arc::clone(&gate));
    let served = stored_from(move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        let token = numbered_token(n);
        if n == 1 {
            token
        } else {
            Reply::WhenOpened(Arc::clone(&held_by), Box::new(token))
        }
    });
    let (socket, _quitting, thread) = serving(&served);
    let renewing = {
        let socket = socket.clone();
        std::thread::spawn(move || talk(&socket, &renewed_token_of("Billing sync", 3601), WAIT))
    };
    let at_provider = std::time::Instant::now();
    while asked.load(Ordering::SeqCst) < 2 {
        assert!(
            at_provider.elapsed() < WAIT,
            "the renewal never reached the provider"
        );
        std::thread::sleep(Duration::from_millis(5));
    }

    // While it waits there: the stored token (still valid for a minute) is served, the status
    // answers, and a client that connects first and sends nothing holds up neither. The agent
    // gives such a client 2 s to send its request; waiting for it would take longer than this
    // request is given (1 s, for an answer from memory).
    let silent = std::os::unix::net::UnixStream::connect(&socket).unwrap();
    let Some(Answer::Token(cached)) =
        talk(&socket, &token_of("Billing sync"), Duration::from_secs(1))
    else {
        panic!(
            "the stored token was not served during the renewal, or not before the silent client's 2 s"
        );
    };
    assert_eq!(
        (cached.value.expose(), cached.renewed),
        ("-agent-token-1", false)
    );
    let during = status(&socket);
    assert_eq!((during.served, during.renewed), (1, 0));
    assert!(
        !renewing.is_finished(),
        "the renewal is still at the provider"
    );

    gate.add_permits(1);
    let Some(Answer::Token(renewed)) = renewing.join().unwrap() else {
        panic!("no token renewed");
    };
    assert_eq!(
        (renewed.value.expose(), renewed.renewed),
        ("-agent-token-2", true)
    );
    assert_eq!(
        asked.load(Ordering::SeqCst),
        2,
        "one request for the renewal"
    );
    let after = status(&socket);
    assert_eq!(
        (after.served, after.renewed, after.missed, after.held),
        (2, 1, 0, 1)
    );
    drop(silent);
    stop(&socket, thread);
}
