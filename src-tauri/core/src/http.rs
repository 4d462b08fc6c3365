//! The one HTTP client every call to an authorization server or API goes through.
//!
//! Rules (DESIGN.md): https only, plain http only for loopback addresses; no redirect is ever
//! followed; connect and overall timeouts; the response body is read up to a bound and refused
//! beyond it. Failures are typed [`NetError`]s that say what to check next.

use crate::validate::check_endpoint;
use std::time::{Duration, Instant};
use url::Url;

/// Limits of one client; tests shrink them to prove each one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// Time to establish the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Time for the whole exchange, from sending to the last byte of the body.
    pub timeout: Duration,
    /// The largest response body accepted, in bytes.
    pub max_body: usize,
    /// How long a kept-alive connection may wait unused and still carry the next request.
    /// Servers close idle connections after their own time, often 5 s (Node's default, Apache's);
    /// a request sent on one at the moment the server closes it is lost with "connection reset"
    /// (a sign-in's code exchange then fails, and its code cannot be sent again). Kept well under
    /// those 5 s, a connection is reused only while its server still keeps it.
    pub idle_connection: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_body: 1024 * 1024,
            idle_connection: Duration::from_secs(2),
        }
    }
}

/// Why a request got no usable HTTP response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    /// The URL is not one Authdeck sends credentials to.
    #[error("{0}")]
    Refused(String),
    /// Nothing answered at that address (nothing of the request was sent).
    #[error("Could not connect to {host}: {detail}. Check the URL and that the server is up.")]
    Connect { host: String, detail: String },
    /// The TLS handshake or certificate check failed (nothing of the request was sent).
    #[error("The secure connection to {host} failed: {detail}. Check the certificate and the URL.")]
    Tls { host: String, detail: String },
    /// The server did not answer in time.
    #[error("{host} did not answer within {seconds} s; the request was abandoned.")]
    Timeout { host: String, seconds: u64 },
    /// The server answered with a redirect, which is never followed.
    #[error(
        "{host} answered with a redirect (HTTP {status}) to {location}; Authdeck does not follow \
         redirects with credentials. Use the final URL."
    )]
    Redirect {
        host: String,
        status: u16,
        location: String,
    },
    /// The response body is larger than allowed.
    #[error("{host} sent more than {limit} bytes; the response was refused.")]
    TooLarge { host: String, limit: usize },
    /// Any other transport failure, such as a connection that broke once the request left.
    #[error("The request to {host} failed: {detail}.")]
    Other { host: String, detail: String },
}

impl NetError {
    /// Whether the failure came before any of the request left (refused URL, no connection):
    /// a request that may have been sent must be treated as delivered.
    pub fn sent_nothing(&self) -> bool {
        matches!(
            self,
            Self::Refused(_) | Self::Connect { .. } | Self::Tls { .. }
        )
    }
}

/// A complete response, body already read (and bounded).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    pub elapsed: Duration,
}

impl Response {
    /// The Content-Type header, lower-cased, without parameters.
    pub fn media_type(&self) -> String {
        media_type(&self.headers)
    }
}

