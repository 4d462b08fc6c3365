//! Managing client apps through a provider's API, behind one small trait: RFC 7591/7592
//! dynamic client registration, or a REST "OAuth apps" API (`{base}/v1/oauthApps`).
//!
//! A secret in a provider's answer is handed back only from `create` (where the provider shows
//! it once and the caller stores it in the keychain); anything else that carries one (a REST
//! API that repeats it on GET) has it dropped here, unread.

use super::net_error;
use crate::error::{Error, Result};
use crate::http::{HttpClient, Response, host_of};
use crate::model::{RemoteApp, RemoteFields, Secret};
use serde::Deserialize;
use serde_json::{Value, json};

/// An app as a connector returned it (not yet matched with a local app).
pub type Remote = RemoteApp;

/// What `create` returns beside the app: what the provider shows once.
#[derive(Debug)]
pub struct Created {
    pub remote: Remote,
    pub client_secret: Option<Secret>,
    /// RFC 7592's registration access token (to read, update and delete the client later).
    pub registration_token: Option<Secret>,
}

/// The operations Authdeck needs from a provider's app management. (The futures are `Send`:
/// the desktop app runs them on a multi-threaded runtime.)
pub trait AppRegistry {
    /// Every app the API lists.
    fn list(&self) -> impl Future<Output = Result<Vec<Remote>>> + Send;
    /// One app.
    fn get(&self, remote_id: &str) -> impl Future<Output = Result<Remote>> + Send;
    /// Creates an app; the answer's secret comes back once.
    fn create(&self, fields: &RemoteFields) -> impl Future<Output = Result<Created>> + Send;
    /// Replaces the app's fields.
    fn update(
        &self,
        remote_id: &str,
        fields: &RemoteFields,
    ) -> impl Future<Output = Result<Remote>> + Send;
    /// Deletes the app at the provider.
    fn delete(&self, remote_id: &str) -> impl Future<Output = Result<()>> + Send;
}

/// Turns an HTTP failure of the management API into words.
fn api_error(response: &Response, what: &str, url: &str) -> Error {
    let host = url::Url::parse(url).map_or_else(|_| url.to_owned(), |u| host_of(&u));
    let said = serde_json::from_slice::<Value>(&response.body)
        .ok()
        .and_then(|body| {
            // {"error": {"message"}} (Google-style), {"error", "error_description"} (RFC 7591)
            body["error"]["message"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| {
                    let code = body["error"].as_str()?;
                    Some(match body["error_description"].as_str() {
                        Some(description) => format!("{code}: {description}"),
                        None => code.to_owned(),
                    })
                })
        });
    let quoted = said
        .map(|text| format!(" ({})", super::clip(&text, 300)))
        .unwrap_or_default();
    let status = response.status;
    let message = match status {
        401 => format!(
            "{host} refused {what}: the credentials were not accepted (HTTP 401){quoted}. Check \
             the app the connector authenticates with, and that its token is valid."
        ),
        403 => format!(
            "{host} refused {what}: the connector's app may not manage apps (HTTP 403){quoted}. \
             Give it that permission at the provider, or choose another app."
        ),
        404 => {
            return Error::NotFound(format!(
                "{host} does not know that app (HTTP 404){quoted}: it may have been deleted at \
                 the provider."
            ));
        }
        409 => {
            return Error::Conflict {
                field: "display_name".into(),
                message: format!(
                    "{host} refused {what}: it clashes with an existing app (HTTP 409){quoted}."
                ),
            };
        }
        500..=599 => {
            return Error::BadResponse(format!(
                "{host} failed with a server error (HTTP {status}) during {what}{quoted}. \
                 Nothing was changed here; try again later."
            ));
        }
        _ => format!("{host} refused {what} (HTTP {status}){quoted}."),
    };
    Error::Provider {
        status,
        error: format!("http_{status}"),
        description: None,
        message,
    }
}

/// A 2xx answer with no body Authdeck needs, or the refusal in words.
fn done(response: &Response, what: &str, url: &str) -> Result<()> {
    if (200..300).contains(&response.status) {
        Ok(())
    } else {
        Err(api_error(response, what, url))
    }
}

