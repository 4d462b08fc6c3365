//! The one-shot redirect listener of a browser login (RFC 8252 §7.3, RFC 9207, RFC 9700).
//!
//! It binds 127.0.0.1 (never 0.0.0.0), on an ephemeral port or the fixed port of a registered
//! redirect URI — and, for a `localhost` redirect URI, [::1] on the same port too, since the
//! browser may resolve `localhost` to either and another program must not hold the other one.
//! Hyper parses every request. It ends on the first callback that
//! carries this login's `state` (a code, or the provider's `error`), on cancel, or on timeout;
//! every other request — another path, method or Host, a wrong, missing or duplicated
//! parameter, an `iss` of another issuer (or, with no issuer known, of another origin than the
//! authorization endpoint's) — is refused with a page saying why, and the login
//! keeps waiting. Pages are self-contained, `no-store` and `no-referrer`. The accepted callback
//! is answered with a redirect to a result page without the code (served for a moment after,
//! then the port closes), so the code leaves the address bar and the history.

use crate::error::{Error, Result};
use crate::model::Secret;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Where to listen and for how long.
#[derive(Clone, Debug)]
pub struct ListenOptions {
    /// 0 for an ephemeral port; a registered redirect URI's port otherwise.
    pub port: u16,
    /// The host name the redirect URI uses (`127.0.0.1`, or `localhost` when the provider
    /// registered that); `localhost` is bound on [::1] as well as 127.0.0.1.
    pub host: String,
    /// The redirect URI's path (`/callback`).
    pub path: String,
    /// How long the login may take.
    pub timeout: Duration,
}

/// What a valid callback must carry.
#[derive(Clone, Debug)]
pub struct Expected {
    /// This login's `state`.
    pub state: String,
    /// What an `iss` parameter must name (RFC 9207); one that names anything else is refused.
    pub issuer: Issuer,
    /// The provider's metadata says it sends `iss`: a callback without it is refused.
    pub iss_required: bool,
}

/// What a callback's `iss` must be, exactly (RFC 9207 §2.4: simple string comparison).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issuer {
    /// The environment's issuer URL.
    Known(String),
    /// No issuer URL is known: the authorization endpoint's origin (`https://host[:port]`),
    /// so a callback naming another server is still refused.
    AuthorizationOrigin(String),
    /// The code goes on to a team vault, which redeems it at the one provider its OIDC mount
    /// is configured with: no mix-up of providers can happen (RFC 9207 §1), and Authdeck does
    /// not know that provider's issuer (often a path under its origin), so `iss` is not
    /// compared. The state still is, and the vault checks it and the nonce again.
    RedeemedByVault,
}

impl Issuer {
    /// The value an `iss` must equal; `None` when it is not compared.
    pub fn value(&self) -> Option<&str> {
        match self {
            Self::Known(issuer) | Self::AuthorizationOrigin(issuer) => Some(issuer),
            Self::RedeemedByVault => None,
        }
    }
}

/// What the browser brought back.
#[derive(Debug, PartialEq, Eq)]
pub enum Callback {
    /// An authorization code, to exchange.
    Code(Secret),
    /// The provider's refusal (`error`, `error_description`), with this login's state.
    Refused {
        error: String,
        description: Option<String>,
    },
}

/// The requests a listener refused, in order, and a feed that tells each refused callback as
/// it happens (a person waiting on a sign-in must see at once why their browser's callback was
/// not taken, while the sign-in keeps waiting for a valid one).
#[derive(Clone, Default)]
pub struct Refusals(Arc<RefusalLog>);

#[derive(Default)]
struct RefusalLog {
    list: Mutex<Vec<Refusal>>,
    feed: Mutex<Option<mpsc::UnboundedSender<String>>>,
}

/// One refused request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Why, as the browser's page says it.
    pub reason: String,
    /// It came to the redirect URI's path: a callback (a browser's `/favicon.ico` is not one).
    pub callback: bool,
}

impl Refusals {
    /// Every refusal so far.
    pub fn all(&self) -> Vec<Refusal> {
        lock(&self.0.list).clone()
    }

    /// The reasons of the refused callbacks so far.
    pub fn callbacks(&self) -> Vec<String> {
        lock(&self.0.list)
            .iter()
            .filter(|refusal| refusal.callback)
            .map(|refusal| refusal.reason.clone())
            .collect()
    }

