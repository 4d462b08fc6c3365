//! The agent's listener: one request per connection, in whichever process serves (a CLI
//! agent, or the desktop app on a thread of its own). Connections are served side by side on
//! the agent's one thread: what waits (a request still being sent, a renewal at the provider,
//! an answer being read) waits in a task of its own, so one slow client or one renewal never
//! holds up the others; what decides (resolving the app, the token row, the keychain's lock,
//! the values held) runs on the agent's loop, one request after another.
//!
//! Per token request it resolves the app and reads its token row as `authdeck token` does
//! (so a token renewed, revoked or forgotten by any other program is seen at once), serves
//! only what core's cached-path rule serves, checks the token's keychain entry is still
//! unlocked (one Secret Service call that reads no value), and hands on the value it holds for
//! that token row, reading it from the keychain once when the row is new to it. When the stored
//! token does not serve and the CLI asks for it (`renew`), it renews a client-credentials token
//! of an app that authenticates with a client secret, through core's single-flight request as
//! the command would (`Fetch::IfNeeded`); it never refreshes or signs in.

use super::place;
use super::wire::{Answer, MAX_LINE, Request, Served, Server, Status};
use crate::model::{
    AppId, AppSummary, ClientType, Environment, EnvironmentKind, Secret, TokenId, TokenMeta,
    TokenRequestInput, TokenSource, TokenStatus,
};
use crate::{Core, Error, ErrorCode, Fetch};
use std::collections::HashMap;
use std::future::Future;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinSet;

/// How long one connection may take to send its request and read the answer.
const CONVERSATION: Duration = Duration::from_secs(2);
/// How often the agent looks at its idle time, its socket and its data folder.
const LOOK: Duration = Duration::from_millis(250);

/// Where an agent writes what it served and why it missed (never a value): one line each,
/// without a prefix (the CLI's stderr, the desktop app's log).
pub type Log = fn(&str);

/// Told after the agent stored a renewed token (the desktop app tells its window: the agent
/// shares the window's store connection, whose own writes the window's watch does not see).
pub type Renewed = Box<dyn Fn(&AppId) + Send>;

/// A renewal the agent takes on for one request.
struct Renewal {
    environment: Environment,
    app: AppSummary,
    min_valid: i64,
    /// The token row that did not serve (None: none stored).
    before: Option<TokenId>,
}

/// What a request comes to: an answer at once, a renewal first, or the agent's end.
enum Step {
    Answer(Answer),
    Renew(Box<Renewal>),
    Stop,
}

/// What a connection's task comes back to the agent's loop with.
enum Turn {
    /// Its request, read (or why not).
    Asked(UnixStream, Result<Request, String>),
    /// Its renewal, done at the provider and stored (or why not).
    Renewed(
        UnixStream,
        Box<Renewal>,
        Box<Result<(TokenMeta, Secret), Error>>,
    ),
    /// Its answer written, or the client gone: nothing more to do.
    Over,
}
/// A running agent: its core, the values it holds, and what it has done.
pub struct Agent {
    core: Arc<Core>,
    socket: PathBuf,
    namespace: String,
    server: Server,
    /// None: no idle limit (the desktop app serves while it runs).
    idle: Option<Duration>,
    /// The socket file's inode, to notice it removed or replaced.
    inode: u64,
    held: HashMap<AppId, (TokenId, Secret)>,
    served: u64,
    renewed: u64,
    missed: u64,
    refused: u64,
    last: Instant,
    log: Log,
    told_renewed: Option<Renewed>,
}

/// Why the agent ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// A `Stop` request (`authdeck agent stop`).
    Stopped,
    Idle,
    /// What its process told it (`SIGTERM`, the app quit …).
    Told(&'static str),
    HomeGone,
    SocketGone,
}

impl Agent {
    /// An agent serving from `core` on the socket `listening` bound, as `server`.
    pub fn new(
        core: Arc<Core>,
        listening: &super::Listening,
        server: Server,
        idle: Option<Duration>,
        log: Log,
    ) -> Self {
        Self {
            core,
            socket: listening.socket.clone(),
            namespace: listening.namespace.clone(),
            server,
            idle,
            inode: listening.inode,
            held: HashMap::new(),
            served: 0,
            renewed: 0,
            missed: 0,
            refused: 0,
            last: Instant::now(),
            log,
            told_renewed: None,
        }
    }

    /// Tells `renewed` of every token the agent renews and stores.
    pub fn on_renewal(mut self, renewed: Renewed) -> Self {
        self.told_renewed = Some(renewed);
        self
    }

    fn say(&self, line: &str) {
        (self.log)(line);
    }