pub(crate) fn body_of<T: for<'de> Deserialize<'de>>(
    response: &Response,
    what: &str,
    url: &str,
) -> Result<T> {
    if !(200..300).contains(&response.status) {
        return Err(api_error(response, what, url));
    }
    super::parse_json(&response.body).map_err(|problem| {
        let host = url::Url::parse(url).map_or_else(|_| url.to_owned(), |u| host_of(&u));
        Error::BadResponse(format!(
            "{host} answered {what} with something that is not the expected JSON ({problem}); \
             nothing was changed here."
        ))
    })
}

fn request(
    method: http::Method,
    url: &str,
    bearer: Option<&Secret>,
    body: Option<&Value>,
) -> Result<http::Request<Vec<u8>>> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(url)
        .header(http::header::ACCEPT, "application/json");
    if let Some(token) = bearer {
        builder = builder.header(
            http::header::AUTHORIZATION,
            format!("Bearer {}", token.expose()),
        );
    }
    if body.is_some() {
        builder = builder.header(http::header::CONTENT_TYPE, "application/json");
    }
    builder
        .body(body.map(|b| b.to_string().into_bytes()).unwrap_or_default())
        .map_err(|e| Error::NotConfigured(format!("The URL “{url}” is not valid ({e}).")))
}

async fn send(
    http: &HttpClient,
    method: http::Method,
    url: &str,
    bearer: Option<&Secret>,
    body: Option<&Value>,
) -> Result<Response> {
    http.send(request(method, url, bearer, body)?)
        .await
        .map_err(net_error)
}

/// A REST "OAuth apps" API, authenticated with a Bearer token.
pub struct OauthAppsApi<'a> {
    pub http: &'a HttpClient,
    /// `https://api.example.com` (the API's base, `/v1/oauthApps` is added).
    pub base_url: &'a str,
    pub token: Secret,
}

/// One app as the REST API writes it; `clientSecret` is read only where it is shown once.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OauthApp {
    name: String,
    client_id: String,
    client_secret: Option<String>,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    description: String,
    logo_uri: Option<String>,
    #[serde(default)]
    allowed_callback_urls: Vec<String>,
    #[serde(default)]
    allowed_logout_urls: Vec<String>,
    #[serde(default)]
    allowed_web_origins: Vec<String>,
    #[serde(default)]
    labels: serde_json::Map<String, Value>,
    created_by: Option<String>,
    updated_by: Option<String>,
    create_time: Option<String>,
    update_time: Option<String>,
}

impl std::fmt::Debug for OauthApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OauthApp")
            .field("name", &self.name)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

impl OauthApp {
    pub(crate) fn into_remote(self) -> (Remote, Option<Secret>) {
        let labels = self
            .labels
            .into_iter()
            .map(|(key, value)| match value.as_str() {
                Some("") => key,
                Some(text) => format!("{key}={text}"),
                None => format!("{key}={value}"),
            })
            .collect();
        (
            Remote {
                remote_id: self.name,
                client_id: self.client_id,
                fields: RemoteFields {
                    display_name: self.display_name,
                    description: self.description,
                    logo_uri: self.logo_uri.filter(|uri| !uri.is_empty()),
                    redirect_uris: self.allowed_callback_urls,
                    logout_urls: self.allowed_logout_urls,
                    web_origins: self.allowed_web_origins,
                    labels,
                },
                created_by: self.created_by,
                updated_by: self.updated_by,
                create_time: self.create_time,
                update_time: self.update_time,
                local_app_id: None,
            },
            self.client_secret.map(Secret::new),
        )
    }
}

/// The REST body of an app's fields (labels `key=value` become a map).
fn oauth_app_body(fields: &RemoteFields) -> Value {
    let labels: serde_json::Map<String, Value> = fields
        .labels
        .iter()
        .map(|label| match label.split_once('=') {
            Some((key, value)) => (key.to_owned(), Value::String(value.to_owned())),
            None => (label.clone(), Value::String(String::new())),
        })
        .collect();
    json!({
        "displayName": fields.display_name,
        "description": fields.description,
        "logoUri": fields.logo_uri.clone().unwrap_or_default(),
        "allowedCallbackUrls": fields.redirect_uris,
        "allowedLogoutUrls": fields.logout_urls,
        "allowedWebOrigins": fields.web_origins,
        "labels": labels,
    })
}

impl OauthAppsApi<'_> {
    fn collection(&self) -> String {
        format!("{}/v1/oauthApps", self.base_url.trim_end_matches('/'))
    }

    /// `oauthApps/{id}` → `{base}/v1/oauthApps/{id}`.
    fn item(&self, remote_id: &str) -> Result<String> {
        let id = remote_id.strip_prefix("oauthApps/").unwrap_or(remote_id);
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        {
            return Err(Error::invalid(
                "remote_id",
                format!("“{remote_id}” is not an OAuth app name (oauthApps/ID)."),
            ));
        }
        Ok(format!("{}/{id}", self.collection()))
    }
}

