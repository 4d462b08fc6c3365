//! "Try it": one request to the environment's API with the app's token, and the same request
//! as a curl command line.

use super::dpop::NonceFrom;
use super::inspect::bearer_scheme;
use super::net_error;
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::model::{ApiRequest, ApiResponse, Header, Secret};

/// The full URL of a request: the API base URL and the path relative to it.
fn target(base: &str, path: &str) -> Result<String> {
    let path = path.trim();
    if !path.starts_with('/') || path.starts_with("//") {
        return Err(Error::invalid(
            "path",
            "Start the path with a single “/”; it is relative to the environment's API base URL.",
        ));
    }
    if path.chars().any(char::is_whitespace) {
        return Err(Error::invalid("path", "Encode spaces in the path as %20."));
    }
    Ok(format!("{}{path}", base.trim_end_matches('/')))
}

fn method(name: &str) -> Result<http::Method> {
    let name = name.trim().to_ascii_uppercase();
    http::Method::from_bytes(name.as_bytes())
        .map_err(|_| Error::invalid("method", format!("“{name}” is not an HTTP method.")))
}

fn is_authorization(name: &str) -> bool {
    name.trim().eq_ignore_ascii_case("authorization")
}

/// Sends the request with `Authorization: <type> <token>`, and a DPoP proof for it made with
/// `dpop` (RFC 9449 §7) when the token is DPoP-bound. A resource server's `use_dpop_nonce`
/// refusal (401 with a `DPoP-Nonce`, §9) is sent once more with a fresh proof carrying that
/// nonce, which is remembered for the origin's resource server (apart from its authorization
/// server's); a second refusal is shown as it came.
pub async fn call_api(
    http: &HttpClient,
    base: &str,
    request: &ApiRequest,
    token_type: &str,
    token: &Secret,
    dpop: Option<&super::DpopContext<'_>>,
) -> Result<ApiResponse> {
    let url = target(base, &request.path)?;
    let method = method(&request.method)?;
    let headers = extra_headers(request)?;
    let send = || async {
        let mut builder = http::Request::builder().method(method.clone()).uri(&url);
        if let Some(dpop) = dpop {
            let nonce = dpop.nonces.latest(NonceFrom::ResourceServer, &url);
            let proof =
                super::dpop::proof(dpop, method.as_str(), &url, Some(token), nonce.as_deref())?;
            builder = builder.header(super::dpop::DPOP_HEADER, proof);
        }
        for (name, value) in &headers {
            builder = builder.header(name, value);
        }
        builder = builder.header(
            http::header::AUTHORIZATION,
            format!("{} {}", bearer_scheme(token_type), token.expose()),
        );
        let http_request = builder
            .body(request.body.clone().into_bytes())
            .map_err(|e| Error::invalid("path", format!("The URL “{url}” is not valid ({e}).")))?;
        let response = http.send(http_request).await.map_err(net_error)?;
        let nonce = super::dpop::nonce_of(&response.headers);
        if let (Some(dpop), Some(nonce)) = (dpop, &nonce) {
            dpop.nonces.remember(NonceFrom::ResourceServer, &url, nonce);
        }
        Ok::<_, Error>((response, nonce.is_some()))
    };
    let (mut response, nonce_sent) = send().await?;
    if dpop.is_some() && nonce_sent && response.status == 401 && asks_for_nonce(&response) {
        response = send().await?.0;
    }
    Ok(answer(url, response))
}

