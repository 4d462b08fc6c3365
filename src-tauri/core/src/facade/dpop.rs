//! DPoP-bound apps (RFC 9449): the mark, the app's one proof key (private part in the keychain
//! under `dpop-key:<app id>`, its algorithm and thumbprint in the app's row) and proofs for
//! resource requests.
//!
//! The key signs ES256 unless the app chooses another of the algorithms signing keys have
//! (EdDSA, PS256, RS256); a provider whose metadata lists the DPoP algorithms it takes
//! (`dpop_signing_alg_values_supported`) is held to them. Choosing another algorithm makes a
//! new key in place of the old one, and forgets the DPoP token bound to the old key: no proof
//! could be made for it any more.
//!
//! The key is made when the app is marked DPoP-bound, so its thumbprint can be shown (and
//! registered where a provider asks for it) at once; an app marked by an import gets its key at
//! its first token request. Turning DPoP off keeps the key, so turning it on again binds tokens
//! to the same key; deleting the app removes it with the app's other entries.
//! Writing the key follows the secrets' protocol: a `put` intent, the keychain, then the row.

use super::{Core, dpop_key_account};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::flows::{self, DpopContext, NonceFrom};
use crate::model::{AppId, ClientApp, EnvironmentId, Secret};
use crate::signing_key::{KeyAlg, PrivateKey};
use crate::store::intents::{self, Intent};
use crate::store::{apps, settings, tokens};

/// Whether an app's tokens are DPoP-bound, and to which key.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DpopBinding {
    /// Token requests carry DPoP proofs.
    pub bound: bool,
    /// The RFC 7638 thumbprint of the app's proof key (the `cnf.jkt` of its tokens), once the
    /// key exists.
    pub jkt: Option<String>,
    /// The algorithm the proof key signs with, once the key exists.
    pub alg: Option<KeyAlg>,
}

impl Core {
    /// Whether an app is DPoP-bound, and its proof key's thumbprint.
    pub fn dpop_binding(&self, app: &AppId) -> Result<DpopBinding> {
        self.app(app)?;
        let (bound, key) = apps::dpop_key_of(&self.store()?.conn, app)?;
        Ok(DpopBinding {
            bound,
            alg: key.as_ref().map(|(alg, _)| *alg),
            jkt: key.map(|(_, jkt)| jkt),
        })
    }

    /// Refuses `alg` for DPoP proofs when the environment's issuer publishes metadata whose
    /// `dpop_signing_alg_values_supported` does not list it, naming what it lists. Says nothing
    /// when there is no issuer, or its metadata cannot be read or lists none: the provider's
    /// answer to a proof is then the judge.
    pub async fn check_dpop_alg(&self, environment: &EnvironmentId, alg: KeyAlg) -> Result<()> {
        let environment = self.environment(environment)?;
        let Some(issuer) = environment.endpoints.issuer_url.as_deref() else {
            return Ok(());
        };
        let Ok(metadata) = self.issuer_metadata(issuer).await else {
            return Ok(());
        };
        let listed = &metadata.dpop_algs;
        if listed.is_empty() || listed.iter().any(|name| name == alg.as_str()) {
            return Ok(());
        }
        Err(Error::invalid(
            "dpop_alg",
            format!(
                "The provider of “{}” takes DPoP proofs signed with {} (its metadata's \
                 dpop_signing_alg_values_supported), not {}; choose one of those.",
                environment.name,
                listed.join(", "),
                alg.as_str()
            ),
        ))
    }

    /// Signs the app's DPoP proofs with a key of `alg` from now on (checked against the
    /// provider's metadata first): a new key in place of one of another algorithm, and the
    /// DPoP token bound to that key forgotten. The app's DPoP mark is left as it is.
    pub async fn set_dpop_alg(&self, app: &AppId, alg: KeyAlg) -> Result<DpopBinding> {
        let app_row = self.app(app)?;
        self.check_dpop_alg(&app_row.environment_id, alg).await?;
        let (_, key) = apps::dpop_key_of(&self.store()?.conn, app)?;
        let replaced = match key {
            Some((current, _)) if current == alg => return self.dpop_binding(app),
            Some((_, jkt)) => Some(jkt),
            None => None,
        };
        let key = self.store_proof_key(app, alg)?;
        let jkt = key.thumbprint()?;
        if let Some(old) = replaced {
            let token = tokens::of_app(&self.store()?.conn, app)?;
            if token.is_some_and(|token| token.token_type == "DPoP") {
                self.forget_token(app)?;
            }
            self.store()?.write(|tx| {
                let detail = format!("key {old} replaced by {} key {jkt}", alg.as_str());
                self.note_app(tx, AuditAction::DpopSwitched, app, &detail)
            })?;
        }
        self.dpop_binding(app)
    }