impl AppRegistry for OauthAppsApi<'_> {
    async fn list(&self) -> Result<Vec<Remote>> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Page {
            #[serde(default)]
            oauth_apps: Vec<OauthApp>,
        }
        let url = self.collection();
        let response = send(self.http, http::Method::GET, &url, Some(&self.token), None).await?;
        let page: Page = body_of(&response, "the list of apps", &url)?;
        Ok(page
            .oauth_apps
            .into_iter()
            .map(|app| app.into_remote().0)
            .collect())
    }

    async fn get(&self, remote_id: &str) -> Result<Remote> {
        let url = self.item(remote_id)?;
        let response = send(self.http, http::Method::GET, &url, Some(&self.token), None).await?;
        let app: OauthApp = body_of(&response, "reading the app", &url)?;
        Ok(app.into_remote().0)
    }

    async fn create(&self, fields: &RemoteFields) -> Result<Created> {
        let url = self.collection();
        let body = oauth_app_body(fields);
        let response = send(
            self.http,
            http::Method::POST,
            &url,
            Some(&self.token),
            Some(&body),
        )
        .await?;
        let app: OauthApp = body_of(&response, "creating the app", &url)?;
        let (remote, client_secret) = app.into_remote();
        Ok(Created {
            remote,
            client_secret,
            registration_token: None,
        })
    }

    async fn update(&self, remote_id: &str, fields: &RemoteFields) -> Result<Remote> {
        let url = self.item(remote_id)?;
        let body = oauth_app_body(fields);
        let response = send(
            self.http,
            http::Method::PATCH,
            &url,
            Some(&self.token),
            Some(&body),
        )
        .await?;
        let app: OauthApp = body_of(&response, "updating the app", &url)?;
        Ok(app.into_remote().0)
    }

    async fn delete(&self, remote_id: &str) -> Result<()> {
        let url = self.item(remote_id)?;
        let response = send(
            self.http,
            http::Method::DELETE,
            &url,
            Some(&self.token),
            None,
        )
        .await?;
        done(&response, "deleting the app", &url)
    }
}

/// RFC 7591 registration and RFC 7592 management of one client.
pub struct Registration<'a> {
    pub http: &'a HttpClient,
    /// The registration endpoint.
    pub endpoint: &'a str,
    /// An initial access token, when the provider wants one.
    pub initial_token: Option<Secret>,
    /// The client's registration access token (read, update, delete).
    pub registration_token: Option<Secret>,
}

#[derive(Deserialize)]
pub(crate) struct ClientMetadata {
    client_id: String,
    client_secret: Option<String>,
    registration_access_token: Option<String>,
    registration_client_uri: Option<String>,
    #[serde(default)]
    client_name: String,
    logo_uri: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
    client_id_issued_at: Option<i64>,
}

/// Refuses an RFC 7592 client URI on another origin than the registration endpoint: the
/// registration access token is sent to it, and goes only where the client was registered.
fn check_client_uri(endpoint: &str, uri: &str) -> Result<()> {
    let origin = |url: &str| url::Url::parse(url).ok().map(|url| url.origin());
    match (origin(endpoint), origin(uri)) {
        (Some(registered_at), Some(managed_at))
            if registered_at.is_tuple() && registered_at == managed_at =>
        {
            Ok(())
        }
        _ => Err(Error::BadResponse(format!(
            "The client's management address “{uri}” is not on the server of the registration \
             endpoint ({}); its registration access token goes nowhere else, so nothing was \
             sent there.",
            url::Url::parse(endpoint).map_or_else(|_| endpoint.to_owned(), |u| host_of(&u))
        ))),
    }
}

