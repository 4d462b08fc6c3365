//! The commands of the key and certificate panels: an app's private_key_jwt signing keys and
//! its mTLS client certificates. Private keys go from the webview to core and the keychain
//! only; every reply carries public parts (the public JWK, the certificate), never a key.

use crate::clipboard::CopyGeneration;
use crate::commands::{changed, copy_value};
use crate::ipc::{CertAdded, CopyStarted, IpcError, StoreScope};
use crate::state::AppState;
use authdeck_core::client_cert::CertBinding;
use authdeck_core::model::*;
use authdeck_core::{Core, Error};
use tauri::{AppHandle, Runtime, State};

type Reply<T> = Result<T, IpcError>;

/// The algorithms "Generate key" offers: core's list, so a new one appears without UI changes.
#[tauri::command]
pub fn key_algorithms() -> Vec<KeyAlg> {
    KeyAlg::ALL.to_vec()
}

#[tauri::command(async)]
pub fn list_signing_keys(state: State<'_, AppState>, app_id: AppId) -> Reply<Vec<SigningKeyMeta>> {
    Ok(state.core()?.signing_keys(&app_id)?)
}

/// Generates or imports a key; an imported private key goes straight to the keychain.
#[tauri::command(async)]
pub fn add_signing_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: SigningKeyInput,
) -> Reply<SigningKeyMeta> {
    let added = state.core()?.add_signing_key(input)?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(added)
}

#[tauri::command(async)]
pub fn retire_signing_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SigningKeyId,
) -> Reply<SigningKeyMeta> {
    let key = state.core()?.retire_signing_key(&id)?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(key)
}

#[tauri::command(async)]
pub fn reactivate_signing_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SigningKeyId,
) -> Reply<SigningKeyMeta> {
    let key = state.core()?.reactivate_signing_key(&id)?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(key)
}

#[tauri::command(async)]
pub fn delete_signing_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: SigningKeyId,
) -> Reply<()> {
    state.core()?.delete_signing_key(&id)?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(())
}

/// Copies one key's public JWK. Public material, copied under the same rules as a secret all
/// the same (one way to copy; it is pasted at the provider at once).
#[tauri::command(async)]
pub fn copy_public_jwk<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    generation: State<'_, CopyGeneration>,
    id: SigningKeyId,
) -> Reply<CopyStarted> {
    let core = state.core()?;
    copy_public(&app, core, &generation, core.public_jwk_of(&id)?)
}

/// Copies the JWKS of the app's active keys: what a provider's `jwks` field takes.
#[tauri::command(async)]
pub fn copy_jwks<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    generation: State<'_, CopyGeneration>,
    app_id: AppId,
) -> Reply<CopyStarted> {
    let core = state.core()?;
    copy_public(
        &app,
        core,
        &generation,
        core.public_jwks(&app_id)?.to_string(),
    )
}

#[tauri::command(async)]
pub fn list_client_certs(state: State<'_, AppState>, app_id: AppId) -> Reply<Vec<ClientCertMeta>> {
    Ok(state.core()?.client_certs(&app_id)?)
}

/// Generates a self-signed certificate or imports one with its key (to the keychain only).
#[tauri::command(async)]
pub fn add_client_cert<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: ClientCertInput,
) -> Reply<CertAdded> {
    let added = state.core()?.add_client_cert(input)?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(CertAdded {
        certificate: added.meta,
        public_jwk: added.public_jwk,
    })
}

#[tauri::command(async)]
pub fn retire_client_cert<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ClientCertId,
) -> Reply<ClientCertMeta> {
    let cert = state.core()?.retire_client_cert(&id)?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(cert)
}

#[tauri::command(async)]
pub fn reactivate_client_cert<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ClientCertId,
) -> Reply<ClientCertMeta> {
    let cert = state.core()?.reactivate_client_cert(&id)?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(cert)
}

#[tauri::command(async)]
pub fn delete_client_cert<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ClientCertId,
) -> Reply<()> {
    state.core()?.delete_client_cert(&id)?;
    changed(&app, &[StoreScope::Secrets]);
    Ok(())
}

/// Copies a certificate's public JWK with `x5c` and `x5t#S256` (self_signed_tls_client_auth).
#[tauri::command(async)]
pub fn copy_cert_jwk<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    generation: State<'_, CopyGeneration>,
    id: ClientCertId,
) -> Reply<CopyStarted> {
    let core = state.core()?;
    let jwk = core.client_cert_public_jwk(&id)?.ok_or_else(|| {
        Error::NotConfigured(
            "This certificate's key is not a P-256 key, so it has no JWK to register; register \
             the certificate itself (its PEM) at the provider."
                .into(),
        )
    })?;
    copy_public(&app, core, &generation, jwk)
}

