//! The device authorization grant (RFC 8628): for signing in when the browser is on another
//! device. The oauth2 crate builds the requests and polls at the server's interval, adding five
//! seconds on `slow_down` and waiting on `authorization_pending`, until the code expires.

use super::client_credentials::minted_from;
use super::lifetime::lifetime;
use super::{ClientAuth, Doing, Exchange, Minted, oauth_client, request_error};
use crate::error::{Error, Result};
use crate::http::HttpClient;
use oauth2::{
    DeviceAuthorizationResponse, DeviceAuthorizationUrl, EmptyExtraDeviceAuthorizationFields,
    Scope, TokenUrl,
};
use std::time::Duration;

/// What the server said to show the user, and the device code to poll with.
pub struct DeviceAuthorization {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_in: Duration,
    pub interval: Duration,
    response: DeviceAuthorizationResponse<EmptyExtraDeviceAuthorizationFields>,
}

impl std::fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("device_code", &"[redacted]")
            .finish()
    }
}

fn invalid(what: &str, url: &str, error: impl std::fmt::Display) -> Error {
    Error::NotConfigured(format!("The {what} “{url}” is not valid ({error})."))
}

/// Refuses a verification URI that is not a web address Authdeck may show and open: only
/// https, or http on loopback (never `file:`, `javascript:` or another scheme).
fn check_verification_uri(uri: &str) -> Result<()> {
    crate::validate::check_endpoint(uri).map_err(|why| {
        Error::BadResponse(format!(
            "The provider's device sign-in address “{uri}” is not one Authdeck shows or opens \
             ({why}); the device login was not started."
        ))
    })
}

/// Asks the device authorization endpoint for a user code.
pub async fn device_authorization(
    http: &HttpClient,
    device_url: &str,
    auth: ClientAuth<'_>,
    scopes: &[String],
) -> Result<DeviceAuthorization> {
    let doing = Doing {
        what: "The device authorization request",
        url: device_url,
        scopes,
    };
    let client = oauth_client(&auth).set_device_authorization_url(
        DeviceAuthorizationUrl::new(device_url.to_owned())
            .map_err(|e| invalid("device authorization URL", device_url, e))?,
    );
    let exchange = Exchange::new(http, &auth);
    let response: DeviceAuthorizationResponse<EmptyExtraDeviceAuthorizationFields> = client
        .exchange_device_code()
        .add_scopes(scopes.iter().cloned().map(Scope::new))
        .request_async(&exchange)
        .await
        .map_err(|error| request_error(error, &exchange, &doing))?;
    DeviceAuthorization::from_response(response, &doing)
}

impl DeviceAuthorization {
    /// What to show the user, from the endpoint's answer: refused when the user code cannot be
    /// shown, a lifetime is absurd or a verification URI is not a web address Authdeck may open.
    pub(crate) fn from_response(
        response: DeviceAuthorizationResponse<EmptyExtraDeviceAuthorizationFields>,
        doing: &Doing<'_>,
    ) -> Result<Self> {
        // The user code is shown in a terminal and the window: printable characters only.
        let user_code = response.user_code().secret();
        if user_code.is_empty() || user_code.chars().any(char::is_control) {
            return Err(Error::BadResponse(format!(
                "{} to {} got a user_code with characters that cannot be shown (control \
                 characters); the answer was refused.",
                doing.what,
                doing.host()
            )));
        }
        let (expires_in, interval) = lifetimes(&response, doing)?;
        let complete = response
            .verification_uri_complete()
            .map(|uri| uri.secret().clone());
        for uri in std::iter::once(response.verification_uri().as_str()).chain(complete.as_deref())
        {
            check_verification_uri(uri)?;
        }
        Ok(Self {
            user_code: response.user_code().secret().clone(),
            verification_uri: response.verification_uri().to_string(),
            verification_uri_complete: complete,
            expires_in,
            interval,
            response,
        })
    }
}

/// The code's lifetime and polling interval, checked: an absurd interval would overflow when
/// the oauth2 crate adds five seconds on `slow_down`, an absurd lifetime the sign-in's end.
fn lifetimes(
    response: &DeviceAuthorizationResponse<EmptyExtraDeviceAuthorizationFields>,
    doing: &Doing<'_>,
) -> Result<(Duration, Duration)> {
    let host = doing.host();
    let seconds = |d: Duration| i128::from(d.as_secs());
    Ok((
        lifetime(&host, "expires_in", seconds(response.expires_in()))?,
        lifetime(&host, "interval", seconds(response.interval()))?,
    ))
}

