//! The desktop app serves as the agent while it runs (issue 14): the same socket, wire format,
//! peer checks and cached-path rule as `authdeck agent start` (core's `agent` module, one
//! implementation), so `authdeck token`, `env` and `exec` find it with no change.
//!
//! It starts on a thread of its own once the store is open and the window has painted its
//! first screen (the webview asks for the start-up marks right after its first render), so
//! nothing of it comes before the first paint. A CLI agent already serving the same data folder
//! and keychain namespace is left to serve (said once in the log). It has no idle limit; it
//! ends when the app quits: a normal quit removes the socket on the way out, and SIGTERM or
//! SIGINT, which ended the app at once before it listened, end the agent (its socket removed)
//! and then quit the app the normal way. A crash leaves a socket nobody answers on, which the
//! next agent (the app's or the CLI's) replaces, as the CLI agent's is.

use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// How long the agent waits for the first paint before it starts anyway (a webview that never
/// asks for its marks).
#[cfg(target_os = "linux")]
const FIRST_PAINT_WAIT: Duration = Duration::from_secs(5);
/// How long a signalled app may take to quit the normal way before it is ended at once.
#[cfg(target_os = "linux")]
const QUIT_WAIT: Duration = Duration::from_secs(5);

/// The app's agent: whether the first screen was painted, and the socket it listens on.
#[derive(Default)]
pub struct DesktopAgent {
    painted: Mutex<bool>,
    painting: Condvar,
    /// While the agent listens: its socket, the socket's inode, and how to tell it the app
    /// quits.
    listening: Mutex<Option<Serving>>,
}

struct Serving {
    socket: PathBuf,
    inode: u64,
    #[cfg(target_os = "linux")]
    quitting: tokio::sync::oneshot::Sender<()>,
}

impl DesktopAgent {
    /// The webview rendered its first screen: the agent may start.
    pub fn first_paint(&self) {
        if let Ok(mut painted) = self.painted.lock() {
            *painted = true;
            self.painting.notify_all();
        }
    }

    /// Waits (at most `wait`) for the first paint.
    #[cfg(target_os = "linux")]
    fn wait_for_first_paint(&self, wait: Duration) {
        if let Ok(painted) = self.painted.lock() {
            let _ = self
                .painting
                .wait_timeout_while(painted, wait, |painted| !*painted);
        }
    }

    /// The app quits: its socket goes (when it is still its own) before the process ends, and
    /// the agent is told.
    pub fn quit(&self) {
        let Some(serving) = self.listening.lock().ok().and_then(|mut l| l.take()) else {
            return;
        };
        #[cfg(unix)]
        authdeck_core::agent::Listening::remove_socket(&serving.socket, serving.inode);
        #[cfg(target_os = "linux")]
        let _ = serving.quitting.send(());
        #[cfg(not(unix))]
        let _ = serving;
    }
}

/// A line of the agent in the app's log (stderr), control characters written out.
#[cfg(target_os = "linux")]
fn log(line: &str) {
    let shown: String = line
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    eprintln!("authdeck-desktop: agent: {shown}");
}

