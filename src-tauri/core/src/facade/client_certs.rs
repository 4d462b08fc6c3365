//! An app's client certificates for mutual TLS: the private key in the keychain, the
//! certificate (public) and the lifecycle in the store, written by the secrets' protocol (see
//! `secrets.rs`): a `put` intent, the keychain, then the row; deleting through a `delete`
//! intent. The signing keys' twin (`signing_keys.rs`).

use super::apps::app_gone;
use super::{Core, client_cert_account};
use crate::audit::AuditAction;
use crate::client_cert::{CertBinding, ClientIdentity, TokenCertBinding};
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::client_certs;
use crate::store::intents::{self, Intent};

/// A certificate just added, with the public JWK (`x5c`, `x5t#S256`) to register for
/// self_signed_tls_client_auth when its key is a P-256 one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedCert {
    pub meta: ClientCertMeta,
    pub public_jwk: Option<String>,
}

impl Core {
    /// An app's client certificates: active first, newest first.
    pub fn client_certs(&self, app: &AppId) -> Result<Vec<ClientCertMeta>> {
        self.app(app)?;
        client_certs::list(&self.store()?.conn, app)
    }

    /// Generates a self-signed certificate or imports one with its key: the private key goes
    /// to the keychain only.
    pub fn add_client_cert(&self, input: ClientCertInput) -> Result<AddedCert> {
        let app = self.app(&input.app_id)?;
        if app.client_type == ClientType::Public {
            return Err(Error::invalid(
                "certificate",
                format!(
                    "“{}” is a public client: it authenticates with no certificate.",
                    app.display_name
                ),
            ));
        }
        let now = self.now();
        let (identity, facts, origin) = match &input.source {
            CertSource::Generate => {
                let (identity, facts) =
                    ClientIdentity::generate(&format!("Authdeck {}", app.client_id), now)?;
                (identity, facts, KeyOrigin::Generated)
            }
            CertSource::Import { certificate, key } => {
                let (identity, facts) = ClientIdentity::import(certificate, key.expose(), now)?;
                (identity, facts, KeyOrigin::Imported)
            }
        };
        let existing = client_certs::list(&self.store()?.conn, &app.id)?;
        if existing
            .iter()
            .any(|known| known.x5t_s256 == facts.x5t_s256)
        {
            return Err(Error::Conflict {
                field: "certificate".into(),
                message: format!(
                    "“{}” already has this certificate (x5t#S256 {}).",
                    app.display_name, facts.x5t_s256
                ),
            });
        }
        let label = match input.label.trim() {
            "" => format!("Certificate {}", existing.len() + 1),
            label if label.chars().count() > 80 => {
                return Err(Error::invalid("label", "Keep the label to 80 characters."));
            }
            label => label.to_owned(),
        };
        let meta = ClientCertMeta {
            id: ClientCertId::new(),
            app_id: app.id.clone(),
            subject: facts.subject,
            not_after: facts.not_after,
            x5t_s256: facts.x5t_s256,
            cert_pem: identity.chain_pem(),
            label,
            origin,
            added_at: now,
            state: SecretState::Active,
        };
        let intent = Intent::put(client_cert_account(&meta.id));
        self.store()?
            .write(|tx| intents::record(tx, &intent, now))?;
        if let Err(error) = self.vault.put(&intent.account, &identity.key_pem()) {
            self.store()?
                .write(|tx| intents::clear(tx, &intent.account))?;
            return Err(error);
        }
        self.store()?.write(|tx| {
            client_certs::insert(tx, &meta)?;
            intents::clear(tx, &intent.account)?;
            self.note_app(tx, AuditAction::ClientCertAdded, &app.id, &meta.label)
        })?;
        Ok(AddedCert {
            public_jwk: identity.public_jwk()?,
            meta,
        })
    }

    fn client_cert(&self, id: &ClientCertId) -> Result<(ClientCertMeta, ClientApp)> {
        let store = self.store()?;
        let cert = client_certs::get(&store.conn, id)?
            .ok_or_else(|| Error::NotFound("That client certificate no longer exists.".into()))?;
        let app = crate::store::apps::get(&store.conn, &cert.app_id)?.ok_or_else(app_gone)?;
        Ok((cert, app))
    }

    /// Refuses to leave an mTLS app without an active certificate.
    fn guard_last_cert(&self, cert: &ClientCertMeta, app: &ClientApp, verb: &str) -> Result<()> {
        if cert.state == SecretState::Active
            && app.auth_method.uses_certificate()
            && client_certs::active_count(&self.store()?.conn, &app.id)? <= 1
        {
            return Err(Error::LastSecret(format!(
                "This is the last active client certificate of “{}”, which authenticates with \
                 {}, so it cannot be {verb}. Add the new certificate (and register it at the \
                 provider) first.",
                app.display_name,
                app.auth_method.as_str()
            )));
        }
        Ok(())
    }

    /// Marks a certificate retired: kept until deleted, no longer presented.
    pub fn retire_client_cert(&self, id: &ClientCertId) -> Result<ClientCertMeta> {
        let (cert, app) = self.client_cert(id)?;
        self.guard_last_cert(&cert, &app, "retired")?;
        self.store()?.write(|tx| {
            client_certs::set_state(tx, id, SecretState::Retired)?;
            self.note_app(tx, AuditAction::ClientCertRetired, &app.id, &cert.label)
        })?;
        Ok(self.client_cert(id)?.0)
    }

    /// Puts a retired certificate back in use: presented again when it is the newest active one.
    pub fn reactivate_client_cert(&self, id: &ClientCertId) -> Result<ClientCertMeta> {
        let (cert, app) = self.client_cert(id)?;
        self.store()?.write(|tx| {
            client_certs::set_state(tx, id, SecretState::Active)?;
            self.note_app(tx, AuditAction::ClientCertReactivated, &app.id, &cert.label)
        })?;
        Ok(self.client_cert(id)?.0)
    }