/// Whether a token whose claims or introspection answer are `fields` is bound to one of the
/// app's certificates (`cnf.x5t#S256`); None when it is not certificate-bound.
#[tauri::command(async)]
pub fn certificate_binding(
    state: State<'_, AppState>,
    app_id: AppId,
    fields: Vec<Field>,
) -> Reply<Option<CertBinding>> {
    Ok(state.core()?.certificate_binding(&app_id, &fields)?)
}

fn copy_public<R: Runtime>(
    app: &AppHandle<R>,
    core: &Core,
    generation: &CopyGeneration,
    text: String,
) -> Reply<CopyStarted> {
    copy_value(app, core, generation, &Secret::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use authdeck_core::client_cert::ClientIdentity;
    use authdeck_core::signing_key::PrivateKey;
    use serde_json::Value;

    fn names(value: &Value) -> Vec<&str> {
        let mut names: Vec<&str> = value
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names
    }

    /// The base64 lines of a PEM private key: what would betray it anywhere in a reply.
    fn private_lines(pem: &str) -> Vec<String> {
        pem.lines()
            .filter(|line| !line.starts_with("-----") && line.len() > 16)
            .map(str::to_owned)
            .collect()
    }

    fn now() -> Timestamp {
        Timestamp::from_unix(1_800_000_000).unwrap()
    }

    #[test]
    fn a_signing_key_reply_has_only_public_fields_and_a_jwk_without_d() {
        for alg in KeyAlg::ALL {
            let key = PrivateKey::generate(alg).unwrap();
            let (public_jwk, kid) = key.public_jwk().unwrap();
            let meta = SigningKeyMeta {
                id: SigningKeyId::new(),
                app_id: AppId("app".into()),
                alg,
                kid,
                public_jwk,
                label: "Key 1".into(),
                origin: KeyOrigin::Generated,
                added_at: now(),
                last_used_at: None,
                state: SecretState::Active,
            };
            let reply = serde_json::to_value(&meta).unwrap();
            assert_eq!(
                names(&reply),
                [
                    "added_at",
                    "alg",
                    "app_id",
                    "id",
                    "kid",
                    "label",
                    "last_used_at",
                    "origin",
                    "public_jwk",
                    "state"
                ]
            );
            let jwk: Value = serde_json::from_str(reply["public_jwk"].as_str().unwrap()).unwrap();
            assert!(
                jwk.get("d").is_none(),
                "{alg:?}: the JWK holds no private part"
            );
            let text = reply.to_string();
            for line in private_lines(key.to_pem().expose()) {
                assert!(
                    !text.contains(&line),
                    "{alg:?}: the reply holds the private key"
                );
            }
        }
    }

    #[test]
    fn a_certificate_reply_and_binding_have_only_public_fields() {
        let (identity, facts) = ClientIdentity::generate("Authdeck test", now()).unwrap();
        let certificate = ClientCertMeta {
            id: ClientCertId::new(),
            app_id: AppId("app".into()),
            subject: facts.subject,
            not_after: facts.not_after,
            x5t_s256: facts.x5t_s256.clone(),
            cert_pem: identity.chain_pem(),
            label: "Certificate 1".into(),
            origin: KeyOrigin::Generated,
            added_at: now(),
            state: SecretState::Active,
        };
        let added = CertAdded {
            certificate: certificate.clone(),
            public_jwk: identity.public_jwk().unwrap(),
        };
        let reply = serde_json::to_value(&added).unwrap();
        assert_eq!(names(&reply), ["certificate", "public_jwk"]);
        assert_eq!(
            names(&reply["certificate"]),
            [
                "added_at",
                "app_id",
                "cert_pem",
                "id",
                "label",
                "not_after",
                "origin",
                "state",
                "subject",
                "x5t_s256"
            ]
        );
        let jwk: Value = serde_json::from_str(reply["public_jwk"].as_str().unwrap()).unwrap();
        assert!(jwk.get("d").is_none(), "the JWK holds no private part");
        let binding = serde_json::to_value(CertBinding {
            x5t_s256: facts.x5t_s256,
            certificate: Some(certificate),
            presented_now: true,
        })
        .unwrap();
        assert_eq!(
            names(&binding),
            ["certificate", "presented_now", "x5t_s256"]
        );
        let text = format!("{reply}{binding}");
        for line in private_lines(identity.key_pem().expose()) {
            assert!(!text.contains(&line), "a reply holds the private key");
        }
    }
}
