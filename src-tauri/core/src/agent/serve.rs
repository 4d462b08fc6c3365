//! The agent's listener: one request per connection, answered in turn, in whichever process
//! serves (a CLI agent, or the desktop app on a thread of its own).
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
    AppId, AppSummary, ClientType, Environment, EnvironmentKind, Secret, TokenId,
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

/// What a request comes to: an answer at once, or a renewal first.
enum Step {
    Answer(Answer, bool),
    Renew(Box<Renewal>),
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
        tokio::pin!(told);
        let ending = loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        if self.converse(stream).await {
                            break Ending::Stopped;
                        }
                    }
                    Err(error) => self.say(&format!("a connection failed: {error}")),
                },
                why = &mut told => break Ending::Told(why),
                _ = look.tick() => if let Some(ending) = self.ended() {
                    break ending;
                },
            }
        };
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

    fn ended(&self) -> Option<Ending> {
        if self.idle.is_some_and(|idle| self.last.elapsed() >= idle) {
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

    /// One connection: another user's is closed unanswered; ours gets one answer. True when
    /// asked to stop.
    async fn converse(&mut self, mut stream: UnixStream) -> bool {
        match place::peer_uid(&stream) {
            Ok(uid) if uid == place::own_uid() => {}
            Ok(uid) => {
                self.refused += 1;
                self.say(&format!("refused a connection from uid {uid} (not you)."));
                return false;
            }
            Err(error) => {
                self.refused += 1;
                self.say(&format!(
                    "refused a connection whose user is unknown ({error})."
                ));
                return false;
            }
        }
        let request = tokio::time::timeout(CONVERSATION, read_request(&mut stream)).await;
        let (answer, stop) = match request {
            Ok(Ok(request)) => {
                self.last = Instant::now();
                match self.answer(request) {
                    Step::Answer(answer, stop) => (answer, stop),
                    Step::Renew(renewal) => {
                        // Said first, so the command waits for the renewal rather than for
                        // its usual 200 ms; one that went away meanwhile renews itself (or
                        // shares this one's request), so nothing is begun for it.
                        let said = super::wire::line(&Answer::Renewing);
                        match tokio::time::timeout(CONVERSATION, stream.write_all(&said)).await {
                            Ok(Ok(())) => (self.renew(*renewal).await, false),
                            _ => return false,
                        }
                    }
                }
            }
            Ok(Err(why)) => (Answer::Unreadable { why }, false),
            Err(_) => (
                Answer::Unreadable {
                    why: "no request in time".into(),
                },
                false,
            ),
        };
        let mut bytes = super::wire::line(&answer);
        let _ = tokio::time::timeout(CONVERSATION, stream.write_all(&bytes)).await;
        zeroize::Zeroize::zeroize(&mut bytes);
        stop
    }

    fn answer(&mut self, request: Request) -> Step {
        match request {
            Request::Token {
                app,
                env,
                min_valid,
                renew,
            } => self.token(app.as_deref(), env.as_deref(), min_valid, renew),
            Request::Status => Step::Answer(Answer::Status(self.status()), false),
            Request::Stop => Step::Answer(Answer::Stopping, true),
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
        let answer = |answer| Step::Answer(answer, false);
        let environment = match self.core.find_environment(env) {
            Ok(environment) => environment,
            Err(error) => return answer(self.miss(None, one_line(&error.to_string()))),
        };
        let app = match self.core.find_app(&environment, app) {
            Ok(app) => app,
            Err(error) => return answer(self.miss(None, one_line(&error.to_string()))),
        };
        if environment.kind == EnvironmentKind::Production && env.is_none() {
            // `authdeck token` asks on a terminal or refuses; that is its decision, not ours.
            return answer(self.miss(
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
                    return answer(self.miss(Some(&app.id), why.into()));
                }
            },
            Err(error) => return answer(self.miss(Some(&app.id), error.to_string())),
        };
        // What keeps the agent no wider than the unlocked keychain: nothing is handed on
        // while it is locked, and nothing is held through a lock.
        match self.core.token_locked(&meta) {
            Ok(false) => {}
            Ok(true) => return answer(self.locked()),
            // The entry is gone (removed outside Authdeck): the command's usual way replaces it.
            Err(error) if error.code() == ErrorCode::SecretMissing => {
                return answer(self.miss(Some(&app.id), error.to_string()));
            }
            Err(error) => {
                self.held.clear();
                return answer(self.miss(None, error.to_string()));
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
                    return answer(self.miss(Some(&app.id), "the token was just replaced".into()));
                }
                Err(error) => return answer(self.miss(Some(&app.id), error.to_string())),
            },
        };
        self.served += 1;
        self.say(&format!(
            "served the token of “{}” in “{}”.",
            app.display_name, environment.name
        ));
        answer(Answer::Token(Box::new(Served {
            environment,
            app,
            meta,
            value,
            renewed: false,
        })))
    }

    /// A renewal, as `authdeck token` makes it: core's single-flight request "if needed" (one
    /// request reaches the provider however many ask at once, in this process or another),
    /// the new token stored with every crash-safety step of the command's own, then handed on
    /// (the value from the moment it was stored, not read back).
    async fn renew(&mut self, renewal: Renewal) -> Answer {
        let Renewal {
            environment,
            app,
            min_valid,
            before,
        } = renewal;
        let fetch = Fetch::IfNeeded {
            min_valid_seconds: min_valid,
        };
        let core = Arc::clone(&self.core);
        let stored = core
            .fetch_token(&app.id, TokenRequestInput::default(), fetch)
            .await
            .and_then(|_| core.token_value(&app.id));
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
        // Another program may have renewed it while this one waited for the app's lock.
        let renewed = before.as_ref() != Some(&meta.id);
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
