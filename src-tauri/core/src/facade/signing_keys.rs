//! An app's signing keys for private_key_jwt: the private key in the keychain, the public JWK
//! and the lifecycle in the store, written by the secrets' protocol (see `secrets.rs`): a
//! `put` intent, the keychain, then the row; deleting through a `delete` intent.

use super::apps::app_gone;
use super::{Core, signing_key_account};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::model::*;
use crate::signing_key::PrivateKey;
use crate::store::intents::{self, Intent};
use crate::store::signing_keys;

impl Core {
    /// An app's signing keys: active first, newest first.
    pub fn signing_keys(&self, app: &AppId) -> Result<Vec<SigningKeyMeta>> {
        self.app(app)?;
        signing_keys::list(&self.store()?.conn, app)
    }

    /// Generates or imports a signing key: the private key goes to the keychain only.
    pub fn add_signing_key(&self, input: SigningKeyInput) -> Result<SigningKeyMeta> {
        let app = self.app(&input.app_id)?;
        if app.client_type == ClientType::Public {
            return Err(Error::invalid(
                "key",
                format!(
                    "“{}” is a public client: it authenticates with no key.",
                    app.display_name
                ),
            ));
        }
        let (key, origin) = match &input.source {
            KeySource::Generate(alg) => (PrivateKey::generate(*alg)?, KeyOrigin::Generated),
            KeySource::Import(text) => (PrivateKey::import(text.expose())?, KeyOrigin::Imported),
            KeySource::GenerateRsa { alg, bits } => {
                (PrivateKey::generate_rsa(*alg, *bits)?, KeyOrigin::Generated)
            }
            KeySource::ImportAs { alg, key } => (
                PrivateKey::import_as(key.expose(), Some(*alg))?,
                KeyOrigin::Imported,
            ),
        };
        let (public_jwk, kid) = key.public_jwk()?;
        let existing = signing_keys::list(&self.store()?.conn, &app.id)?;
        if existing.iter().any(|known| known.kid == kid) {
            return Err(Error::Conflict {
                field: "key".into(),
                message: format!("“{}” already has this key (kid {kid}).", app.display_name),
            });
        }
        let label = match input.label.trim() {
            "" => format!("Key {}", existing.len() + 1),
            label if label.chars().count() > 80 => {
                return Err(Error::invalid("label", "Keep the label to 80 characters."));
            }
            label => label.to_owned(),
        };
        let now = self.now();
        let meta = SigningKeyMeta {
            id: SigningKeyId::new(),
            app_id: app.id.clone(),
            alg: key.alg(),
            kid,
            public_jwk,
            label,
            origin,
            added_at: now,
            last_used_at: None,
            state: SecretState::Active,
        };
        let intent = Intent::put(signing_key_account(&meta.id));
        self.store()?
            .write(|tx| intents::record(tx, &intent, now))?;
        if let Err(error) = self.vault.put(&intent.account, &key.to_pem()) {
            self.store()?
                .write(|tx| intents::clear(tx, &intent.account))?;
            return Err(error);
        }
        self.store()?.write(|tx| {
            signing_keys::insert(tx, &meta)?;
            intents::clear(tx, &intent.account)?;
            self.note_app(tx, AuditAction::SigningKeyAdded, &app.id, &meta.label)
        })?;
        Ok(meta)
    }

    fn signing_key(&self, id: &SigningKeyId) -> Result<(SigningKeyMeta, ClientApp)> {
        let store = self.store()?;
        let key = signing_keys::get(&store.conn, id)?
            .ok_or_else(|| Error::NotFound("That signing key no longer exists.".into()))?;
        let app = crate::store::apps::get(&store.conn, &key.app_id)?.ok_or_else(app_gone)?;
        Ok((key, app))
    }

    /// Refuses to leave a private_key_jwt app without an active key.
    fn guard_last_key(&self, key: &SigningKeyMeta, app: &ClientApp, verb: &str) -> Result<()> {
        if key.state == SecretState::Active
            && app.auth_method == AuthMethod::PrivateKeyJwt
            && signing_keys::active_count(&self.store()?.conn, &app.id)? <= 1
        {
            return Err(Error::LastSecret(format!(
                "This is the last active signing key of “{}”, which authenticates with \
                 private_key_jwt, so it cannot be {verb}. Add the new key (and register it at \
                 the provider) first.",
                app.display_name
            )));
        }
        Ok(())
    }

    /// Marks a key retired: kept until deleted, no longer used to sign.
    pub fn retire_signing_key(&self, id: &SigningKeyId) -> Result<SigningKeyMeta> {
        let (key, app) = self.signing_key(id)?;
        self.guard_last_key(&key, &app, "retired")?;
        self.store()?.write(|tx| {
            signing_keys::set_state(tx, id, SecretState::Retired)?;
            self.note_app(tx, AuditAction::SigningKeyRetired, &app.id, &key.label)
        })?;
        Ok(self.signing_key(id)?.0)
    }

    /// Puts a retired key back in use: it signs again when it is the newest active one.
    pub fn reactivate_signing_key(&self, id: &SigningKeyId) -> Result<SigningKeyMeta> {
        let (key, app) = self.signing_key(id)?;
        self.store()?.write(|tx| {
            signing_keys::set_state(tx, id, SecretState::Active)?;
            self.note_app(tx, AuditAction::SigningKeyReactivated, &app.id, &key.label)
        })?;
        Ok(self.signing_key(id)?.0)
    }

    /// Deletes a key from the keychain and the store; never the last active one of an app
    /// that authenticates with private_key_jwt.
    pub fn delete_signing_key(&self, id: &SigningKeyId) -> Result<()> {
        let (key, app) = self.signing_key(id)?;
        self.guard_last_key(&key, &app, "deleted")?;
        self.delete_entries(vec![signing_key_account(id)])?;
        self.note_app_now(AuditAction::SigningKeyDeleted, &app.id, &key.label)
    }

    /// One key's public JWK (JSON text): what to register at the provider for it alone.
    pub fn public_jwk_of(&self, id: &SigningKeyId) -> Result<String> {
        Ok(self.signing_key(id)?.0.public_jwk)
    }

    /// The public JWKS of an app's active keys: what to register at the provider.
    pub fn public_jwks(&self, app: &AppId) -> Result<serde_json::Value> {
        let keys = self
            .signing_keys(app)?
            .into_iter()
            .filter(|key| key.state == SecretState::Active)
            .map(|key| serde_json::from_str(&key.public_jwk))
            .collect::<Result<Vec<serde_json::Value>, _>>()
            .map_err(|e| Error::Store(format!("A stored public key is not JSON ({e}).")))?;
        Ok(serde_json::json!({ "keys": keys }))
    }

    /// The key a private_key_jwt app signs with now: its newest active one, from the keychain.
    pub(super) fn active_signing_key(
        &self,
        app: &ClientApp,
    ) -> Result<(SigningKeyMeta, PrivateKey)> {
        let meta = signing_keys::newest_active(&self.store()?.conn, &app.id)?.ok_or_else(|| {
            Error::NotConfigured(format!(
                "“{}” authenticates with private_key_jwt and has no active signing key. Add \
                 one (authdeck key add) and register its public key at the provider.",
                app.display_name
            ))
        })?;
        let pem = self.vault.get(&signing_key_account(&meta.id))?;
        let key = PrivateKey::from_pem_as(pem.expose(), Some(meta.alg))?;
        Ok((meta, key))
    }
}