    /// A feed of the reason of each callback refused from now on; a new feed replaces the last.
    pub fn feed(&self) -> mpsc::UnboundedReceiver<String> {
        let (sender, receiver) = mpsc::unbounded_channel();
        *lock(&self.0.feed) = Some(sender);
        receiver
    }

    fn note(&self, refusal: Refusal) {
        if refusal.callback
            && let Some(feed) = lock(&self.0.feed).as_ref()
        {
            let _ = feed.send(refusal.reason.clone());
        }
        lock(&self.0.list).push(refusal);
    }

    /// Ends every feed: nothing more will be refused.
    fn close(&self) {
        lock(&self.0.feed).take();
    }

    /// "2 callbacks arrived and were refused (reason; other reason ×2); none was accepted."
    pub fn summary(&self) -> Option<String> {
        let reasons = self.callbacks();
        if reasons.is_empty() {
            return None;
        }
        let mut distinct: Vec<(&str, usize)> = Vec::new();
        for reason in &reasons {
            let reason = reason.trim_end_matches('.');
            match distinct.iter_mut().find(|(seen, _)| *seen == reason) {
                Some((_, count)) => *count += 1,
                None => distinct.push((reason, 1)),
            }
        }
        let listed: Vec<String> = distinct
            .iter()
            .map(|(reason, count)| match count {
                1 => (*reason).to_owned(),
                n => format!("{reason} ×{n}"),
            })
            .collect();
        Some(format!(
            "{} arrived and {} refused ({}); none was accepted.",
            match reasons.len() {
                1 => "1 callback".to_owned(),
                n => format!("{n} callbacks"),
            },
            if reasons.len() == 1 { "was" } else { "were" },
            listed.join("; ")
        ))
    }
}

/// The lock's value even if a holder panicked (a list and a sender stay consistent).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Seconds a client may take to send its request head; a stalled client is dropped.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head accepted (hyper answers 431 beyond it).
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Where the accepted callback redirects the browser: the result page, without the code.
pub const RESULT_PATH: &str = "/authdeck-sign-in-result";
/// How long the result page stays available after the callback (the browser asks at once).
const RESULT_GRACE: Duration = Duration::from_secs(3);

/// A bound listener, waiting to be given the login's expectations.
pub struct Listener {
    socket: TcpListener,
    /// [::1] on the same port, for `localhost` on a machine with an IPv6 loopback.
    ipv6: Option<TcpListener>,
    port: u16,
    options: ListenOptions,
    refusals: Refusals,
}