impl ClientMetadata {
    /// The client as created or read at `endpoint`; `known_uri` is where it was read.
    pub(crate) fn into_created(self, endpoint: &str, known_uri: Option<&str>) -> Result<Created> {
        let remote_id = self
            .registration_client_uri
            .clone()
            .or_else(|| known_uri.map(str::to_owned))
            .ok_or_else(|| {
                Error::BadResponse(
                    "The registration answer has no registration_client_uri, so the client \
                     could not be managed later."
                        .into(),
                )
            })?;
        check_client_uri(endpoint, &remote_id).map_err(|refused| {
            if known_uri.is_some() {
                return refused;
            }
            Error::BadResponse(format!(
                "{refused} The client “{}” was registered at the provider but not kept here: \
                 delete it at the provider.",
                self.client_id
            ))
        })?;
        let create_time = self.client_id_issued_at.and_then(|at| {
            time::OffsetDateTime::from_unix_timestamp(at)
                .ok()?
                .format(&time::format_description::well_known::Rfc3339)
                .ok()
        });
        Ok(Created {
            remote: Remote {
                remote_id,
                client_id: self.client_id,
                fields: RemoteFields {
                    display_name: self.client_name,
                    logo_uri: self.logo_uri,
                    redirect_uris: self.redirect_uris,
                    logout_urls: self.post_logout_redirect_uris,
                    ..RemoteFields::default()
                },
                created_by: None,
                updated_by: None,
                create_time,
                update_time: None,
                local_app_id: None,
            },
            client_secret: self.client_secret.map(Secret::new),
            registration_token: self.registration_access_token.map(Secret::new),
        })
    }
}

fn registration_body(fields: &RemoteFields, client_id: Option<&str>) -> Value {
    let mut body = json!({
        "client_name": fields.display_name,
        "redirect_uris": fields.redirect_uris,
        "post_logout_redirect_uris": fields.logout_urls,
        "grant_types": if fields.redirect_uris.is_empty() {
            json!(["client_credentials"])
        } else {
            json!(["client_credentials", "authorization_code", "refresh_token"])
        },
        "response_types": if fields.redirect_uris.is_empty() { json!([]) } else { json!(["code"]) },
        "token_endpoint_auth_method": "client_secret_basic",
    });
    if let Some(uri) = &fields.logo_uri {
        body["logo_uri"] = json!(uri);
    }
    if let Some(id) = client_id {
        body["client_id"] = json!(id);
    }
    body
}

impl Registration<'_> {
    /// The registration access token, for a client URI on the registration endpoint's origin.
    fn managed(&self, remote_id: &str) -> Result<&Secret> {
        check_client_uri(self.endpoint, remote_id)?;
        self.registration_token.as_ref().ok_or_else(|| {
            Error::NotConfigured(
                "Authdeck holds no registration access token for this client, so it cannot \
                 manage it at the provider."
                    .into(),
            )
        })
    }
}

