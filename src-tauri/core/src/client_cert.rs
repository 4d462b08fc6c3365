//! An app's client certificates for mutual TLS (RFC 8705: `tls_client_auth` and
//! `self_signed_tls_client_auth`): what is known of each (the certificate itself, which is
//! public, its subject, expiry and `x5t#S256`, the lifecycle) and its private key, which lives
//! only in the keychain (as PEM under `client-cert:<id>`).
//!
//! Who does what: rcgen (on ring) makes a self-signed P-256 certificate; x509-cert reads a
//! certificate's subject and validity; rustls (ring) reads the private key and checks that it
//! belongs to the certificate (`CertifiedKey::keys_match`); jsonwebtoken makes the public JWK.

use crate::error::{Error, Result};
use crate::model::{AppId, SecretState, Timestamp};
use crate::signing_key::KeyOrigin;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ts")]
use ts_rs::TS;

/// How long a certificate made by `cert generate` is valid.
pub const GENERATED_VALID_DAYS: i64 = 365;

crate::model::id_type!(
    /// Identifies one client certificate of an app (its key's keychain entry is `client-cert:<id>`).
    ClientCertId
);

/// What is known of a client certificate; its private key lives only in the keychain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ClientCertMeta {
    pub id: ClientCertId,
    pub app_id: AppId,
    /// The certificate's subject (RFC 4514), as the provider may match it (`tls_client_auth`).
    pub subject: String,
    pub not_after: Timestamp,
    /// base64url SHA-256 of the certificate (DER): RFC 8705's `x5t#S256`, the `cnf` of tokens
    /// bound to it.
    pub x5t_s256: String,
    /// The certificate (then any chain), PEM: public.
    pub cert_pem: String,
    pub label: String,
    pub origin: KeyOrigin,
    pub added_at: Timestamp,
    pub state: SecretState,
}

/// A new client certificate: generated (self-signed) in Authdeck, or imported with its key.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct ClientCertInput {
    pub app_id: AppId,
    pub label: String,
    pub source: CertSource,
}

impl std::fmt::Debug for ClientCertInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCertInput")
            .field("app_id", &self.app_id)
            .field("label", &self.label)
            .field("source", &self.source)
            .finish()
    }
}

/// Where a new certificate comes from.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CertSource {
    /// A self-signed P-256 certificate made by Authdeck (for self_signed_tls_client_auth).
    Generate,
    /// A certificate (PEM, then any chain) and its private key (PKCS#8, PKCS#1 or SEC1 PEM).
    Import {
        certificate: String,
        key: crate::model::Secret,
    },
}

impl std::fmt::Debug for CertSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Generate => f.write_str("Generate"),
            Self::Import { .. } => f.write_str("Import([redacted])"),
        }
    }
}

/// A token bound to a client certificate (RFC 8705 §3): the `cnf.x5t#S256` it carries and
/// the app's certificate that has that thumbprint, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct CertBinding {
    pub x5t_s256: String,
    /// The app's certificate with this thumbprint (None: none of its certificates).
    pub certificate: Option<ClientCertMeta>,
    /// Whether that certificate is the one the app presents now (its newest active one).
    pub presented_now: bool,
}

/// What is known here, without the network, of a stored token's certificate binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenCertBinding {
    /// A JWT whose `cnf.x5t#S256` names a certificate.
    Bound(Box<CertBinding>),
    /// A JWT without `cnf.x5t#S256`: not bound to a certificate.
    NotBound,
    /// An opaque token (only its provider's introspection says), or one the keychain did not
    /// give.
    NotInView,
}

/// The `cnf.x5t#S256` in a token's claims or an introspection answer, as shown fields.
pub fn bound_thumbprint(fields: &[crate::model::Field]) -> Option<String> {
    let cnf = fields.iter().find(|field| field.name == "cnf")?;
    let cnf: serde_json::Value = serde_json::from_str(&cnf.value).ok()?;
    cnf.get("x5t#S256")?.as_str().map(str::to_owned)
}