    /// Marks an app DPoP-bound (its proof key made first if it has none, so a keychain that
    /// refuses it leaves the app as it was) or not (keeping the key); a change is audited.
    pub fn set_dpop(&self, app: &AppId, on: bool) -> Result<DpopBinding> {
        self.refuse_shared(&self.app(app)?.environment_id)?;
        if on {
            self.proof_key(app)?;
        }
        self.store()?.write(|tx| {
            let (was, jkt) = apps::dpop_of(tx, app)?;
            apps::set_dpop(tx, app, on)?;
            // a switch that changes nothing is no change to record
            if was == on {
                return Ok(());
            }
            let detail = match (on, jkt) {
                (true, Some(jkt)) => format!("on, key {jkt}"),
                (true, None) => "on".to_owned(),
                (false, _) => "off, key kept".to_owned(),
            };
            self.note_app(tx, AuditAction::DpopSwitched, app, &detail)
        })?;
        self.dpop_binding(app)
    }

    /// The proof key of a DPoP-bound app (made now if it has none yet), else None.
    pub(super) fn dpop_key(&self, app: &ClientApp) -> Result<Option<PrivateKey>> {
        let (bound, _) = apps::dpop_of(&self.store()?.conn, &app.id)?;
        bound.then(|| self.proof_key(&app.id)).transpose()
    }

    /// The app's proof key from the keychain, made (ES256) and stored first when it has none.
    fn proof_key(&self, app: &AppId) -> Result<PrivateKey> {
        let Some((alg, jkt)) = apps::dpop_key_of(&self.store()?.conn, app)?.1 else {
            return self.store_proof_key(app, KeyAlg::Es256);
        };
        let pem = self.vault.get(&dpop_key_account(app))?;
        // a replacement cut short between the keychain and the row (a crash) left the new key
        // under the old one's record: the key itself is the truth, and the row is mended
        let key = PrivateKey::from_pem_as(pem.expose(), Some(alg))
            .or_else(|_| PrivateKey::from_pem(pem.expose()))?;
        let found = key.thumbprint()?;
        if found != jkt {
            self.store()?
                .write(|tx| apps::set_dpop_key(tx, app, Some((key.alg(), &found))))?;
        }
        Ok(key)
    }

    /// Makes a proof key of `alg` for the app and stores it, in place of any it had.
    fn store_proof_key(&self, app: &AppId, alg: KeyAlg) -> Result<PrivateKey> {
        let account = dpop_key_account(app);
        let key = PrivateKey::generate(alg)?;
        let jkt = key.thumbprint()?;
        let now = self.now();
        let intent = Intent::put(account.clone());
        self.store()?
            .write(|tx| intents::record(tx, &intent, now))?;
        if let Err(error) = self.vault.put(&account, &key.to_pem()) {
            self.store()?.write(|tx| intents::clear(tx, &account))?;
            return Err(error);
        }
        self.crash_point("dpop key: keychain written")?;
        self.store()?.write(|tx| {
            apps::set_dpop_key(tx, app, Some((alg, &jkt)))?;
            intents::clear(tx, &account)
        })?;
        Ok(key)
    }

    /// A DPoP proof for one `method` request to `url` with the app's access token `token`
    /// (its hash is the proof's `ath`). Refused for an app that is not DPoP-bound.
    pub fn resource_proof(
        &self,
        app: &AppId,
        method: &str,
        url: &str,
        token: &Secret,
    ) -> Result<String> {
        let app_row = self.app(app)?;
        let key = self.dpop_key(&app_row)?.ok_or_else(|| {
            Error::NotConfigured(format!(
                "“{}” is not DPoP-bound, so its tokens need no proof. Mark it with: authdeck \
                 app edit \"{}\" --dpop",
                app_row.display_name, app_row.display_name
            ))
        })?;
        let method = method.trim().to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid(
                "method",
                format!("“{method}” is not an HTTP method (GET, POST …)."),
            ));
        }
        let target = url::Url::parse(url)
            .map_err(|e| Error::invalid("url", format!("“{url}” is not a URL ({e}).")))?;
        if !matches!(target.scheme(), "https" | "http") {
            return Err(Error::invalid(
                "url",
                format!("“{url}” is not an http or https URL."),
            ));
        }
        let context = DpopContext {
            key: &key,
            clock: self.clock.as_ref(),
            nonces: &self.dpop_nonces,
        };
        let nonce = self.resource_nonce(url)?;
        flows::dpop::proof(&context, &method, url, Some(token), nonce.as_deref())
    }

    /// The nonce the resource server at the origin of `url` last sent: this process's, else
    /// one a recent process kept (the CLI's `authdeck curl` is one process per request).
    fn resource_nonce(&self, url: &str) -> Result<Option<String>> {
        if let Some(nonce) = self.dpop_nonces.latest(NonceFrom::ResourceServer, url) {
            return Ok(Some(nonce));
        }
        let Some(origin) = flows::dpop::origin(url) else {
            return Ok(None);
        };
        settings::dpop_nonce(&self.store()?.conn, &origin, self.now().unix())
    }

    /// Remembers the nonce a resource server at the origin of `url` asked for (RFC 9449 §9)
    /// for this process's next proofs and, for a few minutes, for the next process's.
    pub fn remember_resource_nonce(&self, url: &str, nonce: &str) -> Result<()> {
        self.dpop_nonces
            .remember(NonceFrom::ResourceServer, url, nonce);
        let Some(origin) = flows::dpop::origin(url) else {
            return Ok(());
        };
        let now = self.now().unix();
        self.store()?
            .write(|tx| settings::keep_dpop_nonce(tx, &origin, nonce, now))
    }
}
