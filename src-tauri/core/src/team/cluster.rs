//! Sending a request to a team vault that is a cluster: its configured addresses in order, a
//! node that cannot take it passed over, a redirect followed only to a configured address, and
//! the cluster's replication index carried from one answer to the next request.
//!
//! - An address is passed over when nothing reached it (no connection, TLS), or when it
//!   answered 503 (sealed, or a standby with no leader: the request was not handled), or,
//!   for a read, any other 5xx. Anything else may have been acted on: it is the answer.
//! - A standby may redirect (307 or 308, which keep the method and body) to the active node's
//!   `api_addr`. The request, with the vault token, is sent there again only when that address
//!   is one of the team vault's own (same scheme, host and port); otherwise the token goes
//!   nowhere and the error names both. One hop: a node that redirects again is passed over.
//! - OpenBao's standbys answer reads from their own copy, which can trail the leader by a
//!   moment, so a secret just written through one node could read as missing on another (a
//!   share's read-back, or a write's next read). Every answer carries `X-Vault-Index`; the
//!   next request of the same `Kv` sends the last one back with `X-Vault-Inconsistent:
//!   forward-active-node`, so a node not yet there hands the request to the leader.

use super::kv::{Kv, answer_of, errors_of};
use crate::error::{Error, Result};
use crate::http::{NetError, Response};
use serde_json::Value;
use url::Url;

/// The replication index header (request and response) and what to do when behind it.
pub(super) const INDEX: &str = "X-Vault-Index";
pub(super) const INCONSISTENT: &str = "X-Vault-Inconsistent";
pub(super) const FORWARD: &str = "forward-active-node";

/// What one request to one node brought.
enum Exchange {
    Answered(Response),
    /// A 307 or 308 (which keep the method and body) to this URL.
    Redirected(Url),
    /// Nothing of the request reached the node: why.
    NotReached(String),
}

/// How one address dealt with a request.
enum Outcome {
    Answered(Response),
    /// Not handled there; the reason, for the error when no address answers.
    PassedOver(String),
}

impl Kv<'_> {
    /// Sends to each address in turn until one answers (see the module comment): the address
    /// that answered and its response.
    pub(super) async fn send_to_cluster(
        &self,
        method: &http::Method,
        api_path: &str,
        body: Option<&Value>,
    ) -> Result<(String, Response)> {
        let mut tried = Vec::new();
        for address in &self.vault.addresses {
            match self.send_to(address, method, api_path, body).await? {
                Outcome::Answered(response) => return Ok((address.clone(), response)),
                Outcome::PassedOver(why) => tried.push(format!("{address}: {why}")),
            }
        }
        Err(Error::Network(format!(
            "The team vault “{}” could not be reached; tried {}",
            self.vault.name,
            tried.join("; ")
        )))
    }

    async fn send_to(
        &self,
        address: &str,
        method: &http::Method,
        api_path: &str,
        body: Option<&Value>,
    ) -> Result<Outcome> {
        let url = format!("{}/v1/{api_path}", address.trim_end_matches('/'));
        let response = match self.exchange(&url, method, body).await? {
            Exchange::Answered(response) => response,
            Exchange::NotReached(why) => return Ok(Outcome::PassedOver(why)),
            Exchange::Redirected(location) => {
                let target = self.configured_origin(&location).ok_or_else(|| {
                    Error::NotConfigured(format!(
                        "The team vault “{}” at {address} redirected to {}, which is not one of \
                         its addresses ({}); the vault token was not sent there. Connect the \
                         team vault again with every node's address (--address for each).",
                        self.vault.name,
                        origin_of(&location),
                        self.vault.addresses.join(", ")
                    ))
                })?;
                match self.exchange(location.as_str(), method, body).await? {
                    Exchange::Answered(response) => response,
                    Exchange::Redirected(_) => {
                        return Ok(Outcome::PassedOver(format!(
                            "redirected to {target}, which redirected again"
                        )));
                    }
                    Exchange::NotReached(why) => {
                        return Ok(Outcome::PassedOver(format!(
                            "redirected to {target}, which could not be reached ({why})"
                        )));
                    }
                }
            }
        };
        let status = response.status;
        let read = *method == http::Method::GET;
        if status == 503 || (read && status >= 500) {
            let why = errors_of(&answer_of(&response.body));
            return Ok(Outcome::PassedOver(format!("HTTP {status}: {why}")));
        }
        Ok(Outcome::Answered(response))
    }

    /// One request to `url`: the response (its index remembered), where it redirects to, or
    /// why nothing reached the node; an error once the request may have been delivered.
    async fn exchange(
        &self,
        url: &str,
        method: &http::Method,
        body: Option<&Value>,
    ) -> Result<Exchange> {
        let request = self.request(url, method, body)?;
        match self.http.send(request).await {
            Ok(response) => {
                if let Some(index) = response.headers.get(INDEX) {
                    *self.index.lock().unwrap_or_else(|e| e.into_inner()) = Some(index.clone());
                }
                Ok(Exchange::Answered(response))
            }
            Err(NetError::Redirect {
                status: 307 | 308,
                location,
                ..
            }) => match Url::parse(url).and_then(|asked| asked.join(&location)) {
                Ok(target) => Ok(Exchange::Redirected(target)),
                Err(_) => Err(Error::BadResponse(format!(
                    "The team vault “{}” at {url} redirected to “{location}”, which is not a URL.",
                    self.vault.name
                ))),
            },
            Err(error) if error.sent_nothing() => Ok(Exchange::NotReached(error.to_string())),
            Err(NetError::Timeout { host, seconds }) => Err(Error::Timeout(format!(
                "The team vault “{}” at {host} did not answer within {seconds} s.",
                self.vault.name
            ))),
            Err(error) => Err(Error::Network(format!(
                "The team vault “{}” at {url} failed: {error}",
                self.vault.name
            ))),
        }
    }

    /// The configured address with the same origin as `location`, if there is one.
    fn configured_origin(&self, location: &Url) -> Option<String> {
        self.vault.addresses.iter().find_map(|address| {
            let configured = Url::parse(address).ok()?;
            (configured.origin() == location.origin()).then(|| origin_of(&configured))
        })
    }
}

/// `scheme://host:port` of a URL, as a person would compare it with an address.
fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests;