/// The shortest wait between two polls, whatever the provider announces: an `interval` of 0
/// would have its token endpoint asked in a tight loop until the code expires.
const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Polls the token endpoint until the user approves, refuses, or the code expires.
pub async fn poll_device_token(
    http: &HttpClient,
    token_url: &str,
    auth: ClientAuth<'_>,
    authorization: &DeviceAuthorization,
) -> Result<Minted> {
    let doing = Doing {
        what: "The device login",
        url: token_url,
        scopes: &[],
    };
    let client = oauth_client(&auth).set_token_uri(
        TokenUrl::new(token_url.to_owned()).map_err(|e| invalid("token URL", token_url, e))?,
    );
    let exchange = Exchange::token(http, &auth);
    let response = client
        .exchange_device_access_token(&authorization.response)
        .request_async(
            &exchange,
            |wait| tokio::time::sleep(wait.max(MIN_POLL_INTERVAL)),
            None,
        )
        .await
        .map_err(|error| request_error(error, &exchange, &doing))?;
    minted_from(&response, &doing, auth.dpop.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::http::HttpLimits;
    use crate::model::AuthMethod;
    use crate::test_server::{Reply, TestServer};

    /// A device authorization endpoint answering with these verification URIs.
    async fn provider(uri: &str, complete: Option<&str>) -> TestServer {
        let mut answer = serde_json::json!({
            "device_code": "device-code",
            "user_code": "WDJB-MJHT",
            "verification_uri": uri,
            "expires_in": 600,
            "interval": 5,
        });
        if let Some(complete) = complete {
            answer["verification_uri_complete"] = complete.into();
        }
        let answer = answer.to_string();
        TestServer::start(move |_| Reply::Answer(200, "application/json", answer.clone())).await
    }

    async fn authorize(server: &TestServer) -> Result<DeviceAuthorization> {
        let http = HttpClient::new(HttpLimits::default()).unwrap();
        let auth = ClientAuth {
            client_id: "native-client",
            secret: None,
            method: AuthMethod::None,
            profile: crate::model::ProviderProfile::Standard,
            assertion: None,
            dpop: None,
        };
        device_authorization(&http, &format!("{}/device", server.url), auth, &[]).await
    }

    #[tokio::test]
    async fn a_verification_uri_that_is_not_a_web_address_is_refused() {
        let web = "https://id.example.com/device";
        let cases = [
            ("file:///etc/passwd", None),
            ("javascript:alert(document.cookie)", None),
            ("http://id.example.com/device", None),
            (web, Some("javascript:alert(1)")),
            (web, Some("file:///home/me/.ssh/id_ed25519")),
        ];
        for (uri, complete) in cases {
            let server = provider(uri, complete).await;
            let refused = authorize(&server).await.unwrap_err();
            assert_eq!(refused.code(), ErrorCode::BadResponse, "{uri} {complete:?}");
            let shown = complete.unwrap_or(uri);
            assert!(
                refused
                    .to_string()
                    .contains(&format!("“{shown}” is not one Authdeck")),
                "{refused}"
            );
        }
        let fine = provider(web, Some("http://127.0.0.1:8080/device?code=WDJBMJHT")).await;
        let started = authorize(&fine).await.unwrap();
        assert_eq!(started.verification_uri, web);
    }

    #[tokio::test]
    async fn an_interval_of_zero_still_waits_a_second_between_polls() {
        let server = TestServer::start(|seen| {
            if seen.path == "/device" {
                let answer = serde_json::json!({
                    "device_code": "device-code",
                    "user_code": "WDJB-MJHT",
                    "verification_uri": "https://id.example.com/device",
                    "expires_in": 600,
                    "interval": 0,
                });
                return Reply::Answer(200, "application/json", answer.to_string());
            }
            Reply::Answer(
                400,
                "application/json",
                r#"{"error":"authorization_pending"}"#.to_owned(),
            )
        })
        .await;
        let authorization = authorize(&server).await.unwrap();
        assert_eq!(authorization.interval, Duration::ZERO);
        let http = HttpClient::new(HttpLimits::default()).unwrap();
        let auth = ClientAuth {
            client_id: "native-client",
            secret: None,
            method: AuthMethod::None,
            profile: crate::model::ProviderProfile::Standard,
            assertion: None,
            dpop: None,
        };
        let token_url = format!("{}/token", server.url);
        let polling = poll_device_token(&http, &token_url, auth, &authorization);
        let _ = tokio::time::timeout(Duration::from_millis(2500), polling).await;
        let polls = server.seen().iter().filter(|s| s.path == "/token").count();
        // at 0 s, 1 s and 2 s; a tight loop would have made hundreds
        assert_eq!(polls, 3);
    }

    #[test]
    fn a_device_code_with_an_absurd_lifetime_or_interval_is_refused() {
        let doing = Doing {
            what: "The device authorization request",
            url: "https://id.example.com/device",
            scopes: &[],
        };
        let check = |extra: &str| {
            let body = format!(
                r#"{{"device_code":"d","user_code":"ABCD-EFGH",
                   "verification_uri":"https://id.example.com/activate"{extra}}}"#
            );
            lifetimes(&serde_json::from_str(&body).unwrap(), &doing)
        };
        assert_eq!(
            check(r#","expires_in":600,"interval":5"#).unwrap(),
            (Duration::from_secs(600), Duration::from_secs(5))
        );
        for (extra, field) in [
            (r#","expires_in":18446744073709551615"#, "expires_in"),
            (
                r#","expires_in":600,"interval":18446744073709551615"#,
                "interval",
            ),
        ] {
            let error = check(extra).unwrap_err();
            assert_eq!(error.code(), crate::ErrorCode::BadResponse, "{extra}");
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("id.example.com answered with {field} ")),
                "{error}"
            );
        }
    }
}