/// The Content-Type of a header map, lower-cased, without parameters ("" when absent).
pub fn media_type(headers: &http::HeaderMap) -> String {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The TLS settings of every HTTP client Authdeck builds (rustls with the platform's
/// verifier, roots read on the first https handshake); the tests' own clients use them too.
pub fn tls_settings() -> Result<rustls::ClientConfig, NetError> {
    crate::tls::client_config().map_err(|e| NetError::Other {
        host: String::new(),
        detail: format!("the HTTP client could not start ({e})"),
    })
}

/// The HTTP client.
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: reqwest::Client,
    limits: HttpLimits,
}

impl HttpClient {
    /// A client with these limits.
    pub fn new(limits: HttpLimits) -> Result<Self, NetError> {
        Self::with_tls(limits, tls_settings()?)
    }

    /// A client with these limits that presents `identity` (a client certificate and its
    /// key) when a server asks for one: mutual TLS (RFC 8705).
    pub fn presenting(
        limits: HttpLimits,
        identity: &crate::client_cert::ClientIdentity,
    ) -> Result<Self, NetError> {
        let (chain, key) = identity.for_tls();
        let tls =
            crate::tls::client_config_presenting(chain, key).map_err(|e| NetError::Other {
                host: String::new(),
                detail: format!("the client certificate cannot be used for TLS ({e})"),
            })?;
        Self::with_tls(limits, tls)
    }

    fn with_tls(limits: HttpLimits, tls: rustls::ClientConfig) -> Result<Self, NetError> {
        let inner = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.timeout)
            .pool_idle_timeout(limits.idle_connection)
            .user_agent(concat!("Authdeck/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NetError::Other {
                host: String::new(),
                detail: format!("the HTTP client could not start ({e})"),
            })?;
        Ok(Self { inner, limits })
    }

    /// Sends a request and reads the whole (bounded) response.
    pub async fn send(&self, request: http::Request<Vec<u8>>) -> Result<Response, NetError> {
        let url = Url::parse(&request.uri().to_string()).map_err(|e| {
            NetError::Refused(format!("“{}” is not a valid URL ({e}).", request.uri()))
        })?;
        check_target(&url)?;
        let host = host_of(&url);
        let (parts, body) = request.into_parts();
        let mut builder = self
            .inner
            .request(parts.method, url.clone())
            .headers(parts.headers)
            .body(body);
        if parts.version != http::Version::default() {
            builder = builder.version(parts.version);
        }
        let started = Instant::now();
        let mut response = builder.send().await.map_err(|e| self.classify(&host, &e))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("(no location)")
                .to_owned();
            return Err(NetError::Redirect {
                host,
                status: status.as_u16(),
                location,
            });
        }
        if response
            .content_length()
            .is_some_and(|length| length > self.limits.max_body as u64)
        {
            return Err(NetError::TooLarge {
                host,
                limit: self.limits.max_body,
            });
        }
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.classify(&host, &e))?
        {
            if body.len() + chunk.len() > self.limits.max_body {
                return Err(NetError::TooLarge {
                    host,
                    limit: self.limits.max_body,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status: status.as_u16(),
            headers,
            body,
            elapsed: started.elapsed(),
        })
    }

    fn classify(&self, host: &str, error: &reqwest::Error) -> NetError {
        let host = host.to_owned();
        if error.is_timeout() {
            let limit = if error.is_connect() {
                self.limits.connect_timeout
            } else {
                self.limits.timeout
            };
            return NetError::Timeout {
                host,
                seconds: limit.as_secs().max(1),
            };
        }
        let detail = chain(error);
        if error.is_connect() {
            // Connecting covers the TLS handshake: either way nothing of the request left.
            if crate::tls::is_tls_failure(error) {
                return NetError::Tls { host, detail };
            }
            return NetError::Connect { host, detail };
        }
        NetError::Other { host, detail }
    }
}

/// Refuses any URL credentials must not be sent to: not https (or http on loopback), with
/// credentials or a fragment in it.
pub fn check_target(url: &Url) -> Result<(), NetError> {
    check_endpoint(url.as_str()).map_err(NetError::Refused)
}

/// The host (and port when not the default) of a URL, as named in messages.
pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => url.as_str().to_owned(),
    }
}

/// An error and its causes in one line (reqwest's own message names only the outermost).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_is_a_target() {
        let ok = [
            "https://id.example.com/token",
            "http://127.0.0.1:8080/t",
            "http://[::1]/t",
        ];
        for url in ok {
            assert_eq!(check_target(&Url::parse(url).unwrap()), Ok(()), "{url}");
        }
        let refused = Url::parse("http://id.example.com/token").unwrap();
        assert!(matches!(check_target(&refused), Err(NetError::Refused(m)) if m.contains("https")));
        let credentials = Url::parse("https://user:pw@id.example.com/token").unwrap();
        assert!(
            matches!(check_target(&credentials), Err(NetError::Refused(m)) if m.contains("credentials"))
        );
    }

    /// A server that keeps each connection alive after its first answer, and resets it when a
    /// second request arrives on it, as a server does that closed it at that moment.
    async fn closing_idle_connections() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>)
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/token", listener.local_addr().unwrap());
        let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = connections.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buffer = [0u8; 4096];
                    let mut read = 0;
                    while !buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buffer[read..]).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => read += n,
                        }
                    }
                    let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                                  Content-Length: 2\r\nConnection: keep-alive\r\n\r\n{}";
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                    // the next request on this connection: reset, unanswered
                    if matches!(stream.read(&mut buffer).await, Ok(n) if n > 0) {
                        let _ = stream.set_zero_linger();
                    }
                });
            }
        });
        (url, connections)
    }

    #[tokio::test]
    async fn a_connection_left_idle_is_not_reused_for_the_next_request() {
        let (url, connections) = closing_idle_connections().await;
        let client = HttpClient::new(HttpLimits {
            idle_connection: Duration::from_millis(200),
            ..HttpLimits::default()
        })
        .unwrap();
        let request = || {
            http::Request::post(url.as_str())
                .body(b"grant_type=client_credentials".to_vec())
                .unwrap()
        };
        assert_eq!(client.send(request()).await.unwrap().status, 200);
        tokio::time::sleep(Duration::from_millis(600)).await;
        let second = client.send(request()).await;
        assert_eq!(second.map(|answer| answer.status), Ok(200));
        assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[test]
    fn media_type_drops_parameters_and_case() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(media_type(&headers), "");
        headers.insert(
            http::header::CONTENT_TYPE,
            "Application/JSON; charset=utf-8".parse().unwrap(),
        );
        assert_eq!(media_type(&headers), "application/json");
    }
}
