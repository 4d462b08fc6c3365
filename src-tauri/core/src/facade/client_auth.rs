//! Whether the provider accepts an app's client authentication method, by its metadata.

use super::Core;
use crate::error::{Error, Result};
use crate::model::{AuthMethod, AuthMethodChoice, AuthMethodChoices, Environment, EnvironmentId};
use crate::store::settings::{self, KeptAliases};
use std::collections::BTreeMap;

/// How long aliases a discovery found are used before the issuer is asked again: an hour, so
/// a script's every run does not ask, and a provider that moves its aliases is followed soon.
const ALIASES_FRESH_SECONDS: i64 = 60 * 60;

impl Core {
    /// Refuses `method` when the environment's issuer publishes metadata whose
    /// `token_endpoint_auth_methods_supported` does not list it, naming what it lists. Says
    /// nothing when the environment has no issuer, or its metadata cannot be read or lists no
    /// methods: the provider's own answer to a token request is then the judge.
    pub async fn check_auth_method(
        &self,
        environment: &EnvironmentId,
        method: AuthMethod,
    ) -> Result<()> {
        let environment = self.environment(environment)?;
        let Some(issuer) = environment.endpoints.issuer_url.as_deref() else {
            return Ok(());
        };
        let Ok(metadata) = self.issuer_metadata(issuer).await else {
            return Ok(());
        };
        method_listed(method, &metadata.auth_methods, &environment.name)
    }

    /// The environment with the endpoints an mTLS client must use instead (RFC 8705 §5: the
    /// metadata's `mtls_endpoint_aliases`), when its issuer's metadata names any. Unchanged when
    /// there is no issuer or no aliases are known: the provider's answer then judges.
    pub(super) async fn with_mtls_aliases(&self, environment: Environment) -> Environment {
        let Some(issuer) = environment.endpoints.issuer_url.clone() else {
            return environment;
        };
        match self.mtls_aliases(&issuer).await {
            Some(aliases) => aliased(environment, &aliases),
            None => environment,
        }
    }

    /// An issuer's `mtls_endpoint_aliases`: what this run's discovery found; else what a
    /// discovery (of any process) found less than [`ALIASES_FRESH_SECONDS`] ago, kept in the
    /// store; else discovered now and kept; when that fails, the last kept whatever its age.
    /// Other apps' endpoints are in the environment itself, filled from discovery once; an mTLS
    /// app needs the aliases too, and without a kept copy every CLI process paid a discovery
    /// (two or three metadata documents) before its token request.
    async fn mtls_aliases(&self, issuer: &str) -> Option<BTreeMap<String, String>> {
        let this_run = self
            .issuers
            .lock()
            .ok()
            .and_then(|issuers| issuers.get(issuer).map(|known| known.mtls_aliases.clone()));
        if this_run.is_some() {
            return this_run;
        }
        let now = self.now().unix();
        let kept = self
            .store()
            .ok()
            .and_then(|store| settings::mtls_aliases(&store.conn, issuer).ok().flatten());
        if let Some(kept) = &kept
            && (0..ALIASES_FRESH_SECONDS).contains(&(now - kept.seen_at))
        {
            return Some(kept.aliases.clone());
        }
        match self.issuer_metadata(issuer).await {
            Ok(metadata) => {
                let found = KeptAliases {
                    seen_at: now,
                    aliases: metadata.mtls_aliases,
                };
                // a cache: not keeping it costs the next process one discovery, nothing more
                if let Ok(mut store) = self.store() {
                    let _ =
                        store.write_redoable(|tx| settings::keep_mtls_aliases(tx, issuer, &found));
                }
                Some(found.aliases)
            }
            Err(_) => kept.map(|kept| kept.aliases),
        }
    }