impl AppRegistry for Registration<'_> {
    async fn list(&self) -> Result<Vec<Remote>> {
        Err(Error::NotConfigured(
            "Dynamic client registration (RFC 7591) has no way to list clients: only the apps \
             created through Authdeck are known."
                .into(),
        ))
    }

    async fn get(&self, remote_id: &str) -> Result<Remote> {
        let token = self.managed(remote_id)?;
        let response = send(self.http, http::Method::GET, remote_id, Some(token), None).await?;
        let client: ClientMetadata = body_of(&response, "reading the client", remote_id)?;
        Ok(client.into_created(self.endpoint, Some(remote_id))?.remote)
    }

    async fn create(&self, fields: &RemoteFields) -> Result<Created> {
        let body = registration_body(fields, None);
        let response = send(
            self.http,
            http::Method::POST,
            self.endpoint,
            self.initial_token.as_ref(),
            Some(&body),
        )
        .await?;
        let client: ClientMetadata = body_of(&response, "registering the client", self.endpoint)?;
        client.into_created(self.endpoint, None)
    }

    async fn update(&self, remote_id: &str, fields: &RemoteFields) -> Result<Remote> {
        let token = self.managed(remote_id)?;
        // RFC 7592 §2.2: the whole metadata, with the client's own ID.
        let current = self.get(remote_id).await?;
        let body = registration_body(fields, Some(&current.client_id));
        let response = send(
            self.http,
            http::Method::PUT,
            remote_id,
            Some(token),
            Some(&body),
        )
        .await?;
        let client: ClientMetadata = body_of(&response, "updating the client", remote_id)?;
        Ok(client.into_created(self.endpoint, Some(remote_id))?.remote)
    }

    async fn delete(&self, remote_id: &str) -> Result<()> {
        let token = self.managed(remote_id)?;
        let response = send(
            self.http,
            http::Method::DELETE,
            remote_id,
            Some(token),
            None,
        )
        .await?;
        done(&response, "deleting the client", remote_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::http::HttpLimits;
    use crate::test_server::{Reply, TestServer};

    #[tokio::test]
    async fn a_client_uri_on_another_origin_is_refused_and_receives_nothing() {
        let elsewhere =
            TestServer::start(|_| Reply::Answer(200, "application/json", "{}".into())).await;
        let client_uri = format!("{}/register/c1", elsewhere.url);
        let answer = json!({
            "client_id": "c1",
            "client_secret": "client-secret",
            "registration_access_token": "registration-token",
            "registration_client_uri": client_uri,
        })
        .to_string();
        let provider =
            TestServer::start(move |_| Reply::Answer(201, "application/json", answer.clone()))
                .await;
        let http = HttpClient::new(HttpLimits::default()).unwrap();
        let endpoint = format!("{}/register", provider.url);
        let registry = Registration {
            http: &http,
            endpoint: &endpoint,
            initial_token: None,
            registration_token: Some(Secret::new("registration-token")),
        };

        let refused = registry.create(&RemoteFields::default()).await.unwrap_err();
        assert_eq!(refused.code(), ErrorCode::BadResponse, "{refused}");
        assert!(
            refused.to_string().contains("nothing was sent there"),
            "{refused}"
        );
        assert!(
            refused.to_string().contains("delete it at the provider"),
            "{refused}"
        );
        let fields = RemoteFields::default();
        let managing = [
            registry.get(&client_uri).await.map(|_| ()),
            registry.update(&client_uri, &fields).await.map(|_| ()),
            registry.delete(&client_uri).await,
        ];
        for outcome in managing {
            let refused = outcome.unwrap_err();
            assert_eq!(refused.code(), ErrorCode::BadResponse, "{refused}");
        }
        assert_eq!(
            elsewhere.seen().len(),
            0,
            "the other origin received nothing"
        );
        let asked: Vec<String> = provider.seen().into_iter().map(|r| r.path).collect();
        assert_eq!(
            asked,
            ["/register"],
            "only the registration itself was sent"
        );
    }

    fn answer(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: http::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            elapsed: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn each_refusal_of_the_management_api_is_typed_and_said_in_words() {
        let url = "https://api.example.com/v1/oauthApps";
        let google = |code: u16, message: &str| {
            format!(r#"{{"error":{{"code":{code},"message":"{message}"}}}}"#)
        };
        let cases = [
            (
                401,
                google(401, "bad token"),
                ErrorCode::Provider,
                "credentials were not accepted (HTTP 401) (bad token)",
            ),
            (
                403,
                google(403, "no"),
                ErrorCode::Provider,
                "may not manage apps (HTTP 403) (no)",
            ),
            (
                404,
                google(404, "gone"),
                ErrorCode::NotFound,
                "does not know that app (HTTP 404) (gone)",
            ),
            (
                409,
                google(409, "exists"),
                ErrorCode::Conflict,
                "clashes with an existing app (HTTP 409) (exists)",
            ),
            (
                502,
                "<html>bad gateway</html>".to_owned(),
                ErrorCode::BadResponse,
                "server error (HTTP 502)",
            ),
            (
                400,
                r#"{"error":"invalid_redirect_uri","error_description":"must be https"}"#
                    .to_owned(),
                ErrorCode::Provider,
                "(HTTP 400) (invalid_redirect_uri: must be https)",
            ),
        ];
        for (status, body, code, words) in cases {
            let error = api_error(&answer(status, &body), "creating the app", url);
            assert_eq!(error.code(), code, "{status}");
            assert!(error.to_string().contains(words), "{status}: {error}");
            assert!(error.to_string().starts_with("api.example.com"), "{error}");
        }
    }

    #[test]
    fn a_rest_app_s_secret_is_read_only_where_it_is_shown_and_never_in_debug() {
        let app: OauthApp = serde_json::from_str(
            r#"{"name":"oauthApps/a1","clientId":"c","clientSecret":"s3cr3t","labels":{"team":"x","flag":""}}"#,
        )
        .unwrap();
        assert!(!format!("{app:?}").contains("s3cr3t"));
        let (remote, secret) = app.into_remote();
        assert_eq!(secret.unwrap().expose(), "s3cr3t");
        assert_eq!(remote.fields.labels, ["flag", "team=x"]);
        let body = oauth_app_body(&remote.fields);
        assert_eq!(body["labels"], serde_json::json!({"flag": "", "team": "x"}));
    }
}
