//! Provider profiles: small declarative descriptions of where a provider departs from the
//! standards Authdeck follows — its endpoint templates, where the audience and scopes of a
//! client-credentials request go, which answers are OAuth in spirit but not in shape. An
//! environment names its profile; the flows ask the profile's [`Rules`] at each such point,
//! and nowhere else knows a provider by name.

pub(crate) mod answers;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::model::{AuthMethod, Endpoints, ProfileDescription, ProfileParameter, ProviderProfile};

/// How a client-credentials request is shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientCredentialsRule {
    /// Scopes, `audience` and `resource` as the app holds them.
    Standard,
    /// Microsoft's v2 endpoint: one scope `<resource>/.default`, no `resource` parameter.
    DefaultScopeOfResource,
    /// Auth0: the token is for one API, named by `audience`.
    NeedsAudience,
    /// Okta's custom authorization servers: at least one (custom) scope.
    NeedsScope,
    /// The provider has no such grant; the text says what it offers instead.
    NotOffered(&'static str),
}

/// How the provider's token-endpoint answers are shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnswerShape {
    /// RFC 6749 §5: JSON; errors with HTTP 400 or 401.
    Standard,
    /// GitHub: a form-encoded body unless asked for JSON, and errors with HTTP 200.
    Github,
    /// Slack: errors as HTTP 200 with `ok: false`; token types `bot` and `user`; a user's
    /// token under `authed_user`.
    Slack,
    /// Google: token info gives numbers as strings of digits.
    Google,
}

/// How the provider's token-info endpoint takes the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenInfoRule {
    /// `GET` with the token as a Bearer credential (Doorkeeper, Proof, Slack's auth.test).
    Bearer,
    /// `POST` with the token as the form field `access_token` (Google's tokeninfo), never in
    /// the query string, where proxies and logs would keep it.
    FormField,
}

/// Where a provider departs from the standards, declared once per profile.
#[derive(Debug)]
pub(crate) struct Rules {
    pub profile: ProviderProfile,
    /// The stored and exported spelling.
    pub key: &'static str,
    pub name: &'static str,
    /// `(key, label, example, default)` of each value the templates need.
    pub parameters: &'static [(
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    )],
    pub templates: Templates,
    pub discovery: bool,
    pub auth_method: AuthMethod,
    pub client_credentials: ClientCredentialsRule,
    pub answers: AnswerShape,
    pub token_info: TokenInfoRule,
    /// Introspection is answered only for a client that authenticates with its own secret.
    pub introspection_needs_secret: bool,
    /// Extra parameters of the authorization request.
    pub authorize_params: &'static [(&'static str, &'static str)],
    /// Whether the token answer's `instance_url` is the API base of that token.
    pub instance_url: bool,
    pub quirks: &'static [&'static str],
}

/// Endpoint templates; `{key}` stands for a parameter's value.
#[derive(Debug, Default)]
pub(crate) struct Templates {
    pub issuer: Option<&'static str>,
    pub authorization: Option<&'static str>,
    pub token: Option<&'static str>,
    pub token_info: Option<&'static str>,
    pub introspection: Option<&'static str>,
    pub revocation: Option<&'static str>,
    pub api_base: Option<&'static str>,
    pub device: Option<&'static str>,
}

const NONE: Templates = Templates {
    issuer: None,
    authorization: None,
    token: None,
    token_info: None,
    introspection: None,
    revocation: None,
    api_base: None,
    device: None,
};

const STANDARD: Rules = Rules {
    profile: ProviderProfile::Standard,
    key: "standard",
    name: "Standard (RFC 6749, RFC 8414, OpenID Connect)",
    parameters: &[],
    templates: NONE,
    discovery: true,
    auth_method: AuthMethod::ClientSecretBasic,
    client_credentials: ClientCredentialsRule::Standard,
    answers: AnswerShape::Standard,
    token_info: TokenInfoRule::Bearer,
    introspection_needs_secret: false,
    authorize_params: &[],
    instance_url: false,
    quirks: &[],
};