    /// The public JWK (`x5c`, `x5t#S256`) of a stored P-256 certificate, to register for
    /// self_signed_tls_client_auth; None for other keys. Reads the key from the keychain only to
    /// derive its public part.
    pub fn client_cert_public_jwk(&self, id: &ClientCertId) -> Result<Option<String>> {
        let (cert, _) = self.client_cert(id)?;
        let key = self.vault.get(&client_cert_account(id))?;
        ClientIdentity::from_stored(&cert.cert_pem, key.expose())?.public_jwk()
    }

    /// Deletes a certificate from the keychain and the store; never the last active one of an
    /// app that authenticates with mutual TLS.
    pub fn delete_client_cert(&self, id: &ClientCertId) -> Result<()> {
        let (cert, app) = self.client_cert(id)?;
        self.guard_last_cert(&cert, &app, "deleted")?;
        self.delete_entries(vec![client_cert_account(id)])?;
        self.note_app_now(AuditAction::ClientCertDeleted, &app.id, &cert.label)
    }

    /// Whether a token whose claims or introspection answer are `fields` is bound to a client
    /// certificate (`cnf.x5t#S256`), and to which of the app's; None when it is not bound.
    pub fn certificate_binding(
        &self,
        app: &AppId,
        fields: &[Field],
    ) -> Result<Option<CertBinding>> {
        let Some(x5t_s256) = crate::client_cert::bound_thumbprint(fields) else {
            return Ok(None);
        };
        let certs = client_certs::list(&self.store()?.conn, app)?;
        let presented_now =
            presented(&certs, self.now()).is_some_and(|presented| presented.x5t_s256 == x5t_s256);
        let certificate = certs.into_iter().find(|cert| cert.x5t_s256 == x5t_s256);
        Ok(Some(CertBinding {
            x5t_s256,
            certificate,
            presented_now,
        }))
    }

    /// The certificate binding of the stored token of each app of `environment` that holds
    /// client certificates, from what is kept here only (no network; `status`): a JWT's own
    /// `cnf.x5t#S256`, read from the keychain. An opaque token's binding is known only to its
    /// provider (introspection); a token the keychain does not give is not in view either.
    pub fn token_cert_bindings(
        &self,
        environment: &EnvironmentId,
    ) -> Result<Vec<(AppId, TokenCertBinding)>> {
        let held = {
            let conn = &self.store()?.conn;
            let mut held = Vec::new();
            for app in client_certs::apps_holding(conn, environment)? {
                if let Some(token) = crate::store::tokens::of_app(conn, &app)? {
                    held.push((app, token));
                }
            }
            held
        };
        let mut bindings = Vec::with_capacity(held.len());
        for (app, token) in held {
            let claims = if token.is_jwt {
                self.vault
                    .get(&super::token_account(&token.id))
                    .ok()
                    .and_then(|value| crate::status::decode_jwt(value.expose()))
                    .map(|jwt| jwt.claims)
            } else {
                None
            };
            let binding = match claims {
                None => TokenCertBinding::NotInView,
                Some(claims) => match self.certificate_binding(&app, &claims)? {
                    Some(binding) => TokenCertBinding::Bound(Box::new(binding)),
                    None => TokenCertBinding::NotBound,
                },
            };
            bindings.push((app, binding));
        }
        Ok(bindings)
    }

    /// The certificate an mTLS app presents now: its newest active one that has not expired,
    /// with its key from the keychain.
    pub(super) fn active_client_cert(
        &self,
        app: &ClientApp,
    ) -> Result<(ClientCertMeta, ClientIdentity)> {
        let certs = client_certs::list(&self.store()?.conn, &app.id)?;
        let meta = match presented(&certs, self.now()) {
            Some(meta) => meta.clone(),
            None => return Err(nothing_to_present(app, &certs)),
        };
        let key = self.vault.get(&client_cert_account(&meta.id))?;
        let identity = ClientIdentity::from_stored(&meta.cert_pem, key.expose())?;
        Ok((meta, identity))
    }
}

/// The certificate TLS presents among an app's `certs` (as `client_certs::list` orders them:
/// active first, newest first): the newest active one that has not expired at `now`. An
/// expired one is never sent: it is no longer valid (RFC 5280 §4.1.2.5), and a provider's
/// refusal of it would say only `invalid_client`.
fn presented(certs: &[ClientCertMeta], now: Timestamp) -> Option<&ClientCertMeta> {
    certs
        .iter()
        .find(|cert| cert.state == SecretState::Active && cert.not_after.unix() > now.unix())
}

/// Why an mTLS app presents no certificate: it has no active one, or (named by label, subject
/// and expiry: the newest) every active one has expired; and what to do.
fn nothing_to_present(app: &ClientApp, certs: &[ClientCertMeta]) -> Error {
    let name = &app.display_name;
    Error::NotConfigured(
        match certs.iter().find(|c| c.state == SecretState::Active) {
            Some(newest) => format!(
                "The client certificate “{}” of “{name}” ({}) expired on {}, and “{name}” has no \
             other active certificate that is still valid, so nothing was sent. Add a new one \
             (authdeck cert generate, or cert add with the certificate your provider issues), \
             register it at the provider, then retire the expired one.",
                newest.label,
                newest.subject,
                crate::client_cert::moment_of(newest.not_after),
            ),
            None => format!(
                "“{name}” authenticates with {} and has no active client certificate. Add one \
             (authdeck cert add or cert generate) and register it at the provider.",
                app.auth_method.as_str()
            ),
        },
    )
}