impl Listener {
    /// Binds 127.0.0.1 on the requested port (0: any free one), and [::1] on the same port
    /// for `localhost`.
    pub async fn bind(options: ListenOptions) -> Result<Self> {
        // An ephemeral port may be free on 127.0.0.1 and taken on [::1]: try a few.
        let attempts = if options.port == 0 { 5 } else { 1 };
        let mut attempt = 1;
        let (socket, ipv6, port) = loop {
            let socket = bind_ipv4(options.port).await?;
            let port = socket
                .local_addr()
                .map_err(|e| Error::Internal(e.to_string()))?
                .port();
            if !options.host.eq_ignore_ascii_case("localhost") {
                break (socket, None, port);
            }
            match bind_ipv6(port).await {
                Ok(ipv6) => break (socket, ipv6, port),
                Err(_) if attempt < attempts => attempt += 1,
                Err(error) => return Err(error),
            }
        };
        Ok(Self {
            socket,
            ipv6,
            port,
            options,
            refusals: Refusals::default(),
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The redirect URI to send in the authorization request.
    pub fn redirect_uri(&self) -> String {
        format!(
            "http://{}:{}{}",
            self.options.host, self.port, self.options.path
        )
    }

    /// The requests it refuses, as they happen.
    pub fn refusals(&self) -> Refusals {
        self.refusals.clone()
    }

    /// Waits for the callback of the login that expects `expected`. None when `cancel`
    /// completed first. The port is closed when this returns.
    pub async fn wait(
        self,
        expected: Expected,
        cancel: impl Future<Output = ()>,
    ) -> Result<Option<Callback>> {
        let rules = Arc::new(Rules {
            options: self.options.clone(),
            port: self.port,
            expected,
            result: Mutex::new(None),
            served: tokio::sync::Notify::new(),
        });
        let (done, mut arrived) = mpsc::channel::<Callback>(1);
        let mut connections = JoinSet::new();
        let serve = |connections: &mut JoinSet<()>, stream: tokio::net::TcpStream| {
            connections.spawn(serve_connection(
                stream,
                rules.clone(),
                done.clone(),
                self.refusals.clone(),
                false,
            ));
        };
        let deadline = tokio::time::sleep(self.options.timeout);
        tokio::pin!(deadline);
        tokio::pin!(cancel);
        let outcome = loop {
            tokio::select! {
                accepted = accept(&self.socket, self.ipv6.as_ref()) => {
                    if let Ok(stream) = accepted {
                        serve(&mut connections, stream);
                    }
                }
                Some(callback) = arrived.recv() => break Ok(Some(callback)),
                () = &mut deadline => break Err(self.timed_out()),
                () = &mut cancel => break Ok(None),
            }
        };
        if matches!(outcome, Ok(Some(_))) {
            // The browser follows the callback's redirect to the result page at once.
            let grace = tokio::time::sleep(RESULT_GRACE);
            tokio::pin!(grace);
            loop {
                tokio::select! {
                    accepted = accept(&self.socket, self.ipv6.as_ref()) => {
                        if let Ok(stream) = accepted {
                            serve(&mut connections, stream);
                        }
                    }
                    () = rules.served.notified() => break,
                    () = &mut grace => break,
                }
            }
        }
        drop(self.socket);
        drop(self.ipv6);
        // Let the last page reach the browser, briefly, then stop.
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        connections.abort_all();
        self.refusals.close();
        outcome
    }

    /// The error of a sign-in whose time ran out: what arrived and why none was taken.
    fn timed_out(&self) -> Error {
        let within = crate::status::spoken_duration(self.options.timeout);
        Error::Timeout(match self.refusals.summary() {
            None => format!(
                "No sign-in arrived within {within}; the login was stopped and nothing listens \
                 any more. Start it again when the browser is ready."
            ),
            Some(summary) => format!(
                "No sign-in was accepted within {within}: {summary} The login was stopped and \
                 nothing listens any more. Start it again; if the provider keeps sending such \
                 callbacks, check the environment's issuer and endpoints."
            ),
        })
    }
}

async fn bind_ipv4(port: u16) -> Result<TcpListener> {
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|e| {
            Error::Network(format!(
                "Could not listen on 127.0.0.1:{port} for the sign-in ({e}). {}",
                if port == 0 {
                    "Check that loopback networking works."
                } else {
                    "Another program uses that port; close it, or register a redirect URI \
                     without a fixed port."
                }
            ))
        })
}

/// [::1] on `port`; None when the machine has no IPv6 loopback, as then no other program can
/// hold it either and `localhost` only resolves to 127.0.0.1.
async fn bind_ipv6(port: u16) -> Result<Option<TcpListener>> {
    match TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))).await {
        Ok(socket) => Ok(Some(socket)),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::AddrInUse | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            Err(Error::Network(format!(
                "Could not also listen on [::1]:{port} for the sign-in ({e}). A localhost \
                 redirect may reach either 127.0.0.1 or [::1], so Authdeck holds both; another \
                 program uses that port on [::1]. Close it, or register \
                 http://127.0.0.1/callback instead."
            )))
        }
        Err(_) => Ok(None),
    }
}

/// The next connection on either socket.
async fn accept(
    ipv4: &TcpListener,
    ipv6: Option<&TcpListener>,
) -> std::io::Result<tokio::net::TcpStream> {
    match ipv6 {
        None => ipv4.accept().await.map(|(stream, _)| stream),
        Some(ipv6) => tokio::select! {
            accepted = ipv4.accept() => accepted.map(|(stream, _)| stream),
            accepted = ipv6.accept() => accepted.map(|(stream, _)| stream),
        },
    }
}

/// Serves one connection: hyper parses the requests, each goes to [`answer`]. `half_close`
/// answers a request whose client closed its side after sending it (fed from memory only).
async fn serve_connection<S>(
    stream: S,
    rules: Arc<Rules>,
    done: mpsc::Sender<Callback>,
    refusals: Refusals,
    half_close: bool,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request: Request<Incoming>| {
        let response = answer(&rules, &request, &done, &refusals);
        async move { Ok::<_, std::convert::Infallible>(response) }
    });
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(false)
        .half_close(half_close)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// What one connection's bytes got from the listener.
#[derive(Debug)]
pub(crate) struct Served {
    /// The callbacks handed to the login (at most one; each would start a token request).
    pub callbacks: Vec<Callback>,
    /// The requests refused.
    pub rejections: Vec<Refusal>,
    /// The bytes sent back.
    pub response: Vec<u8>,
}