    /// Every method, each marked whether the environment's metadata lists it (by the rule of
    /// [`Core::check_auth_method`]), with what the metadata lists.
    pub async fn auth_method_choices(
        &self,
        environment: &EnvironmentId,
    ) -> Result<AuthMethodChoices> {
        let environment = self.environment(environment)?;
        let listed = match environment.endpoints.issuer_url.as_deref() {
            Some(issuer) => self
                .issuer_metadata(issuer)
                .await
                .map(|metadata| metadata.auth_methods)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        Ok(choices(&listed, &environment.name))
    }
}

/// `environment` with each endpoint that has an mTLS alias replaced by it.
pub(super) fn aliased(
    mut environment: Environment,
    aliases: &BTreeMap<String, String>,
) -> Environment {
    let endpoints = &mut environment.endpoints;
    for (name, url) in [
        ("token_endpoint", &mut endpoints.token_url),
        ("introspection_endpoint", &mut endpoints.introspection_url),
        ("revocation_endpoint", &mut endpoints.revocation_url),
        (
            "device_authorization_endpoint",
            &mut endpoints.device_authorization_url,
        ),
    ] {
        if let Some(alias) = aliases.get(name) {
            *url = Some(alias.clone());
        }
    }
    environment
}

/// The form's choices for what the metadata lists (empty: it says nothing).
fn choices(listed: &[String], environment: &str) -> AuthMethodChoices {
    AuthMethodChoices {
        listed_by_provider: (!listed.is_empty()).then(|| listed.to_vec()),
        methods: AuthMethod::ALL
            .iter()
            .map(|&method| AuthMethodChoice {
                method,
                summary: method.summary().to_owned(),
                listed: method_listed(method, listed, environment).is_ok(),
            })
            .collect(),
    }
}

/// Refuses a method the metadata's list leaves out (an empty list says nothing: RFC 8414 §2
/// then means client_secret_basic, but many providers simply omit the field).
pub(super) fn method_listed(
    method: AuthMethod,
    listed: &[String],
    environment: &str,
) -> Result<()> {
    if method == AuthMethod::None
        || listed.is_empty()
        || listed.iter().any(|m| m == method.as_str())
    {
        return Ok(());
    }
    Err(Error::Validation {
        field: "auth_method".into(),
        message: format!(
            "The provider of “{environment}” does not accept {} at its token endpoint; its \
             metadata lists {}.",
            method.as_str(),
            listed.join(", ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_the_metadata_leaves_out_is_refused_naming_what_it_lists() {
        let listed = [
            "client_secret_basic".to_owned(),
            "private_key_jwt".to_owned(),
        ];
        let error = method_listed(AuthMethod::ClientSecretJwt, &listed, "Sandbox").unwrap_err();
        assert_eq!(
            error.to_string(),
            "The provider of “Sandbox” does not accept client_secret_jwt at its token endpoint; \
             its metadata lists client_secret_basic, private_key_jwt."
        );
        assert!(method_listed(AuthMethod::PrivateKeyJwt, &listed, "Sandbox").is_ok());
        assert!(method_listed(AuthMethod::ClientSecretJwt, &[], "Sandbox").is_ok());
    }

    #[test]
    fn the_form_offers_every_method_marking_those_the_metadata_leaves_out() {
        let listed = [
            "client_secret_basic".to_owned(),
            "private_key_jwt".to_owned(),
        ];
        let offered = choices(&listed, "Sandbox");
        assert_eq!(offered.listed_by_provider, Some(listed.to_vec()));
        let marks: Vec<(&str, bool)> = offered
            .methods
            .iter()
            .map(|choice| (choice.method.as_str(), choice.listed))
            .collect();
        assert_eq!(
            marks,
            [
                ("client_secret_basic", true),
                ("client_secret_post", false),
                ("client_secret_jwt", false),
                ("private_key_jwt", true),
                ("tls_client_auth", false),
                ("self_signed_tls_client_auth", false),
                // a public client sends no client authentication at all
                ("none", true),
            ]
        );
        let unsaid = choices(&[], "Sandbox");
        assert_eq!(unsaid.listed_by_provider, None);
        assert!(unsaid.methods.iter().all(|choice| choice.listed));
    }

    /// `ALL` is what the form offers: a method missing from it could never be chosen there.
    #[test]
    fn every_method_is_offered_once() {
        for method in AuthMethod::ALL {
            // a new variant fails to compile here until it is added to `ALL` too
            match method {
                AuthMethod::ClientSecretBasic
                | AuthMethod::ClientSecretPost
                | AuthMethod::ClientSecretJwt
                | AuthMethod::PrivateKeyJwt
                | AuthMethod::TlsClientAuth
                | AuthMethod::SelfSignedTlsClientAuth
                | AuthMethod::None => {}
            }
            assert_eq!(AuthMethod::parse(method.as_str()), Some(method));
        }
        let mut spellings: Vec<&str> = AuthMethod::ALL.iter().map(|m| m.as_str()).collect();
        spellings.sort_unstable();
        spellings.dedup();
        assert_eq!(spellings.len(), AuthMethod::ALL.len());
    }
}
