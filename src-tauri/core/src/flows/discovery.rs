//! Authorization server metadata: OpenID Connect Discovery, then RFC 8414.

use super::net_error;
use crate::error::{Error, Result};
use crate::http::{HttpClient, host_of};
use crate::model::{Discovery, EndpointSource, Endpoints};
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
    /// RFC 9126 §5.
    pushed_authorization_request_endpoint: Option<String>,
    #[serde(default)]
    require_pushed_authorization_requests: bool,
    /// RFC 8705 §5; an alias that is not a string is left out.
    #[serde(default)]
    mtls_endpoint_aliases: std::collections::BTreeMap<String, serde_json::Value>,
    /// RFC 9449 §5.1.
    #[serde(default)]
    dpop_signing_alg_values_supported: Vec<String>,
}

/// Where an issuer publishes its metadata, in the order their endpoints are preferred: OpenID
/// Connect Discovery's document (`{issuer}/.well-known/openid-configuration`), RFC 8414 §3.1's
/// (`.well-known/oauth-authorization-server` inserted before the issuer's path) and the
/// issuer-suffixed form many providers serve instead (the same URL when the issuer has no
/// path). Many providers name some endpoints (introspection, revocation, device) only in the
/// RFC 8414 document, so every one is read.
fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let at = |well_known: String| {
        let mut url = issuer.clone();
        url.set_path(&well_known);
        url
    };
    let mut urls = vec![
        at(format!("{path}/.well-known/openid-configuration")),
        at(format!("/.well-known/oauth-authorization-server{path}")),
        at(format!("{path}/.well-known/oauth-authorization-server")),
    ];
    urls.dedup();
    urls
}

/// Reads the issuer's metadata documents and returns the endpoints they name, each from the
/// first document that names it. A document whose `issuer` is not exactly the one given is
/// refused, and so is the whole discovery (RFC 8414 §3.3: it may be an attack).
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
    let urls = metadata_urls(&issuer_url);
    let (first, second, third) = tokio::join!(
        fetch_document(http, urls.first()),
        fetch_document(http, urls.get(1)),
        fetch_document(http, urls.get(2))
    );
    let mut documents = Vec::new();
    let mut tried = Vec::new();
    let mut unreachable = None;
    for (url, answer) in urls
        .iter()
        .zip([first, second, third].into_iter().flatten())
    {
        match answer {
            Err(error) => {
                tried.push(format!("{url} ({error})"));
                unreachable.get_or_insert(error);
            }
            Ok(response) if response.status != 200 => {
                tried.push(format!("{url} (HTTP {})", response.status));
            }
            Ok(response) => match read_document(url, issuer, &response.body)? {
                Ok(metadata) => documents.push((url.clone(), metadata)),
                Err(problem) => tried.push(format!("{url} (not a metadata document: {problem})")),
            },
        }
    }
    if documents.is_empty() {
        if let Some(error) = unreachable {
            return Err(net_error(error));
        }
        return Err(Error::NotFound(format!(
            "No authorization server metadata was found for {}. Tried {}. Enter the endpoints \
             by hand, or check the issuer URL.",
            host_of(&issuer_url),
            tried.join(", ")
        )));
    }
    Ok(merged(issuer, documents))
}

/// The answer at `url`, if there is one to ask.
async fn fetch_document(
    http: &HttpClient,
    url: Option<&Url>,
) -> Option<std::result::Result<crate::http::Response, crate::http::NetError>> {
    let url = url?;
    let request = http::Request::get(url.as_str())
        .header(http::header::ACCEPT, "application/json")
        .body(Vec::new())
        .map_err(|e| crate::http::NetError::Refused(format!("“{url}”: {e}")));
    Some(match request {
        Ok(request) => http.send(request).await,
        Err(error) => Err(error),
    })
}

/// What one metadata document at `url` says, as a discovery of its own; the problem when the
/// body is not a metadata document, refused when it names another issuer than `issuer`.
pub(crate) fn read_metadata(
    url: &Url,
    issuer: &str,
    body: &[u8],
) -> Result<std::result::Result<Discovery, String>> {
    Ok(read_document(url, issuer, body)?
        .map(|metadata| merged(issuer, vec![(url.clone(), metadata)])))
}

/// The metadata document at `url`; the problem when the body is not one, refused when it names
/// another issuer than `issuer`.
fn read_document(
    url: &Url,
    issuer: &str,
    body: &[u8],
) -> Result<std::result::Result<Metadata, String>> {
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
    Ok(Ok(metadata))
}