/// Feeds raw bytes to the listener's own connection handling, as if a client sent them on
/// one connection and closed its side (fuzzing and property tests; no socket).
pub(crate) fn serve_bytes(
    options: ListenOptions,
    port: u16,
    expected: Expected,
    bytes: &[u8],
) -> Served {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rules = Arc::new(Rules {
        options,
        port,
        expected,
        result: Mutex::new(None),
        served: tokio::sync::Notify::new(),
    });
    let (done, mut arrived) = mpsc::channel::<Callback>(4);
    let refusals = Refusals::default();
    let (mut client, server) = tokio::io::duplex(64 * 1024);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime starts");
    let response = runtime.block_on(async {
        let client = async {
            let mut response = Vec::new();
            // The server may close before reading everything; that is an answer too.
            if client.write_all(bytes).await.is_ok() {
                let _ = client.shutdown().await;
            }
            let _ = client.read_to_end(&mut response).await;
            response
        };
        let ((), response) = tokio::join!(
            serve_connection(server, rules, done, refusals.clone(), true),
            client
        );
        response
    });
    let mut callbacks = Vec::new();
    while let Ok(callback) = arrived.try_recv() {
        callbacks.push(callback);
    }
    let rejections = refusals.all();
    Served {
        callbacks,
        rejections,
        response,
    }
}

struct Rules {
    options: ListenOptions,
    port: u16,
    expected: Expected,
    /// The result page, once a callback was accepted.
    result: Mutex<Option<String>>,
    /// Told when the result page was served.
    served: tokio::sync::Notify,
}

/// The judgement on one request.
#[derive(Debug, PartialEq, Eq)]
enum Judgement {
    Accept(Callback),
    Reject(StatusCode, String),
}

/// Judges a request against the login's rules; pure, so every rule is tested on its own.
fn judge(rules: &Rules, method: &Method, uri: &http::Uri, host: Option<&str>) -> Judgement {
    let reject = |status, why: &str| Judgement::Reject(status, why.to_owned());
    if method != Method::GET {
        return reject(
            StatusCode::METHOD_NOT_ALLOWED,
            "Only a GET request can complete a sign-in.",
        );
    }
    if uri.path() != rules.options.path {
        return reject(StatusCode::NOT_FOUND, "This is not the sign-in callback.");
    }
    let mut allowed = vec![
        format!("127.0.0.1:{}", rules.port),
        format!("{}:{}", rules.options.host, rules.port),
    ];
    if rules.port == 80 {
        // browsers leave the default port out of Host
        allowed.extend(["127.0.0.1".to_owned(), rules.options.host.clone()]);
    }
    if !host.is_some_and(|host| allowed.iter().any(|a| a.eq_ignore_ascii_case(host))) {
        return reject(
            StatusCode::BAD_REQUEST,
            "The request names another host; it did not come from this sign-in's redirect.",
        );
    }
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let mut values = std::collections::HashMap::<&str, Vec<&str>>::new();
    for (name, value) in &pairs {
        values
            .entry(name.as_str())
            .or_default()
            .push(value.as_str());
    }
    for name in ["code", "state", "iss", "error", "error_description"] {
        if values.get(name).is_some_and(|v| v.len() > 1) {
            return reject(
                StatusCode::BAD_REQUEST,
                &format!("The callback carries “{name}” more than once."),
            );
        }
    }
    let one = |name: &str| values.get(name).and_then(|v| v.first().copied());
    match one("state") {
        None => return reject(StatusCode::BAD_REQUEST, "The callback has no state."),
        Some(state) if !same_state(state, &rules.expected.state) => {
            return reject(
                StatusCode::BAD_REQUEST,
                "The callback's state is not this sign-in's; it may be an old or forged link.",
            );
        }
        Some(_) => {}
    }
    // A refused `iss` on a callback that carries the provider's error: say the error too, as
    // it may be the provider's real answer with its `iss` missing (a provider's bug).
    let with_error = |why: &str| match one("error") {
        None => why.to_owned(),
        Some(error) => format!(
            "{why} It carries the error “{}”{}; if you refused access in the browser, that \
             is the provider's answer.",
            crate::flows::clip(error, 100),
            one("error_description")
                .map(|d| format!(" ({})", crate::flows::clip(d, 200)))
                .unwrap_or_default()
        ),
    };
    match (one("iss"), &rules.expected.issuer) {
        (Some(iss), Issuer::Known(issuer)) if iss != issuer => {
            return reject(
                StatusCode::BAD_REQUEST,
                &with_error("The callback names another issuer than this sign-in's provider."),
            );
        }
        (Some(iss), Issuer::AuthorizationOrigin(origin)) if iss != origin => {
            return reject(
                StatusCode::BAD_REQUEST,
                &with_error(
                    "The callback names another issuer than the server this sign-in went to. \
                     If the provider names itself that way, add its issuer URL to the \
                     environment.",
                ),
            );
        }
        (None, _) if rules.expected.iss_required => {
            return reject(
                StatusCode::BAD_REQUEST,
                &with_error(
                    "The callback has no iss, which this provider always sends (RFC 9207), so \
                     it cannot be told from a forged one.",
                ),
            );
        }
        _ => {}
    }
    if let Some(error) = one("error") {
        return Judgement::Accept(Callback::Refused {
            error: error.to_owned(),
            description: one("error_description").map(str::to_owned),
        });
    }
    match one("code") {
        Some(code) if !code.is_empty() => Judgement::Accept(Callback::Code(Secret::new(code))),
        _ => reject(
            StatusCode::BAD_REQUEST,
            "The callback has no authorization code.",
        ),
    }
}