const ENTRA: Rules = Rules {
    profile: ProviderProfile::Entra,
    key: "entra",
    name: "Microsoft Entra ID",
    parameters: &[(
        "tenant",
        "Tenant ID or domain",
        "contoso.onmicrosoft.com",
        None,
    )],
    templates: Templates {
        issuer: Some("https://login.microsoftonline.com/{tenant}/v2.0"),
        authorization: Some("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize"),
        token: Some("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"),
        device: Some("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode"),
        api_base: Some("https://graph.microsoft.com"),
        ..NONE
    },
    client_credentials: ClientCredentialsRule::DefaultScopeOfResource,
    quirks: &[
        "A client-credentials token is asked for with the one scope “<resource>/.default” \
         (the app's resource, else its audience: https://graph.microsoft.com/.default for \
         Microsoft Graph); the v2 endpoint refuses the resource parameter, so it is not sent.",
        "The tenant goes in every URL; the multi-tenant names (common, organizations, \
         consumers) publish the issuer “…/{tenantid}/v2.0”, which matches no tenant, so use \
         your tenant's ID or domain.",
        "Entra has no introspection or revocation endpoint: its access tokens are JWTs read \
         by the API.",
    ],
    ..STANDARD
};

const AUTH0: Rules = Rules {
    profile: ProviderProfile::Auth0,
    key: "auth0",
    name: "Auth0",
    parameters: &[("domain", "Tenant domain", "dev-abc123.us.auth0.com", None)],
    templates: Templates {
        issuer: Some("https://{domain}/"),
        authorization: Some("https://{domain}/authorize"),
        token: Some("https://{domain}/oauth/token"),
        revocation: Some("https://{domain}/oauth/revoke"),
        device: Some("https://{domain}/oauth/device/code"),
        ..NONE
    },
    auth_method: AuthMethod::ClientSecretPost,
    client_credentials: ClientCredentialsRule::NeedsAudience,
    quirks: &[
        "A client-credentials token is for one API: the request carries audience (the API's \
         identifier), so the app needs one.",
        "The issuer ends with a slash (https://{domain}/), and the ID token's iss with it.",
        "Refresh tokens come only with the offline_access scope on an API that allows offline \
         access; Auth0 offers no introspection.",
    ],
    ..STANDARD
};

const OKTA: Rules = Rules {
    profile: ProviderProfile::Okta,
    key: "okta",
    name: "Okta",
    parameters: &[
        ("domain", "Okta domain", "dev-123456.okta.com", None),
        (
            "server",
            "Authorization server ID",
            "aus1a2b3c4d5e6f7g8h9",
            Some("default"),
        ),
    ],
    templates: Templates {
        issuer: Some("https://{domain}/oauth2/{server}"),
        authorization: Some("https://{domain}/oauth2/{server}/v1/authorize"),
        token: Some("https://{domain}/oauth2/{server}/v1/token"),
        introspection: Some("https://{domain}/oauth2/{server}/v1/introspect"),
        revocation: Some("https://{domain}/oauth2/{server}/v1/revoke"),
        device: Some("https://{domain}/oauth2/{server}/v1/device/authorize"),
        ..NONE
    },
    client_credentials: ClientCredentialsRule::NeedsScope,
    quirks: &[
        "Custom authorization servers live under /oauth2/<server ID>/ and their endpoints \
         under /v1/; their metadata is the RFC 8414 document, which discovery reads.",
        "A client-credentials token needs at least one custom scope of that authorization \
         server (the org server under /oauth2/v1 gives none).",
    ],
    ..STANDARD
};

const GOOGLE: Rules = Rules {
    profile: ProviderProfile::Google,
    key: "google",
    name: "Google",
    parameters: &[],
    templates: Templates {
        issuer: Some("https://accounts.google.com"),
        authorization: Some("https://accounts.google.com/o/oauth2/v2/auth"),
        token: Some("https://oauth2.googleapis.com/token"),
        token_info: Some("https://oauth2.googleapis.com/tokeninfo"),
        revocation: Some("https://oauth2.googleapis.com/revoke"),
        device: Some("https://oauth2.googleapis.com/device/code"),
        api_base: Some("https://www.googleapis.com"),
        ..NONE
    },
    auth_method: AuthMethod::ClientSecretPost,
    client_credentials: ClientCredentialsRule::NotOffered(
        "Google's OAuth clients have no client-credentials grant; server-to-server access \
         uses a service account. Sign in with the browser or on another device instead.",
    ),
    answers: AnswerShape::Google,
    token_info: TokenInfoRule::FormField,
    authorize_params: &[("access_type", "offline")],
    quirks: &[
        "The device endpoint is a separate host (oauth2.googleapis.com/device/code), and its \
         answer names the page verification_url, not verification_uri.",
        "Token info gives exp and expires_in as strings of digits; Authdeck reads them as \
         numbers.",
        "A refresh token comes only with access_type=offline, which Authdeck adds to the \
         sign-in; an ID token only when openid is among the scopes.",
        "Token info takes the token as a form field (never in the URL).",
    ],
    ..STANDARD
};