/// One discovery from the documents read, in order of preference: each endpoint and fact from
/// the first document that states it. `iss` is required when any document says the provider
/// sends it (the stricter reading).
fn merged(issuer: &str, documents: Vec<(Url, Metadata)>) -> Discovery {
    let mut sources = Vec::new();
    let mut endpoint = |field: &str, pick: fn(&Metadata) -> &Option<String>| {
        let (url, value) = documents
            .iter()
            .find_map(|(url, metadata)| pick(metadata).as_ref().map(|value| (url, value)))?;
        sources.push(EndpointSource {
            field: field.to_owned(),
            metadata_url: url.to_string(),
        });
        Some(value.clone())
    };
    let endpoints = Endpoints {
        issuer_url: Some(issuer.to_owned()),
        authorization_url: endpoint("authorization_url", |m| &m.authorization_endpoint),
        token_url: endpoint("token_url", |m| &m.token_endpoint),
        token_info_url: None,
        introspection_url: endpoint("introspection_url", |m| &m.introspection_endpoint),
        revocation_url: endpoint("revocation_url", |m| &m.revocation_endpoint),
        api_base_url: None,
        device_authorization_url: endpoint("device_authorization_url", |m| {
            &m.device_authorization_endpoint
        }),
    };
    let first_of = |pick: fn(&Metadata) -> &Option<String>| {
        documents
            .iter()
            .find_map(|(_, metadata)| pick(metadata).clone())
    };
    let first_list = |pick: fn(&Metadata) -> &Vec<String>| {
        documents
            .iter()
            .map(|(_, metadata)| pick(metadata))
            .find(|list| !list.is_empty())
            .cloned()
            .unwrap_or_default()
    };
    Discovery {
        metadata_urls: documents.iter().map(|(url, _)| url.to_string()).collect(),
        issuer: issuer.to_owned(),
        device_authorization_endpoint: endpoints.device_authorization_url.clone(),
        endpoints,
        sources,
        scopes_supported: first_list(|m| &m.scopes_supported),
        grant_types_supported: first_list(|m| &m.grant_types_supported),
        token_endpoint_auth_methods_supported: first_list(|m| {
            &m.token_endpoint_auth_methods_supported
        }),
        code_challenge_methods_supported: first_list(|m| &m.code_challenge_methods_supported),
        registration_endpoint: first_of(|m| &m.registration_endpoint),
        jwks_uri: first_of(|m| &m.jwks_uri),
        iss_parameter_supported: documents
            .iter()
            .any(|(_, metadata)| metadata.authorization_response_iss_parameter_supported),
        par_endpoint: first_of(|m| &m.pushed_authorization_request_endpoint),
        // the stricter reading, as for `iss`
        par_required: documents
            .iter()
            .any(|(_, metadata)| metadata.require_pushed_authorization_requests),
        mtls_endpoint_aliases: documents
            .iter()
            .map(|(_, metadata)| &metadata.mtls_endpoint_aliases)
            .find(|aliases| !aliases.is_empty())
            .map(|aliases| {
                aliases
                    .iter()
                    .filter_map(|(name, url)| Some((name.clone(), url.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default(),
        dpop_signing_alg_values_supported: first_list(|m| &m.dpop_signing_alg_values_supported),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_urls_follow_both_specs_and_the_suffixed_form() {
        let plain = metadata_urls(&Url::parse("https://id.example.com").unwrap());
        assert_eq!(
            plain.iter().map(Url::as_str).collect::<Vec<_>>(),
            [
                "https://id.example.com/.well-known/openid-configuration",
                "https://id.example.com/.well-known/oauth-authorization-server",
            ]
        );
        let tenant = metadata_urls(&Url::parse("https://id.example.com/tenant/1/").unwrap());
        assert_eq!(
            tenant.iter().map(Url::as_str).collect::<Vec<_>>(),
            [
                "https://id.example.com/tenant/1/.well-known/openid-configuration",
                "https://id.example.com/.well-known/oauth-authorization-server/tenant/1",
                "https://id.example.com/tenant/1/.well-known/oauth-authorization-server",
            ]
        );
    }

    fn document(json: serde_json::Value) -> Metadata {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn each_endpoint_comes_from_the_first_document_that_names_it() {
        let issuer = "https://id.example.com";
        let openid = Url::parse("https://id.example.com/.well-known/openid-configuration").unwrap();
        let oauth =
            Url::parse("https://id.example.com/.well-known/oauth-authorization-server").unwrap();
        let found = merged(
            issuer,
            vec![
                (
                    openid.clone(),
                    document(serde_json::json!({
                        "issuer": issuer,
                        "authorization_endpoint": "https://id.example.com/authorize",
                        "token_endpoint": "https://id.example.com/token",
                        "scopes_supported": ["openid"],
                    })),
                ),
                (
                    oauth.clone(),
                    document(serde_json::json!({
                        "issuer": issuer,
                        "token_endpoint": "https://id.example.com/other-token",
                        "introspection_endpoint": "https://id.example.com/introspect",
                        "revocation_endpoint": "https://id.example.com/revoke",
                        "device_authorization_endpoint": "https://id.example.com/device",
                        "scopes_supported": ["read"],
                        "grant_types_supported": ["client_credentials"],
                        "authorization_response_iss_parameter_supported": true,
                    })),
                ),
            ],
        );
        assert_eq!(found.metadata_urls, [openid.as_str(), oauth.as_str()]);
        assert_eq!(
            found.endpoints.token_url.as_deref(),
            Some("https://id.example.com/token")
        );
        assert_eq!(
            found.endpoints.introspection_url.as_deref(),
            Some("https://id.example.com/introspect")
        );
        let sources: Vec<(&str, &str)> = found
            .sources
            .iter()
            .map(|s| (s.field.as_str(), s.metadata_url.as_str()))
            .collect();
        assert_eq!(
            sources,
            [
                ("authorization_url", openid.as_str()),
                ("token_url", openid.as_str()),
                ("introspection_url", oauth.as_str()),
                ("revocation_url", oauth.as_str()),
                ("device_authorization_url", oauth.as_str()),
            ]
        );
        assert_eq!(found.scopes_supported, ["openid"]);
        assert_eq!(found.grant_types_supported, ["client_credentials"]);
        assert!(found.iss_parameter_supported, "the stricter reading");
        assert_eq!(
            found.device_authorization_endpoint.as_deref(),
            Some("https://id.example.com/device")
        );
    }
}