/// What a certificate says of itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertFacts {
    pub subject: String,
    pub not_after: Timestamp,
    pub x5t_s256: String,
}

/// A certificate chain and the private key that goes with its first certificate: what a TLS
/// handshake presents. No Debug of the key, no serialization.
pub struct ClientIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Drop for ClientIdentity {
    // The TLS client built from it keeps its own copy for the run (`Core::http_presenting`).
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ClientIdentity({} certificates, [redacted])",
            self.chain.len()
        )
    }
}

impl ClientIdentity {
    /// Reads an imported certificate and key; refuses an unreadable one, a key that is not the
    /// certificate's, and a certificate that has expired (a provider would refuse it anyway).
    pub fn import(certificate: &str, key: &str, now: Timestamp) -> Result<(Self, CertFacts)> {
        let chain = read_chain(certificate)?;
        let facts = facts_of(&chain[0])?;
        if facts.not_after.unix() <= now.unix() {
            return Err(Error::invalid(
                "expiry",
                format!(
                    "This certificate expired on {}; a provider refuses it. Ask for a new one.",
                    day_of(facts.not_after)
                ),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key.trim().as_bytes()).map_err(|_| {
            Error::invalid(
                "key",
                "This is not a private key Authdeck can read: give a PEM private key (“BEGIN \
                 PRIVATE KEY”, “BEGIN EC PRIVATE KEY” or “BEGIN RSA PRIVATE KEY”), unencrypted.",
            )
        })?;
        let identity = Self { chain, key };
        identity.check_pair()?;
        Ok((identity, facts))
    }

    /// A new self-signed P-256 certificate for `common_name`, valid from now for
    /// [`GENERATED_VALID_DAYS`].
    pub fn generate(common_name: &str, now: Timestamp) -> Result<(Self, CertFacts)> {
        let failed = |e: rcgen::Error| Error::Internal(format!("no certificate was made ({e})"));
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(failed)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, common_name);
        // a minute back: a provider whose clock runs a little behind still takes it at once
        params.not_before = now.0 - time::Duration::minutes(1);
        params.not_after = now.0 + time::Duration::days(GENERATED_VALID_DAYS);
        let certificate = params.self_signed(&key).map_err(failed)?;
        let der = certificate.der().clone();
        let facts = facts_of(&der)?;
        let key = PrivateKeyDer::Pkcs8(key.serialize_der().into());
        Ok((
            Self {
                chain: vec![der],
                key,
            },
            facts,
        ))
    }

    /// The identity kept for an app: its stored certificate and the key from the keychain.
    pub fn from_stored(cert_pem: &str, key_pem: &str) -> Result<Self> {
        let chain = read_chain(cert_pem)?;
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|_| {
            Error::Keychain("The client certificate's key in the keychain is not a PEM key.".into())
        })?;
        Ok(Self { chain, key })
    }