    /// Serves until stopped, idle, `told` (its process ends it: a signal, the app quitting), or
    /// its socket or data folder is gone; then removes its socket (when it is still its own)
    /// and drops what it held. Must run inside a tokio runtime (the listener is registered with
    /// it).
    pub async fn run(
        mut self,
        listener: std::os::unix::net::UnixListener,
        told: impl Future<Output = &'static str>,
    ) -> std::io::Result<Ending> {
        let listener = UnixListener::from_std(listener)?;
        let mut look = tokio::time::interval(LOOK);
        let mut turns = JoinSet::new();
        tokio::pin!(told);
        let ending = loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        if self.admitted(&stream) {
                            turns.spawn(async move {
                                let mut stream = stream;
                                let request =
                                    tokio::time::timeout(CONVERSATION, read_request(&mut stream))
                                        .await
                                        .unwrap_or_else(|_| Err("no request in time".into()));
                                Turn::Asked(stream, request)
                            });
                        }
                    }
                    Err(error) => self.say(&format!("a connection failed: {error}")),
                },
                Some(done) = turns.join_next() => match done {
                    Ok(turn) => if self.take(turn, &mut turns).await {
                        break Ending::Stopped;
                    },
                    Err(error) => self.say(&format!("a connection's task failed: {error}")),
                },
                why = &mut told => break Ending::Told(why),
                _ = look.tick() => if let Some(ending) = self.ended(turns.is_empty()) {
                    break ending;
                },
            }
        };
        // A renewal still at the provider is dropped as a crash would drop it (the token
        // store's crash safety covers it); its command, told nothing more, renews itself.
        turns.shutdown().await;
        if self.socket_is_ours() {
            let _ = std::fs::remove_file(&self.socket);
        }
        self.held.clear();
        let why = match ending {
            Ending::Stopped => "asked to stop".to_owned(),
            Ending::Idle => format!(
                "no request for {} s",
                self.idle.unwrap_or_default().as_secs()
            ),
            Ending::Told(why) => why.to_owned(),
            Ending::HomeGone => "its data folder is gone".to_owned(),
            Ending::SocketGone => "its socket was removed".to_owned(),
        };
        self.say(&format!(
            "stopped ({why}); served {} (renewed {}), missed {}, refused {}.",
            self.served, self.renewed, self.missed, self.refused
        ));
        Ok(ending)
    }

    /// Why the agent ends now, if it does; never idle while a connection is being served.
    fn ended(&self, quiet: bool) -> Option<Ending> {
        if quiet && self.idle.is_some_and(|idle| self.last.elapsed() >= idle) {
            Some(Ending::Idle)
        } else if !self.core.home().is_dir() {
            Some(Ending::HomeGone)
        } else if !self.socket_is_ours() {
            Some(Ending::SocketGone)
        } else {
            None
        }
    }

    fn socket_is_ours(&self) -> bool {
        std::fs::symlink_metadata(&self.socket).is_ok_and(|meta| meta.ino() == self.inode)
    }

    /// Whether a connection is this user's: another user's is closed unanswered.
    fn admitted(&mut self, stream: &UnixStream) -> bool {
        match place::peer_uid(stream) {
            Ok(uid) if uid == place::own_uid() => true,
            Ok(uid) => {
                self.refused += 1;
                self.say(&format!("refused a connection from uid {uid} (not you)."));
                false
            }
            Err(error) => {
                self.refused += 1;
                self.say(&format!(
                    "refused a connection whose user is unknown ({error})."
                ));
                false
            }
        }
    }

    /// A connection's next step, once its task is back: a request is answered (its answer
    /// written by a task of its own) or its renewal begun, a renewal's outcome answered. True
    /// when asked to stop (the answer written before the agent ends).
    async fn take(&mut self, turn: Turn, turns: &mut JoinSet<Turn>) -> bool {
        let (stream, answer) = match turn {
            Turn::Over => return false,
            Turn::Asked(stream, Err(why)) => (stream, Answer::Unreadable { why }),
            Turn::Asked(mut stream, Ok(request)) => {
                self.last = Instant::now();
                match self.answer(request) {
                    Step::Answer(answer) => (stream, answer),
                    Step::Stop => {
                        write_answer(&mut stream, &Answer::Stopping).await;
                        return true;
                    }
                    Step::Renew(renewal) => {
                        turns.spawn(renewing(Arc::clone(&self.core), stream, renewal));
                        return false;
                    }
                }
            }
            Turn::Renewed(stream, renewal, stored) => (stream, self.renewed(*renewal, *stored)),
        };
        turns.spawn(async move {
            let mut stream = stream;
            write_answer(&mut stream, &answer).await;
            Turn::Over
        });
        false
    }

    fn answer(&mut self, request: Request) -> Step {
        match request {
            Request::Token {
                app,
                env,
                min_valid,
                renew,
            } => self.token(app.as_deref(), env.as_deref(), min_valid, renew),
            Request::Status => Step::Answer(Answer::Status(self.status())),
            Request::Stop => Step::Stop,
        }
    }

    fn status(&self) -> Status {
        Status {
            pid: std::process::id(),
            served_by: self.server,
            socket: self.socket.display().to_string(),
            home: self.core.home().display().to_string(),
            namespace: self.namespace.clone(),
            served: self.served,
            renewed: self.renewed,
            missed: self.missed,
            refused: self.refused,
            held: self.held.len(),
            idle_seconds: self.last.elapsed().as_secs(),
            idle_limit_seconds: self.idle.map(|idle| idle.as_secs()),
        }
    }

    /// The token answer: the stored token when core's cached-path rule serves it and the
    /// keychain is unlocked, a renewal when it does not serve and `renew` asks for one the
    /// agent makes, else a miss that says why.
    fn token(&mut self, app: Option<&str>, env: Option<&str>, min_valid: i64, renew: bool) -> Step {
        let environment = match self.core.find_environment(env) {
            Ok(environment) => environment,
            Err(error) => return Step::Answer(self.miss(None, one_line(&error.to_string()))),
        };
        let app = match self.core.find_app(&environment, app) {
            Ok(app) => app,
            Err(error) => return Step::Answer(self.miss(None, one_line(&error.to_string()))),
        };
        if environment.kind == EnvironmentKind::Production && env.is_none() {
            // `authdeck token` asks on a terminal or refuses; that is its decision, not ours.
            return Step::Answer(self.miss(
                None,
                "a production app whose environment was not named".into(),
            ));
        }
        let meta = match self.core.stored_token(&app.id, None, min_valid) {
            Ok(stored) => match (stored.serving(), stored.miss) {
                (Some(meta), _) => meta.clone(),
                (None, _) if renew && renewable(&app, &stored.status) => {
                    let before = stored.status.token.map(|token| token.id);
                    return Step::Renew(Box::new(Renewal {
                        environment,
                        app,
                        min_valid,
                        before,
                    }));
                }
                (None, miss) => {
                    let why = miss.map_or("nothing to serve", |m| m.why());
                    return Step::Answer(self.miss(Some(&app.id), why.into()));
                }
            },
            Err(error) => return Step::Answer(self.miss(Some(&app.id), error.to_string())),
        };
        // What keeps the agent no wider than the unlocked keychain: nothing is handed on
        // while it is locked, and nothing is held through a lock.
        match self.core.token_locked(&meta) {
            Ok(false) => {}
            Ok(true) => return Step::Answer(self.locked()),
            // The entry is gone (removed outside Authdeck): the command's usual way replaces it.
            Err(error) if error.code() == ErrorCode::SecretMissing => {
                return Step::Answer(self.miss(Some(&app.id), error.to_string()));
            }
            Err(error) => {
                self.held.clear();
                return Step::Answer(self.miss(None, error.to_string()));
            }
        }
        let value = match self.held.get(&app.id) {
            Some((id, value)) if *id == meta.id => value.clone(),
            _ => match self.core.token_value(&app.id) {
                Ok((read, value)) if read.id == meta.id => {
                    self.held.insert(app.id.clone(), (read.id, value.clone()));
                    value
                }
                Ok(_) => {
                    return Step::Answer(
                        self.miss(Some(&app.id), "the token was just replaced".into()),
                    );
                }
                Err(error) => return Step::Answer(self.miss(Some(&app.id), error.to_string())),
            },
        };
        self.served += 1;
        self.say(&format!(
            "served the token of “{}” in “{}”.",
            app.display_name, environment.name
        ));
        Step::Answer(Answer::Token(Box::new(Served {
            environment,
            app,
            meta,
            value,
            renewed: false,
        })))
    }

    /// A renewal's outcome ([`renewing`]) answered: the new token held and handed on (the value
    /// from the moment it was stored, not read back), or why there is none.
    fn renewed(&mut self, renewal: Renewal, stored: Result<(TokenMeta, Secret), Error>) -> Answer {
        let Renewal {
            environment,
            app,
            before,
            ..
        } = renewal;
        let (meta, value) = match stored {
            Ok(stored) => stored,
            // Nothing was asked of the provider: the command's own way handles these (a
            // person confirms the moved endpoints, or signs in).
            Err(error @ (Error::RenewalPaused(_) | Error::LoginRequired(_))) => {
                return self.miss(Some(&app.id), one_line(&error.to_string()));
            }
            Err(error) => {
                if error.code() == ErrorCode::KeychainLocked {
                    self.held.clear();
                } else {
                    self.held.remove(&app.id);
                }
                self.missed += 1;
                self.say(&format!(
                    "could not renew the token of “{}” in “{}”: {}",
                    app.display_name,
                    environment.name,
                    one_line(&error.to_string())
                ));
                return Answer::Failed {
                    code: error.code(),
                    message: error.to_string(),
                };
            }
        };
        // Another program may have renewed it while this one waited for the app's lock, or
        // another request's renewal here, side by side with this one, whose token is held now:
        // one request reached the provider, and it is counted once.
        let renewed = before.as_ref() != Some(&meta.id)
            && self.held.get(&app.id).is_none_or(|(id, _)| *id != meta.id);
        self.held
            .insert(app.id.clone(), (meta.id.clone(), value.clone()));
        self.served += 1;
        if renewed {
            self.renewed += 1;
            if let Some(told) = &self.told_renewed {
                told(&app.id);
            }
        }
        self.say(&format!(
            "{} the token of “{}” in “{}”.",
            if renewed {
                "renewed and served"
            } else {
                "served the new"
            },
            app.display_name,
            environment.name
        ));
        Answer::Token(Box::new(Served {
            environment,
            app,
            meta,
            value,
            renewed,
        }))
    }

    /// The keychain is locked: every value held is dropped and none is handed on.
    fn locked(&mut self) -> Answer {
        self.held.clear();
        self.missed += 1;
        self.say("the keychain is locked; dropped every value held.");
        Answer::Locked
    }

    /// A miss: the app's held value (if any) is dropped, since its row no longer serves.
    fn miss(&mut self, app: Option<&AppId>, why: String) -> Answer {
        if let Some(app) = app {
            self.held.remove(app);
        }
        self.missed += 1;
        self.say(&format!("miss ({why})."));
        Answer::Miss { why }
    }
}

