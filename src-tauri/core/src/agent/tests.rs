//! The shared agent over a real socket in a private folder, serving from a core whose token
//! came from a local test server: what it hands on, what it refuses while the keychain is
//! locked, how it binds beside a dead or a live agent, and how it ends. The CLI's integration
//! tests (cli/tests/agent.rs) and the desktop's end-to-end test drive the same code through
//! the real keychain.

use super::*;
use crate::model::*;
use crate::test_server::{Reply, TestServer};
use crate::vault::MemoryVault;
use crate::{Fetch, SystemClock};
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
    _server: TestServer,
}

impl Stored {
    fn folder(&self) -> PathBuf {
        self.runtime.path().join("authdeck")
    }
}

/// A core with the environment "Local" and its app "Billing sync", whose token is stored.
fn stored() -> Stored {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(TestServer::start(|_| {
        Reply::Answer(
            200,
            "application/json",
            format!(r#"{{"access_token": "{TOKEN}", "token_type": "Bearer", "expires_in": 3600}}"#),
        )
    }));
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
        .create_app(ClientAppInput {
            environment_id: environment.id.clone(),
            display_name: "Billing sync".into(),
            client_id: "-billing".into(),
            client_type: ClientType::Confidential,
            auth_method: AuthMethod::ClientSecretBasic,
            description: String::new(),
            logo_uri: None,
            redirect_uris: vec![],
            logout_urls: vec![],
            web_origins: vec![],
            default_scopes: vec![],
            labels: vec![],
            link: None,
            audience: None,
            resource: None,
        })
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
        _server: server,
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

fn token_of(app: &str) -> Request {
    Request::Token {
        app: Some(app.into()),
        env: Some("Local".into()),
        min_valid: 60,
    }
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
    assert!(matches!(
        talk(&socket, &Request::Stop, WAIT),
        Some(Answer::Stopping)
    ));
    assert_eq!(thread.join().unwrap(), Ending::Stopped);
    assert!(!socket.exists());
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