    /// Refuses a key that does not belong to the first certificate.
    fn check_pair(&self) -> Result<()> {
        let provider = rustls::crypto::ring::default_provider();
        let signing = provider
            .key_provider
            .load_private_key(self.key.clone_key())
            .map_err(|_| {
                Error::invalid(
                    "key",
                    "This private key is of a kind TLS cannot sign with (Authdeck takes EC \
                     P-256 / P-384, RSA and Ed25519 keys).",
                )
            })?;
        let certified = rustls::sign::CertifiedKey::new(self.chain.clone(), signing);
        match certified.keys_match() {
            Ok(()) => Ok(()),
            Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
                Err(Error::invalid(
                    "key_pair",
                    "This private key does not belong to the certificate (their public keys \
                     differ). Give the key the certificate was issued for.",
                ))
            }
            Err(e) => Err(Error::invalid(
                "key_pair",
                format!("Whether the key belongs to the certificate could not be checked ({e})."),
            )),
        }
    }

    /// The certificate chain, PEM: what the store keeps.
    pub fn chain_pem(&self) -> String {
        let blocks: Vec<pem::Pem> = self
            .chain
            .iter()
            .map(|der| pem::Pem::new("CERTIFICATE", der.to_vec()))
            .collect();
        pem::encode_many(&blocks)
    }

    /// The private key, PEM: what the keychain keeps.
    pub fn key_pem(&self) -> crate::model::Secret {
        let tag = match &self.key {
            PrivateKeyDer::Pkcs1(_) => "RSA PRIVATE KEY",
            PrivateKeyDer::Sec1(_) => "EC PRIVATE KEY",
            _ => "PRIVATE KEY",
        };
        let block = pem::Pem::new(tag, self.key.secret_der().to_vec());
        crate::model::Secret::new(pem::encode(&block))
    }

    /// The chain and key for a rustls client configuration.
    pub(crate) fn for_tls(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        (self.chain.clone(), self.key.clone_key())
    }

    /// The public JWK of a P-256 identity with its certificate (`x5c`) and `x5t#S256`: what a
    /// provider registers for self_signed_tls_client_auth (RFC 8705 §2.2). None for other keys.
    pub fn public_jwk(&self) -> Result<Option<String>> {
        let PrivateKeyDer::Pkcs8(pkcs8) = &self.key else {
            return Ok(None);
        };
        crate::signing_key::jose::install()?;
        let key = jsonwebtoken::EncodingKey::from_ec_der(pkcs8.secret_pkcs8_der());
        let Ok(mut jwk) =
            jsonwebtoken::jwk::Jwk::from_encoding_key(&key, jsonwebtoken::Algorithm::ES256)
        else {
            return Ok(None);
        };
        jwk.common.x509_chain = Some(self.chain.iter().map(|der| STANDARD.encode(der)).collect());
        jwk.common.x509_sha256_fingerprint = Some(x5t_s256(&self.chain[0]));
        serde_json::to_string(&jwk)
            .map(Some)
            .map_err(|e| Error::Internal(format!("the public JWK could not be written ({e})")))
    }
}

/// The certificates of a PEM text, in order; refuses text with none.
fn read_chain(text: &str) -> Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_slice_iter(text.trim().as_bytes())
        .collect::<std::result::Result<Vec<_>, _>>()
        .unwrap_or_default();
    if chain.is_empty() {
        return Err(Error::invalid(
            "certificate",
            "This is not a certificate Authdeck can read: give a PEM certificate (“BEGIN \
             CERTIFICATE”), then any intermediate certificates.",
        ));
    }
    Ok(chain)
}

/// The subject, expiry and thumbprint of a certificate.
pub fn facts_of(der: &CertificateDer<'_>) -> Result<CertFacts> {
    use x509_cert::der::Decode;
    let unreadable = || {
        Error::invalid(
            "certificate",
            "This PEM block is not an X.509 certificate Authdeck can read.",
        )
    };
    let certificate = x509_cert::Certificate::from_der(der).map_err(|_| unreadable())?;
    let tbs = certificate.tbs_certificate();
    let not_after = tbs.validity().not_after.to_unix_duration().as_secs();
    Ok(CertFacts {
        subject: tbs.subject().to_string(),
        not_after: i64::try_from(not_after)
            .ok()
            .and_then(Timestamp::from_unix)
            .ok_or_else(unreadable)?,
        x5t_s256: x5t_s256(der),
    })
}

/// RFC 8705 §3.1's `x5t#S256`: base64url SHA-256 of the certificate's DER.
pub fn x5t_s256(der: &[u8]) -> String {
    use sha2::Digest;
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(der))
}

fn day_of(at: Timestamp) -> String {
    at.0.date().to_string()
}

