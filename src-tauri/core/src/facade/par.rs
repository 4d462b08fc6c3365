//! Pushed authorization requests (RFC 9126) for browser logins: an app's opt-in, and where its
//! requests are pushed.
//!
//! The opt-in is the app's, not the environment's: a provider that wants PAR from every client
//! says so in its metadata (`require_pushed_authorization_requests`), which is followed without
//! any opt-in; one that wants it from some clients records it in each client's registration
//! (RFC 9126 §6), which Authdeck cannot read, so it is set where the app is.

use super::Core;
use super::login::IssuerMetadata;
use super::tokens::Credentials;
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::flows;
use crate::model::{AppId, ClientApp, Environment};
use crate::store::apps;

impl Core {
    /// Whether an app's browser logins push their authorization requests even when the
    /// provider's metadata does not require it.
    pub fn pushes_requests(&self, app: &AppId) -> Result<bool> {
        self.app(app)?;
        apps::par_of(&self.store()?.conn, app)
    }

    /// Makes an app's browser logins push their authorization requests, or not (then only
    /// when the provider's metadata requires it); a change is audited.
    pub fn set_pushes_requests(&self, app: &AppId, on: bool) -> Result<bool> {
        self.refuse_shared(&self.app(app)?.environment_id)?;
        self.store()?.write(|tx| {
            let was = apps::par_of(tx, app)?;
            apps::set_par(tx, app, on)?;
            // a switch that changes nothing is no change to record
            if was == on {
                return Ok(());
            }
            let detail = if on { "on" } else { "off" };
            self.note_app(tx, AuditAction::ParSwitched, app, detail)
        })?;
        self.pushes_requests(app)
    }

    /// The browser's address for the authorization request `url`: its parameters pushed to
    /// `par_url` as the app, then `authorize_url` with `client_id` and `request_uri` only.
    pub(super) async fn pushed_address(
        &self,
        credentials: &Credentials,
        par_url: &str,
        url: &str,
        authorize_url: &str,
    ) -> Result<String> {
        let pushed = flows::push_authorization(
            &self.http_for(credentials)?,
            par_url,
            credentials.auth(self.clock.as_ref(), &self.dpop_nonces),
            &flows::pushed_parameters(url, authorize_url)?,
        )
        .await?;
        flows::pushed_url(
            authorize_url,
            &credentials.app.client_id,
            &pushed.request_uri,
        )
    }

    /// Where a browser login of `app` pushes its request: the metadata's endpoint when the app
    /// opted in or the metadata requires it, else None. An opt-in without an endpoint to push
    /// to is refused here, before anything listens or a browser opens.
    pub(super) async fn pushed_endpoint(
        &self,
        environment: &Environment,
        app: &ClientApp,
    ) -> Result<Option<String>> {
        let opted_in = apps::par_of(&self.store()?.conn, &app.id)?;
        let Some(issuer) = environment.endpoints.issuer_url.as_deref() else {
            if opted_in {
                return Err(Error::NotConfigured(format!(
                    "“{}” pushes its authorization requests (PAR), and “{}” has no issuer URL \
                     to find the provider's pushed authorization request endpoint in its \
                     metadata; the sign-in was not started. Add the issuer URL in the \
                     environment's settings, or turn PAR off for the app.",
                    app.display_name, environment.name
                )));
            }
            return Ok(None);
        };
        let metadata = if opted_in {
            Some(self.issuer_metadata(issuer).await?)
        } else {
            // The sign-in has just read it (its `iss` rule), or could not and went on with
            // what it saw before: not asked for again.
            self.issuers
                .lock()
                .ok()
                .and_then(|issuers| issuers.get(issuer).cloned())
        };
        let Some(IssuerMetadata {
            par_endpoint,
            par_required,
            mtls_aliases,
            ..
        }) = metadata
        else {
            return Ok(None);
        };
        // an mTLS client pushes to the alias when there is one (RFC 8705 §5)
        let par_endpoint = match mtls_aliases.get("pushed_authorization_request_endpoint") {
            Some(alias) if app.auth_method.uses_certificate() => Some(alias.clone()),
            _ => par_endpoint,
        };
        if !(opted_in || par_required) {
            return Ok(None);
        }
        let why = if opted_in {
            format!(
                "“{}” pushes its authorization requests (PAR)",
                app.display_name
            )
        } else {
            format!("{issuer} requires pushed authorization requests (PAR)")
        };
        let Some(url) = par_endpoint else {
            let hint = if opted_in {
                "Check that the provider offers PAR, or turn PAR off for the app."
            } else {
                "The provider's metadata contradicts itself; tell its administrators."
            };
            return Err(Error::NotConfigured(format!(
                "{why}, and the metadata of {issuer} names no \
                 pushed_authorization_request_endpoint; the sign-in was not started. {hint}"
            )));
        };
        crate::validate::check_endpoint(&url).map_err(|problem| {
            Error::BadResponse(format!(
                "{why}, and the endpoint the metadata of {issuer} names for it, “{url}”, is not \
                 one Authdeck sends requests to ({problem}); the sign-in was not started."
            ))
        })?;
        Ok(Some(url))
    }
}
