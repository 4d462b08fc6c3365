//! The device authorization grant (RFC 8628): for signing in when the browser is on another
//! device. The oauth2 crate builds the requests and polls at the server's interval, adding five
//! seconds on `slow_down` and waiting on `authorization_pending`, until the code expires.

use super::client_credentials::{lifetime, minted_from};
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
    let exchange = Exchange::new(http);
    let response: DeviceAuthorizationResponse<EmptyExtraDeviceAuthorizationFields> = client
        .exchange_device_code()
        .add_scopes(scopes.iter().cloned().map(Scope::new))
        .request_async(&exchange)
        .await
        .map_err(|error| request_error(error, &exchange, &doing))?;
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
    lifetime("expires_in", Some(response.expires_in()), &doing)?;
    Ok(DeviceAuthorization {
        user_code: user_code.clone(),
        verification_uri: response.verification_uri().to_string(),
        verification_uri_complete: response
            .verification_uri_complete()
            .map(|uri| uri.secret().clone()),
        expires_in: response.expires_in(),
        interval: response.interval(),
        response,
    })
}

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
    let exchange = Exchange::new(http);
    let response = client
        .exchange_device_access_token(&authorization.response)
        .request_async(&exchange, tokio::time::sleep, None)
        .await
        .map_err(|error| request_error(error, &exchange, &doing))?;
    minted_from(&response, &doing)
}