/// Whether a callback's `state` is this login's, compared in constant time so the answer's
/// timing tells nothing of the expected value (only its length, which is no secret).
fn same_state(given: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.as_bytes().ct_eq(expected.as_bytes()).into()
}

fn answer(
    rules: &Rules,
    request: &Request<Incoming>,
    done: &mpsc::Sender<Callback>,
    refusals: &Refusals,
) -> Response<Full<Bytes>> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok());
    if request.method() == Method::GET && request.uri().path() == RESULT_PATH {
        let result = rules.result.lock().ok().and_then(|result| result.clone());
        return match result {
            Some(page) => {
                rules.served.notify_one();
                respond(StatusCode::OK, page)
            }
            None => respond(
                StatusCode::NOT_FOUND,
                self::page("Not accepted", "No sign-in has completed here."),
            ),
        };
    }
    let finished = rules.result.lock().map(|r| r.is_some()).unwrap_or(true);
    let judgement = if finished && request.uri().path() == rules.options.path {
        Judgement::Reject(
            StatusCode::BAD_REQUEST,
            "This sign-in has already completed; this link cannot be used again.".to_owned(),
        )
    } else {
        judge(rules, request.method(), request.uri(), host)
    };
    match judgement {
        Judgement::Accept(callback) => {
            let result = match &callback {
                Callback::Code(_) => page(
                    "Signed in",
                    "Authdeck has the sign-in. You can close this tab and go back to Authdeck.",
                ),
                Callback::Refused { error, description } => page(
                    "Sign-in refused",
                    &format!(
                        "The provider refused the sign-in: {error}{}. Go back to Authdeck to \
                         try again.",
                        description
                            .as_deref()
                            .map(|d| format!(" — {d}"))
                            .unwrap_or_default()
                    ),
                ),
            };
            if let Ok(mut slot) = rules.result.lock() {
                *slot = Some(result);
            }
            let _ = done.try_send(callback);
            // Away from the address that holds the code (and out of the history).
            let mut response = respond(
                StatusCode::SEE_OTHER,
                page(
                    "One moment",
                    "Authdeck has the provider's answer; this page moves on to the result.",
                ),
            );
            response.headers_mut().insert(
                header::LOCATION,
                http::HeaderValue::from_static(RESULT_PATH),
            );
            response
        }
        Judgement::Reject(status, why) => {
            refusals.note(Refusal {
                reason: why.clone(),
                callback: request.uri().path() == rules.options.path,
            });
            respond(status, page("Not accepted", &why))
        }
    }
}

/// HTML-escapes text for the page.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A self-contained page: no script, no external resource.
fn page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} — \
         Authdeck</title><style>body{{font:16px system-ui,sans-serif;max-width:36em;margin:4em \
         auto;padding:0 1em;color:#1a1e27}}h1{{font-size:1.4em}}</style></head><body><h1>{title}\
         </h1><p>{message}</p></body></html>",
        title = escape(title),
        message = escape(message)
    )
}

fn respond(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    let set = |headers: &mut http::HeaderMap, name, value: &'static str| {
        headers.insert(name, http::HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_TYPE, "text/html; charset=utf-8");
    set(headers, header::CACHE_CONTROL, "no-store");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'",
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    response
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