/// Whether a 401 is a DPoP challenge for the server's nonce: `WWW-Authenticate: DPoP
/// error="use_dpop_nonce"` (RFC 9449 §9).
fn asks_for_nonce(response: &crate::http::Response) -> bool {
    response
        .headers
        .get_all(http::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(super::dpop::is_nonce_challenge)
}

/// The request's own headers, checked; never an Authorization header (Authdeck adds the token).
fn extra_headers(request: &ApiRequest) -> Result<Vec<(http::HeaderName, http::HeaderValue)>> {
    let mut headers = Vec::new();
    for header in &request.headers {
        if header.name.trim().is_empty() {
            continue;
        }
        if is_authorization(&header.name) {
            return Err(Error::invalid(
                "headers",
                "Leave out the Authorization header: Authdeck adds the app's token.",
            ));
        }
        let name = http::HeaderName::from_bytes(header.name.trim().as_bytes()).map_err(|_| {
            Error::invalid(
                "headers",
                format!("“{}” is not a valid header name.", header.name),
            )
        })?;
        let value = http::HeaderValue::from_str(header.value.trim()).map_err(|_| {
            Error::invalid(
                "headers",
                format!("The value of “{}” is not valid.", header.name),
            )
        })?;
        headers.push((name, value));
    }
    Ok(headers)
}

/// What "Try it" shows of an answer: JSON pretty-printed.
fn answer(url: String, response: crate::http::Response) -> ApiResponse {
    let media = response.media_type();
    let pretty = (media.contains("json"))
        .then(|| serde_json::from_slice::<serde_json::Value>(&response.body).ok())
        .flatten()
        .and_then(|json| serde_json::to_string_pretty(&json).ok());
    let status = http::StatusCode::from_u16(response.status).ok();
    ApiResponse {
        url,
        status: response.status,
        reason: status
            .and_then(|s| s.canonical_reason())
            .unwrap_or_default()
            .to_owned(),
        headers: response
            .headers
            .iter()
            .map(|(name, value)| Header {
                name: name.as_str().to_owned(),
                value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            })
            .collect(),
        is_json: pretty.is_some(),
        body: pretty.unwrap_or_else(|| String::from_utf8_lossy(&response.body).into_owned()),
        elapsed_ms: response.elapsed.as_millis() as u64,
    }
}

/// Quotes a word for a POSIX shell.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The request as a curl command line. The token appears as `$TOKEN` unless `token` is given.
pub fn curl_command(
    base: &str,
    request: &ApiRequest,
    token_type: &str,
    token: Option<&Secret>,
) -> Result<String> {
    curl_for(base, request, token_type, token, None)
}

/// The request as an `authdeck curl APP --env ENV -- …` command, for a DPoP-bound token: it
/// needs a fresh proof for each request, which only Authdeck (holding the key) can make, so
/// neither the token nor a proof goes into the text.
pub fn dpop_curl_command(
    base: &str,
    request: &ApiRequest,
    app: &str,
    environment: &str,
) -> Result<String> {
    curl_for(base, request, "DPoP", None, Some((app, environment)))
}

fn curl_for(
    base: &str,
    request: &ApiRequest,
    token_type: &str,
    token: Option<&Secret>,
    dpop_app: Option<(&str, &str)>,
) -> Result<String> {
    let url = target(base, &request.path)?;
    let method = method(&request.method)?;
    let mut parts = match dpop_app {
        Some((app, environment)) => vec![format!(
            "authdeck curl {} --env {} -- -sS",
            quote(app),
            quote(environment)
        )],
        None => vec!["curl".to_owned(), "-sS".to_owned()],
    };
    if method != http::Method::GET || !request.body.is_empty() {
        parts.push(format!("-X {}", method.as_str()));
    }
    parts.push(quote(&url));
    let scheme = bearer_scheme(token_type);
    match (dpop_app, token) {
        (Some(_), _) => {}
        (None, Some(token)) => parts.push(format!(
            "-H {}",
            quote(&format!("Authorization: {scheme} {}", token.expose()))
        )),
        (None, None) => parts.push(format!("-H \"Authorization: {scheme} $TOKEN\"")),
    }
    for header in &request.headers {
        if !header.name.trim().is_empty() && !is_authorization(&header.name) {
            parts.push(format!(
                "-H {}",
                quote(&format!("{}: {}", header.name.trim(), header.value.trim()))
            ));
        }
    }
    if !request.body.is_empty() {
        parts.push(format!("--data-raw {}", quote(&request.body)));
    }
    Ok(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppId;

    #[test]
    fn only_a_dpop_challenge_for_use_dpop_nonce_asks_for_the_nonce() {
        let answer = |challenges: &[&str]| {
            let mut headers = http::HeaderMap::new();
            for challenge in challenges {
                headers.append(
                    http::header::WWW_AUTHENTICATE,
                    http::HeaderValue::from_str(challenge).unwrap(),
                );
            }
            crate::http::Response {
                status: 401,
                headers,
                body: Vec::new(),
                elapsed: std::time::Duration::ZERO,
            }
        };
        for asks in [
            &["DPoP error=\"use_dpop_nonce\", error_description=\"nonce\""][..],
            &["dpop algs=\"ES256\", error=use_dpop_nonce"],
            &["Bearer realm=\"api\"", "DPoP error=\"use_dpop_nonce\""],
        ] {
            assert!(asks_for_nonce(&answer(asks)), "{asks:?}");
        }
        for not in [
            &["DPoP error=\"invalid_token\""][..],
            &["Bearer error=\"use_dpop_nonce\""],
            &[],
        ] {
            assert!(!asks_for_nonce(&answer(not)), "{not:?}");
        }
    }

    fn request(path: &str, body: &str) -> ApiRequest {
        ApiRequest {
            app_id: AppId("a".into()),
            method: "post".into(),
            path: path.into(),
            headers: vec![Header {
                name: "X-Note".into(),
                value: "it's".into(),
            }],
            body: body.into(),
        }
    }

    #[test]
    fn a_dpop_tokens_curl_command_lets_authdeck_make_the_headers() {
        let command = dpop_curl_command(
            "https://api.example.com/",
            &request("/v1/x?a=1", "{\"a\":1}"),
            "Billing's app",
            "Sandbox",
        )
        .unwrap();
        assert_eq!(
            command,
            "authdeck curl 'Billing'\\''s app' --env 'Sandbox' -- -sS -X POST \
             'https://api.example.com/v1/x?a=1' -H 'X-Note: it'\\''s' --data-raw '{\"a\":1}'"
        );
    }

    #[test]
    fn curl_uses_the_token_variable_unless_asked() {
        let command = curl_command(
            "https://api.example.com/",
            &request("/v1/x?a=1", "{\"a\":1}"),
            "Bearer",
            None,
        )
        .unwrap();
        assert_eq!(
            command,
            "curl -sS -X POST 'https://api.example.com/v1/x?a=1' -H \"Authorization: Bearer \
             $TOKEN\" -H 'X-Note: it'\\''s' --data-raw '{\"a\":1}'"
        );
        let token = Secret::new("tok");
        let with_value = curl_command(
            "https://api.example.com",
            &request("/v1", ""),
            "bearer",
            Some(&token),
        )
        .unwrap();
        assert_eq!(
            with_value,
            "curl -sS -X POST 'https://api.example.com/v1' -H 'Authorization: Bearer tok' \
             -H 'X-Note: it'\\''s'"
        );
    }

    #[test]
    fn paths_are_relative_to_the_base() {
        assert_eq!(
            target("https://a.test/api/", "/v1").unwrap(),
            "https://a.test/api/v1"
        );
        for bad in ["v1", "//evil.test/x", "/a b"] {
            assert_eq!(
                target("https://a.test", bad).unwrap_err().field(),
                Some("path"),
                "{bad}"
            );
        }
    }
}