const KEYCLOAK: Rules = Rules {
    profile: ProviderProfile::Keycloak,
    key: "keycloak",
    name: "Keycloak",
    parameters: &[
        (
            "server",
            "Server address",
            "https://keycloak.example.com",
            None,
        ),
        ("realm", "Realm", "acme", None),
    ],
    templates: Templates {
        issuer: Some("{server}/realms/{realm}"),
        authorization: Some("{server}/realms/{realm}/protocol/openid-connect/auth"),
        token: Some("{server}/realms/{realm}/protocol/openid-connect/token"),
        introspection: Some("{server}/realms/{realm}/protocol/openid-connect/token/introspect"),
        revocation: Some("{server}/realms/{realm}/protocol/openid-connect/revoke"),
        device: Some("{server}/realms/{realm}/protocol/openid-connect/auth/device"),
        ..NONE
    },
    introspection_needs_secret: true,
    quirks: &[
        "Every endpoint is under the realm's path, /realms/<realm>/protocol/openid-connect/.",
        "Introspection answers only a confidential client authenticating with its own \
         secret; a public app cannot ask it.",
        "refresh_expires_in is 0 for offline tokens, which means they do not expire.",
    ],
    ..STANDARD
};

const GITHUB: Rules = Rules {
    profile: ProviderProfile::Github,
    key: "github",
    name: "GitHub",
    parameters: &[],
    templates: Templates {
        authorization: Some("https://github.com/login/oauth/authorize"),
        token: Some("https://github.com/login/oauth/access_token"),
        device: Some("https://github.com/login/device/code"),
        api_base: Some("https://api.github.com"),
        ..NONE
    },
    discovery: false,
    auth_method: AuthMethod::ClientSecretPost,
    client_credentials: ClientCredentialsRule::NotOffered(
        "GitHub has no client-credentials grant: OAuth apps and GitHub Apps get tokens by \
         signing in with the browser or on another device.",
    ),
    answers: AnswerShape::Github,
    quirks: &[
        "Token answers are form-encoded unless the request asks for JSON (Authdeck always \
         does), and a refusal comes with HTTP 200 and an error field.",
        "Classic OAuth apps' tokens never expire and come without a refresh token; GitHub \
         Apps' expire after 8 hours, with a refresh token that lives 6 months.",
        "No discovery document, introspection or RFC 7009 revocation: GitHub checks and \
         revokes tokens through its REST API with the app's credentials.",
    ],
    ..STANDARD
};

const SALESFORCE: Rules = Rules {
    profile: ProviderProfile::Salesforce,
    key: "salesforce",
    name: "Salesforce",
    parameters: &[(
        "host",
        "Login host (My Domain for client credentials)",
        "acme.my.salesforce.com",
        Some("login.salesforce.com"),
    )],
    templates: Templates {
        issuer: Some("https://{host}"),
        authorization: Some("https://{host}/services/oauth2/authorize"),
        token: Some("https://{host}/services/oauth2/token"),
        introspection: Some("https://{host}/services/oauth2/introspect"),
        revocation: Some("https://{host}/services/oauth2/revoke"),
        ..NONE
    },
    instance_url: true,
    quirks: &[
        "Token answers carry no expires_in: the org's session timeout decides, so Authdeck \
         shows the lifetime as unknown and asks introspection for the truth.",
        "Each token answer names its instance_url: the API base for that token, shown in the \
         token panel and used by “Try it”.",
        "issued_at is in milliseconds; sandboxes sign in at test.salesforce.com, and client \
         credentials need the org's My Domain host.",
    ],
    ..STANDARD
};

const SLACK: Rules = Rules {
    profile: ProviderProfile::Slack,
    key: "slack",
    name: "Slack",
    parameters: &[],
    templates: Templates {
        authorization: Some("https://slack.com/oauth/v2/authorize"),
        token: Some("https://slack.com/api/oauth.v2.access"),
        token_info: Some("https://slack.com/api/auth.test"),
        api_base: Some("https://slack.com/api"),
        ..NONE
    },
    discovery: false,
    auth_method: AuthMethod::ClientSecretPost,
    client_credentials: ClientCredentialsRule::NotOffered(
        "Slack has no client-credentials grant: apps get tokens by being installed (signing \
         in with the browser).",
    ),
    answers: AnswerShape::Slack,
    quirks: &[
        "Every answer has HTTP 200; a refusal says ok: false and names the error.",
        "Token types are bot and user (both used as Bearer); when the sign-in asked only for \
         user scopes, the token is under authed_user and Authdeck takes it from there.",
    ],
    ..STANDARD
};