/// Starts the agent's thread (Linux; elsewhere the app serves no agent, as the CLI's does not).
pub fn start<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    #[cfg(target_os = "linux")]
    {
        let spawned = std::thread::Builder::new()
            .name("agent".into())
            .spawn(move || serve(&app));
        if let Err(error) = spawned {
            eprintln!("authdeck-desktop: agent: not serving: no thread for it ({error}).");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// The agent's thread: waits for the store and the first paint, listens unless another agent
/// serves, serves until the app quits or a signal ends it; then, for a signal, quits the app.
#[cfg(target_os = "linux")]
fn serve<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use authdeck_core::agent::{self, Opened, Server};
    use tauri::Manager;
    let state = app.state::<crate::state::AppState>();
    let Ok(core) = state.shared_core() else {
        return; // the window says why the store did not open; nothing to serve
    };
    let desktop: &DesktopAgent = app.state::<DesktopAgent>().inner();
    desktop.wait_for_first_paint(FIRST_PAINT_WAIT);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return log(&format!("not serving: {error}.")),
    };
    if let Err(error) = core.connect_keychain() {
        return log(&format!("not serving: {error}"));
    }
    let listening = match agent::listen(core, state.namespace()) {
        Ok(Opened::Listening(listening)) => listening,
        Ok(Opened::Served(status)) => {
            return log(&format!(
                "not serving: an agent (pid {}) already serves this data folder, listening on \
                 {}; it goes on serving.",
                status.pid, status.socket
            ));
        }
        Err(error) => return log(&format!("not serving: {error}")),
    };
    let (quitting, quit) = tokio::sync::oneshot::channel::<()>();
    if let Ok(mut held) = desktop.listening.lock() {
        *held = Some(Serving {
            socket: listening.socket.clone(),
            inode: listening.inode,
            quitting,
        });
    }
    app.state::<crate::Startup>().mark("agent-listening");
    log(&format!(
        "listening on {}; it serves until the app quits.",
        listening.socket.display()
    ));
    // The agent writes through the window's own store connection, whose writes the window's
    // watch for other programs does not see: it tells the window of a token it renewed.
    let window = app.clone();
    let server = agent::Agent::new(
        std::sync::Arc::clone(core),
        &listening,
        Server::DesktopApp,
        None,
        log,
    )
    .on_renewal(Box::new(move |_| {
        use tauri::Emitter;
        let scope = crate::ipc::StoreScope::Tokens;
        let _ = window.emit(
            crate::ipc::STORE_CHANGED,
            crate::ipc::StoreChanged { scope },
        );
    }));
    let signal = runtime.block_on(async move {
        use tokio::signal::unix::{SignalKind, signal};
        // Once these exist the signals no longer end the process by themselves: this thread
        // quits the app on either for as long as it runs.
        let (Ok(mut terminate), Ok(mut interrupt)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            log("no signal handling; serving until the app quits.");
            let _ = server.run(listening.listener, quit_told(quit)).await;
            return None;
        };
        let told = async {
            tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = interrupt.recv() => "SIGINT",
                why = quit_told(quit) => why,
            }
        };
        let ending = server.run(listening.listener, told).await;
        // its socket went with it: nothing for the app's quit to remove any more (a CLI
        // agent may listen there by then)
        if let Ok(mut held) = desktop.listening.lock() {
            held.take();
        }
        match ending {
            Ok(agent::Ending::Told(name @ ("SIGTERM" | "SIGINT"))) => Some(name),
            Ok(agent::Ending::Told(_)) => None, // the app quits by itself
            // stopped, or its socket or folder gone: the signals still quit the app
            _ => Some(tokio::select! {
                _ = terminate.recv() => "SIGTERM",
                _ = interrupt.recv() => "SIGINT",
            }),
        }
    });
    if let Some(name) = signal {
        desktop.quit();
        eprintln!("authdeck-desktop: {name}: quitting.");
        // ends at once should the event loop not answer (it hung): as the signal did before
        let code = if name == "SIGTERM" { 143 } else { 130 };
        let _ = std::thread::Builder::new()
            .name("quit-wait".into())
            .spawn(move || {
                std::thread::sleep(QUIT_WAIT);
                std::process::exit(code);
            });
        app.exit(0);
    }
}

#[cfg(target_os = "linux")]
async fn quit_told(quit: tokio::sync::oneshot::Receiver<()>) -> &'static str {
    // a dropped sender (a quit that lost the race with the start) is no reason to stop
    if quit.await.is_err() {
        std::future::pending::<()>().await;
    }
    "the app quit"
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::net::UnixListener;

    /// An agent serving on `agent.sock`, a socket bound in a new folder; the folder and the
    /// listener last as long as this does.
    struct ServingAgent {
        folder: tempfile::TempDir,
        socket: std::path::PathBuf,
        _listener: UnixListener,
        agent: DesktopAgent,
        quit: tokio::sync::oneshot::Receiver<()>,
    }

    fn serving_agent() -> ServingAgent {
        let folder = tempfile::tempdir().unwrap();
        let socket = folder.path().join("agent.sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let agent = DesktopAgent::default();
        let (quitting, quit) = tokio::sync::oneshot::channel();
        *agent.listening.lock().unwrap() = Some(Serving {
            socket: socket.clone(),
            inode: std::fs::symlink_metadata(&socket).unwrap().ino(),
            quitting,
        });
        ServingAgent {
            folder,
            socket,
            _listener: listener,
            agent,
            quit,
        }
    }

    #[test]
    fn quitting_removes_the_apps_socket_and_tells_its_agent() {
        let mut app = serving_agent();
        app.agent.quit();
        assert!(!app.socket.exists());
        assert_eq!(app.quit.try_recv(), Ok(()));
        app.agent.quit(); // a second quit has nothing left to do
    }

    #[test]
    fn quitting_leaves_a_socket_another_agent_bound_in_its_place() {
        let app = serving_agent();
        // a CLI agent's socket moved into its place (both exist at once: two inodes)
        let theirs_at = app.folder.path().join("theirs.sock");
        let _theirs = UnixListener::bind(&theirs_at).unwrap();
        let theirs = std::fs::symlink_metadata(&theirs_at).unwrap().ino();
        std::fs::rename(&theirs_at, &app.socket).unwrap();
        app.agent.quit();
        assert_eq!(
            std::fs::symlink_metadata(&app.socket).unwrap().ino(),
            theirs
        );
    }

    #[test]
    fn the_agent_starts_at_the_first_paint_or_after_its_bound() {
        let agent = std::sync::Arc::new(DesktopAgent::default());
        let waiting = std::sync::Arc::clone(&agent);
        let started = std::time::Instant::now();
        let waiter =
            std::thread::spawn(move || waiting.wait_for_first_paint(Duration::from_secs(30)));
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiter.is_finished(), "it waits for the first paint");
        agent.first_paint();
        waiter.join().unwrap();
        assert!(started.elapsed() < Duration::from_secs(30));
        // without a paint: at most the bound
        let unpainted = DesktopAgent::default();
        let started = std::time::Instant::now();
        unpainted.wait_for_first_paint(Duration::from_millis(100));
        assert!(started.elapsed() >= Duration::from_millis(100));
    }
}