/// A certificate's expiry as errors name it: `2026-12-01 08:50:03 UTC`.
pub fn moment_of(at: Timestamp) -> String {
    let time = at.0.time();
    format!(
        "{} {:02}:{:02}:{:02} UTC",
        at.0.date(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        Timestamp::from_unix(1_800_000_000).unwrap()
    }

    #[test]
    fn a_generated_certificate_reads_back_with_its_key_subject_and_thumbprint() {
        let (made, facts) = ClientIdentity::generate("Authdeck billing", now()).unwrap();
        assert_eq!(facts.subject, "CN=Authdeck billing");
        assert_eq!(
            facts.not_after.unix() - now().unix(),
            GENERATED_VALID_DAYS * 86_400
        );
        assert_eq!(facts.x5t_s256.len(), 43, "a base64url SHA-256");
        let key = made.key_pem();
        let (again, facts_again) =
            ClientIdentity::import(&made.chain_pem(), key.expose(), now()).unwrap();
        assert_eq!(facts_again, facts);
        let jwk: serde_json::Value =
            serde_json::from_str(&again.public_jwk().unwrap().unwrap()).unwrap();
        assert_eq!((&jwk["kty"], &jwk["crv"]), (&"EC".into(), &"P-256".into()));
        assert_eq!(jwk["x5t#S256"], facts.x5t_s256);
        assert_eq!(
            jwk["x5c"][0],
            STANDARD.encode(made.chain[0].as_ref()).as_str()
        );
        assert!(jwk.get("d").is_none(), "the public part only");
    }

    #[test]
    fn a_key_of_another_certificate_is_refused_as_a_wrong_pair() {
        let (one, _) = ClientIdentity::generate("one", now()).unwrap();
        let (other, _) = ClientIdentity::generate("other", now()).unwrap();
        let error =
            ClientIdentity::import(&one.chain_pem(), other.key_pem().expose(), now()).unwrap_err();
        assert!(
            matches!(&error, Error::Validation { field, .. } if field == "key_pair"),
            "{error:?}"
        );
    }

    #[test]
    fn unreadable_text_and_an_expired_certificate_are_refused_each_by_its_field() {
        let (made, facts) = ClientIdentity::generate("x", now()).unwrap();
        let key = made.key_pem();
        let field = |result: Result<(ClientIdentity, CertFacts)>| match result {
            Err(Error::Validation { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(ClientIdentity::import("hello", key.expose(), now())),
            "certificate"
        );
        assert_eq!(
            field(ClientIdentity::import(&made.chain_pem(), "hello", now())),
            "key"
        );
        let later = Timestamp::from_unix(facts.not_after.unix() + 1).unwrap();
        assert_eq!(
            field(ClientIdentity::import(
                &made.chain_pem(),
                key.expose(),
                later
            )),
            "expiry"
        );
    }

    #[test]
    fn the_bound_thumbprint_is_read_from_a_cnf_claim_and_nothing_else() {
        let claims = serde_json::json!({"sub": "x", "cnf": {"x5t#S256": "abc"}});
        let fields = crate::flows::fields_of(claims.as_object().unwrap());
        assert_eq!(bound_thumbprint(&fields), Some("abc".into()));
        let dpop = serde_json::json!({"cnf": {"jkt": "abc"}});
        let fields = crate::flows::fields_of(dpop.as_object().unwrap());
        assert_eq!(
            bound_thumbprint(&fields),
            None,
            "a DPoP binding is not a certificate"
        );
        assert_eq!(bound_thumbprint(&[]), None);
    }

    #[test]
    fn debug_never_shows_the_key() {
        let (made, _) = ClientIdentity::generate("x", now()).unwrap();
        let key = made.key_pem();
        let body = key.expose().lines().nth(1).unwrap().to_owned();
        assert_eq!(
            format!("{made:?}"),
            "ClientIdentity(1 certificates, [redacted])"
        );
        let source = CertSource::Import {
            certificate: made.chain_pem(),
            key,
        };
        assert_eq!(format!("{source:?}"), "Import([redacted])");
        assert!(!format!("{source:?}").contains(&body));
    }
}