const PROOF: Rules = Rules {
    profile: ProviderProfile::Proof,
    key: "proof",
    name: "Proof",
    parameters: &[(
        "host",
        "API host (api.fairfax.proof.com for the sandbox)",
        "api.fairfax.proof.com",
        Some("api.proof.com"),
    )],
    templates: Templates {
        token: Some("https://{host}/oauth/v2/token"),
        token_info: Some("https://{host}/oauth/v2/token/info"),
        api_base: Some("https://{host}"),
        ..NONE
    },
    discovery: false,
    quirks: &[
        "Tokens live 2 hours; the answer's created_at, not the time it arrived, starts that.",
        "Token info (expiry, application, creation time) is at /oauth/v2/token/info.",
        "The token request must be a form body: without one the answer is HTTP 415.",
    ],
    ..STANDARD
};

const PROPPER: Rules = Rules {
    profile: ProviderProfile::Propper,
    key: "propper",
    name: "Propper",
    parameters: &[],
    templates: Templates {
        authorization: Some("https://auth.propper.ai/oauth2/authorize"),
        token: Some("https://auth.propper.ai/oauth2/token"),
        api_base: Some("https://api.propper.ai"),
        ..NONE
    },
    discovery: false,
    auth_method: AuthMethod::ClientSecretPost,
    quirks: &[
        "Client credentials go in the form body (client_secret_post), with scopes \
               such as sign:read sign:write.",
    ],
    ..STANDARD
};

/// Every profile, in the order the environment form offers them.
const ALL: &[Rules] = &[
    STANDARD, ENTRA, AUTH0, OKTA, GOOGLE, KEYCLOAK, GITHUB, SALESFORCE, SLACK, PROOF, PROPPER,
];

/// A profile's rules.
pub(crate) fn rules(profile: ProviderProfile) -> &'static Rules {
    ALL.iter()
        .find(|rules| rules.profile == profile)
        .unwrap_or(&ALL[0])
}

impl ProviderProfile {
    /// The stored and exported spelling.
    pub fn as_str(self) -> &'static str {
        rules(self).key
    }

    /// Parses the stored and exported spelling.
    pub fn parse(text: &str) -> Option<Self> {
        ALL.iter()
            .find(|rules| rules.key == text)
            .map(|rules| rules.profile)
    }

    /// The provider's name.
    pub fn name(self) -> &'static str {
        rules(self).name
    }
}

/// Every profile as the environment form shows it.
pub fn profiles() -> Vec<ProfileDescription> {
    ALL.iter().map(describe).collect()
}

fn describe(rules: &Rules) -> ProfileDescription {
    let t = &rules.templates;
    let owned = |template: Option<&str>| template.map(str::to_owned);
    ProfileDescription {
        profile: rules.profile,
        name: rules.name.to_owned(),
        parameters: rules
            .parameters
            .iter()
            .map(|(key, label, example, default)| ProfileParameter {
                key: (*key).to_owned(),
                label: (*label).to_owned(),
                example: (*example).to_owned(),
                default: default.map(str::to_owned),
            })
            .collect(),
        endpoints: Endpoints {
            issuer_url: owned(t.issuer),
            authorization_url: owned(t.authorization),
            token_url: owned(t.token),
            token_info_url: owned(t.token_info),
            introspection_url: owned(t.introspection),
            revocation_url: owned(t.revocation),
            api_base_url: owned(t.api_base),
            device_authorization_url: owned(t.device),
        },
        discovery: rules.discovery,
        auth_method: rules.auth_method,
        quirks: rules
            .quirks
            .iter()
            .map(|quirk| (*quirk).to_owned())
            .collect(),
    }
}

