//! Authorization server metadata: OpenID Connect Discovery, then RFC 8414.

use super::net_error;
use crate::error::{Error, Result};
use crate::http::{HttpClient, host_of};
use crate::model::{Discovery, Endpoints};
use serde::Deserialize;
use url::Url;

#[derive(Deserialize)]
struct Metadata {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    introspection_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    device_authorization_endpoint: Option<String>,
    registration_endpoint: Option<String>,
    #[serde(default)]
    scopes_supported: Vec<String>,
    #[serde(default)]
    grant_types_supported: Vec<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
    #[serde(default)]
    code_challenge_methods_supported: Vec<String>,
    jwks_uri: Option<String>,
    /// RFC 9207: the server puts `iss` on every authorization response.
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}

/// The metadata URLs to try for an issuer: OpenID Connect's (`{issuer}/.well-known/...`) and
/// RFC 8414's (`.well-known` inserted before the issuer's path).
fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut openid = issuer.clone();
    openid.set_path(&format!("{path}/.well-known/openid-configuration"));
    let mut oauth = issuer.clone();
    oauth.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    vec![openid, oauth]
}

/// Reads the issuer's metadata and returns the endpoints it names. An `issuer` in the metadata
/// that is not exactly the one given is refused (RFC 8414 §3.3).
pub async fn discover(http: &HttpClient, issuer: &str) -> Result<Discovery> {
    let issuer = issuer.trim();
    crate::validate::check_endpoint(issuer)
        .map_err(|message| Error::invalid("issuer_url", message))?;
    let issuer_url = Url::parse(issuer).map_err(|e| Error::invalid("issuer_url", e.to_string()))?;
    if issuer_url.query().is_some() {
        return Err(Error::invalid(
            "issuer_url",
            "An issuer has no ?query part.",
        ));
    }
    let mut tried = Vec::new();
    for url in metadata_urls(&issuer_url) {
        let request = http::Request::get(url.as_str())
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|e| Error::Internal(e.to_string()))?;
        let response = http.send(request).await.map_err(net_error)?;
        if response.status != 200 {
            tried.push(format!("{url} (HTTP {})", response.status));
            continue;
        }
        match read_metadata(&url, issuer, &response.body)? {
            Ok(discovery) => return Ok(discovery),
            Err(problem) => tried.push(format!("{url} (not a metadata document: {problem})")),
        }
    }
    Err(Error::NotFound(format!(
        "No authorization server metadata was found for {}. Tried {}. Enter the endpoints by \
         hand, or check the issuer URL.",
        host_of(&issuer_url),
        tried.join(" and ")
    )))
}

/// The endpoints a metadata document at `url` names; the problem when the body is not a metadata
/// document, refused when it names another issuer than `issuer`.
pub(crate) fn read_metadata(
    url: &Url,
    issuer: &str,
    body: &[u8],
) -> Result<std::result::Result<Discovery, String>> {
    let metadata: Metadata = match super::parse_json(body) {
        Ok(metadata) => metadata,
        Err(problem) => return Ok(Err(problem)),
    };
    let found = metadata.issuer.clone().unwrap_or_default();
    if found != issuer {
        let hint = if found.trim_end_matches('/') == issuer.trim_end_matches('/') {
            format!(" They differ only in a trailing slash: use exactly “{found}”.")
        } else {
            " Check that this is the provider you meant; metadata naming another issuer \
                 may be an attack or a misconfigured proxy."
                .to_owned()
        };
        return Err(Error::invalid(
            "issuer_url",
            format!(
                "The metadata at {url} names the issuer “{found}”, not “{issuer}”, so it \
                     was not used.{hint}"
            ),
        ));
    }
    Ok(Ok(Discovery {
        metadata_url: url.to_string(),
        issuer: found,
        endpoints: Endpoints {
            issuer_url: Some(issuer.to_owned()),
            authorization_url: metadata.authorization_endpoint,
            token_url: metadata.token_endpoint,
            token_info_url: None,
            introspection_url: metadata.introspection_endpoint,
            revocation_url: metadata.revocation_endpoint,
            api_base_url: None,
            device_authorization_url: metadata.device_authorization_endpoint.clone(),
        },
        scopes_supported: metadata.scopes_supported,
        grant_types_supported: metadata.grant_types_supported,
        token_endpoint_auth_methods_supported: metadata.token_endpoint_auth_methods_supported,
        code_challenge_methods_supported: metadata.code_challenge_methods_supported,
        device_authorization_endpoint: metadata.device_authorization_endpoint,
        registration_endpoint: metadata.registration_endpoint,
        jwks_uri: metadata.jwks_uri,
        iss_parameter_supported: metadata.authorization_response_iss_parameter_supported,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_urls_follow_both_specs() {
        let plain = metadata_urls(&Url::parse("https://id.example.com").unwrap());
        assert_eq!(
            plain.iter().map(Url::as_str).collect::<Vec<_>>(),
            [
                "https://id.example.com/.well-known/openid-configuration",
                "https://id.example.com/.well-known/oauth-authorization-server",
            ]
        );
        let tenant = metadata_urls(&Url::parse("https://id.example.com/tenant/1").unwrap());
        assert_eq!(
            tenant.iter().map(Url::as_str).collect::<Vec<_>>(),
            [
                "https://id.example.com/tenant/1/.well-known/openid-configuration",
                "https://id.example.com/.well-known/oauth-authorization-server/tenant/1",
            ]
        );
    }
}