/// Whether the agent renews the app's token: only where the command would send a
/// client-credentials request with a client secret (the app is confidential and authenticates
/// with a secret; its token, if any, came from client credentials and holds no refresh token
/// and no ended sign-in). A refresh, a sign-in, a token exchange and a signing key or
/// certificate stay the command's.
fn renewable(app: &AppSummary, status: &TokenStatus) -> bool {
    app.client_type == ClientType::Confidential
        && app.uses_secret
        && status.token.as_ref().is_none_or(|token| {
            token.source == TokenSource::ClientCredentials
                && !token.has_refresh_token
                && token.sign_in_ended_at.is_none()
        })
}

/// A renewal, as `authdeck token` makes it, in a connection's own task: the client told first
/// that it comes (so it waits for the renewal rather than for its usual 200 ms; one that went
/// away meanwhile renews itself, or shares this one's request, so nothing is begun for it),
/// then core's single-flight request "if needed" (one request reaches the provider however
/// many ask at once, in this process or another), the new token stored with every
/// crash-safety step of the command's own.
async fn renewing(core: Arc<Core>, mut stream: UnixStream, renewal: Box<Renewal>) -> Turn {
    let said = super::wire::line(&Answer::Renewing);
    match tokio::time::timeout(CONVERSATION, stream.write_all(&said)).await {
        Ok(Ok(())) => {}
        _ => return Turn::Over,
    }
    let fetch = Fetch::IfNeeded {
        min_valid_seconds: renewal.min_valid,
    };
    let stored = core
        .fetch_token(&renewal.app.id, TokenRequestInput::default(), fetch)
        .await
        .and_then(|_| core.token_value(&renewal.app.id));
    Turn::Renewed(stream, renewal, Box::new(stored))
}

/// Writes one answer (within [`CONVERSATION`]), its bytes wiped once written.
async fn write_answer(stream: &mut UnixStream, answer: &Answer) {
    let mut bytes = super::wire::line(answer);
    let _ = tokio::time::timeout(CONVERSATION, stream.write_all(&bytes)).await;
    zeroize::Zeroize::zeroize(&mut bytes);
}

/// Text with every run of whitespace (line breaks too) made one space: a miss is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn read_request(stream: &mut UnixStream) -> Result<Request, String> {
    let mut line = String::new();
    BufReader::new(stream.take(MAX_LINE))
        .read_line(&mut line)
        .await
        .map_err(|e| format!("unreadable: {e}"))?;
    serde_json::from_str(&line).map_err(|e| format!("not a request: {e}"))
}