/// A form label inside a sentence: its first letter small ("Tenant ID" → "tenant ID").
pub fn in_a_sentence(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// The endpoints a profile's templates give with these parameter values (`key`, value); a
/// parameter left out takes its default, and one without a default is refused by name.
pub fn endpoints_of(profile: ProviderProfile, values: &[(String, String)]) -> Result<Endpoints> {
    let rules = rules(profile);
    let mut filled = Vec::new();
    for (key, label, example, default) in rules.parameters {
        let given = values
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty());
        let value = match (given, default) {
            (Some(value), _) => value,
            (None, Some(default)) => default,
            (None, None) => {
                return Err(Error::NotConfigured(format!(
                    "{} needs the {} ({key}), such as {example}.",
                    rules.name,
                    in_a_sentence(label)
                )));
            }
        };
        // A full address (Keycloak's server) is checked as a URL with the environment; a host
        // or name must not smuggle in a path, query or user.
        if !value.contains("://") && value.contains(['/', '?', '#', '@', ' ']) {
            return Err(Error::NotConfigured(format!(
                "“{value}” is not a {}: it would change the URL's path or host.",
                in_a_sentence(label)
            )));
        }
        filled.push((*key, value.trim_end_matches('/')));
    }
    if let Some((name, _)) = values
        .iter()
        .find(|(name, _)| !rules.parameters.iter().any(|(key, ..)| key == name))
    {
        return Err(Error::NotConfigured(format!(
            "{} takes no “{name}”; it takes {}.",
            rules.name,
            match rules.parameters {
                [] => "no values".to_owned(),
                parameters => parameters
                    .iter()
                    .map(|(key, ..)| *key)
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        )));
    }
    let fill = |template: Option<&str>| {
        template.map(|template| {
            filled
                .iter()
                .fold(template.to_owned(), |url, (key, value)| {
                    url.replace(&format!("{{{key}}}"), value)
                })
        })
    };
    let t = &rules.templates;
    Ok(Endpoints {
        issuer_url: fill(t.issuer),
        authorization_url: fill(t.authorization),
        token_url: fill(t.token),
        token_info_url: fill(t.token_info),
        introspection_url: fill(t.introspection),
        revocation_url: fill(t.revocation),
        api_base_url: fill(t.api_base),
        device_authorization_url: fill(t.device),
    })
}

/// A client-credentials request's parameters as the provider wants them.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ClientCredentialsShape<'a> {
    pub scopes: Vec<String>,
    pub audience: Option<&'a str>,
    pub resource: Option<&'a str>,
}

/// Shapes a client-credentials request by the profile's rule, or refuses it before anything is
/// sent, saying what the provider needs.
pub(crate) fn shape_client_credentials<'a>(
    profile: ProviderProfile,
    scopes: &[String],
    audience: Option<&'a str>,
    resource: Option<&'a str>,
) -> Result<ClientCredentialsShape<'a>> {
    let rules = rules(profile);
    let standard = ClientCredentialsShape {
        scopes: scopes.to_vec(),
        audience,
        resource,
    };
    match rules.client_credentials {
        ClientCredentialsRule::Standard => Ok(standard),
        ClientCredentialsRule::NotOffered(why) => Err(Error::NotConfigured(why.to_owned())),
        ClientCredentialsRule::NeedsAudience if audience.is_none() => {
            Err(Error::NotConfigured(format!(
                "{} gives a client-credentials token only for an API named by its audience; \
                 set the app's audience to the API's identifier.",
                rules.name
            )))
        }
        ClientCredentialsRule::NeedsScope if scopes.is_empty() => {
            Err(Error::NotConfigured(format!(
                "{} gives a client-credentials token only for at least one custom scope of the \
                 authorization server; add one to the app's default scopes.",
                rules.name
            )))
        }
        ClientCredentialsRule::NeedsAudience | ClientCredentialsRule::NeedsScope => Ok(standard),
        ClientCredentialsRule::DefaultScopeOfResource => {
            let defaults: Vec<String> = scopes
                .iter()
                .filter(|scope| scope.ends_with("/.default"))
                .cloned()
                .collect();
            let scopes = match (defaults.is_empty(), resource.or(audience)) {
                (false, _) => defaults,
                (true, Some(resource)) => {
                    vec![format!("{}/.default", resource.trim_end_matches('/'))]
                }
                (true, None) => {
                    return Err(Error::NotConfigured(format!(
                        "{} gives a client-credentials token only for one scope \
                         “<resource>/.default” (https://graph.microsoft.com/.default for \
                         Microsoft Graph); set the app's resource, or add such a scope.",
                        rules.name
                    )));
                }
            };
            Ok(ClientCredentialsShape {
                scopes,
                audience: None,
                resource: None,
            })
        }
    }
}
