//! An app's signing keys for `private_key_jwt`: what is known of each (public JWK, `kid`,
//! lifecycle) and the private key itself, which lives only in the keychain (as PKCS#8 PEM under
//! `signing-key:<id>`).
//!
//! Who does what: ring generates keys (P-256 ECDSA and Ed25519, PKCS#8); the RustCrypto crates
//! p256 and ed25519-dalek read imported PEM / JWK keys and write the one PKCS#8 form stored;
//! jsonwebtoken makes the public JWK, its RFC 7638 thumbprint (the `kid`) and the signatures.
//! RS256 / PS256 are not offered: ring cannot generate RSA keys, and the pure-Rust `rsa` crate
//! has an unfixed timing side channel in private-key operations (RUSTSEC-2023-0071).

use crate::error::{Error, Result};
use crate::model::{AppId, SecretState, Timestamp};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, KeyAlgorithm, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

#[cfg(feature = "ts")]
use ts_rs::TS;

crate::model::id_type!(
    /// Identifies one signing key of an app (its keychain entry is `signing-key:<id>`).
    SigningKeyId
);

/// The JWS algorithm a key signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub enum KeyAlg {
    /// ECDSA on P-256 with SHA-256.
    #[serde(rename = "ES256")]
    Es256,
    /// Ed25519.
    #[serde(rename = "EdDSA")]
    EdDsa,
}

impl KeyAlg {
    /// Every algorithm a key can be generated for, in the order the desktop offers them.
    pub const ALL: [KeyAlg; 2] = [Self::Es256, Self::EdDsa];

    /// The JWS name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
        }
    }

    /// Parses the JWS name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "ES256" => Some(Self::Es256),
            "EdDSA" => Some(Self::EdDsa),
            _ => None,
        }
    }

    fn jws(self) -> Algorithm {
        match self {
            Self::Es256 => Algorithm::ES256,
            Self::EdDsa => Algorithm::EdDSA,
        }
    }
}

/// Where a key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum KeyOrigin {
    Generated,
    Imported,
}

impl KeyOrigin {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generated => "generated",
            Self::Imported => "imported",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "generated" => Some(Self::Generated),
            "imported" => Some(Self::Imported),
            _ => None,
        }
    }
}

/// What is known of a signing key; the private key itself lives only in the keychain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SigningKeyMeta {
    pub id: SigningKeyId,
    pub app_id: AppId,
    pub alg: KeyAlg,
    /// The RFC 7638 thumbprint of the public key: the `kid` of its JWK and of assertions.
    pub kid: String,
    /// The public JWK (JSON text): what to register at the provider. Never holds `d`.
    pub public_jwk: String,
    pub label: String,
    pub origin: KeyOrigin,
    pub added_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub state: SecretState,
}

/// A new signing key: generated in Authdeck, or imported from PKCS#8 PEM or a private JWK.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
pub struct SigningKeyInput {
    pub app_id: AppId,
    pub label: String,
    pub source: KeySource,
}

impl std::fmt::Debug for SigningKeyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKeyInput")
            .field("app_id", &self.app_id)
            .field("label", &self.label)
            .field("source", &self.source)
            .finish()
    }
}

/// Where a new key comes from.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum KeySource {
    /// A new key made by Authdeck.
    Generate(KeyAlg),
    /// A PKCS#8 PEM (`BEGIN PRIVATE KEY`) or a private JWK (with `d`), as text.
    Import(crate::model::Secret),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Generate(alg) => f.debug_tuple("Generate").field(alg).finish(),
            Self::Import(_) => f.write_str("Import([redacted])"),
        }
    }
}

/// A private signing key: its PKCS#8 DER, wiped from memory when dropped. No Debug of the
/// material, no serialization.
pub struct PrivateKey {
    alg: KeyAlg,
    der: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateKey({}, [redacted])", self.alg.as_str())
    }
}

impl PrivateKey {
    /// A new key made by ring from the system's random source.
    pub fn generate(alg: KeyAlg) -> Result<Self> {
        use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair};
        let random = ring::rand::SystemRandom::new();
        let failed = |_| Error::Internal("the system's random source failed".into());
        let document = match alg {
            KeyAlg::Es256 => {
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &random)
                    .map_err(failed)?
            }
            KeyAlg::EdDsa => Ed25519KeyPair::generate_pkcs8(&random).map_err(failed)?,
        };
        Self::from_der(document.as_ref())
            .map_err(|_| Error::Internal("a generated key could not be read back".into()))
    }

    /// A key from imported text: PKCS#8 PEM or a private JWK (P-256 or Ed25519).
    pub fn import(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.starts_with('{') {
            return Self::from_jwk(text);
        }
        let block = pem::parse(text).map_err(|_| not_a_key())?;
        if block.tag() != "PRIVATE KEY" {
            return Err(Error::invalid(
                "key",
                format!(
                    "This is a “{}” PEM block; Authdeck reads private keys as PKCS#8 \
                     (“BEGIN PRIVATE KEY”). Convert it with: openssl pkcs8 -topk8 -nocrypt",
                    block.tag()
                ),
            ));
        }
        Self::from_der(block.contents())
    }

    /// Reads PKCS#8 DER as a P-256 or an Ed25519 key, and keeps it in one PKCS#8 form.
    fn from_der(der: &[u8]) -> Result<Self> {
        use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
        if let Ok(key) = p256::SecretKey::from_pkcs8_der(der) {
            let der = key.to_pkcs8_der().map_err(|_| not_a_key())?;
            return Ok(Self {
                alg: KeyAlg::Es256,
                der: Zeroizing::new(der.as_bytes().to_vec()),
            });
        }
        if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
            // PKCS#8 v1 (RFC 8410 without the public key): the form jsonwebtoken reads
            let bytes = ed25519_dalek::ed25519::pkcs8::KeypairBytes {
                secret_key: key.to_bytes(),
                public_key: None,
            };
            let der = bytes.to_pkcs8_der().map_err(|_| not_a_key())?;
            return Ok(Self {
                alg: KeyAlg::EdDsa,
                der: Zeroizing::new(der.as_bytes().to_vec()),
            });
        }
        Err(Error::invalid(
            "key",
            "This PKCS#8 key is neither a P-256 (ES256) nor an Ed25519 (EdDSA) key; Authdeck \
             signs assertions with those two.",
        ))
    }

    /// Reads a private JWK: EC P-256 or OKP Ed25519 with its `d`.
    fn from_jwk(text: &str) -> Result<Self> {
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        #[derive(Deserialize)]
        struct PrivateJwk {
            kty: String,
            crv: Option<String>,
            d: Option<crate::model::Secret>,
        }
        let jwk: PrivateJwk = serde_json::from_str(text).map_err(|_| not_a_key())?;
        let d = jwk.d.as_ref().ok_or_else(|| {
            Error::invalid(
                "key",
                "This JWK has no “d”: it is a public key. Import the private key.",
            )
        })?;
        let d = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(d.expose())
                .map_err(|_| not_a_key())?,
        );
        let der = match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("EC", Some("P-256")) => p256::SecretKey::from_slice(&d)
                .map_err(|_| not_a_key())?
                .to_pkcs8_der(),
            ("OKP", Some("Ed25519")) => {
                let seed: [u8; 32] = d.as_slice().try_into().map_err(|_| not_a_key())?;
                ed25519_dalek::ed25519::pkcs8::KeypairBytes {
                    secret_key: seed,
                    public_key: None,
                }
                .to_pkcs8_der()
            }
            (kty, crv) => {
                return Err(Error::invalid(
                    "key",
                    format!(
                        "A {kty} key{} cannot sign ES256 or EdDSA; import a P-256 (EC) or an \
                         Ed25519 (OKP) key.",
                        crv.map(|c| format!(" on {c}")).unwrap_or_default()
                    ),
                ));
            }
        }
        .map_err(|_| not_a_key())?;
        Self::from_der(der.as_bytes())
    }

    /// Reads the PKCS#8 PEM kept in the keychain.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let block = pem::parse(pem).map_err(|_| {
            Error::Keychain("The signing key in the keychain is not a PKCS#8 PEM.".into())
        })?;
        Self::from_der(block.contents())
    }

    /// The PKCS#8 PEM kept in the keychain.
    pub fn to_pem(&self) -> crate::model::Secret {
        let block = pem::Pem::new("PRIVATE KEY", self.der.to_vec());
        crate::model::Secret::new(pem::encode(&block))
    }

    /// The algorithm it signs with.
    pub fn alg(&self) -> KeyAlg {
        self.alg
    }

    /// jsonwebtoken's key for signing.
    pub(crate) fn encoding_key(&self) -> EncodingKey {
        match self.alg {
            KeyAlg::Es256 => EncodingKey::from_ec_der(&self.der),
            KeyAlg::EdDsa => EncodingKey::from_ed_der(&self.der),
        }
    }

    /// The JWS algorithm it signs with.
    pub(crate) fn jws(&self) -> Algorithm {
        self.alg.jws()
    }

    /// The public key as a JWK of its key members only (`kty`, `crv`, `x`[, `y`]): what a
    /// DPoP proof's header carries.
    pub(crate) fn bare_jwk(&self) -> Result<Jwk> {
        Jwk::from_encoding_key(&self.encoding_key(), self.alg.jws())
            .map_err(|e| Error::Internal(format!("the public key could not be derived ({e})")))
    }

    /// The RFC 7638 thumbprint of the public key (a DPoP key's `jkt`, a signing key's `kid`).
    pub fn thumbprint(&self) -> Result<String> {
        self.bare_jwk()?
            .thumbprint(ThumbprintHash::SHA256)
            .map_err(|e| Error::Internal(format!("the public key could not be derived ({e})")))
    }

    /// The public JWK (`kty`, `crv`, `x`[, `y`], `kid` = RFC 7638 thumbprint, `alg`,
    /// `use` = sig) as JSON text, and its `kid`.
    pub fn public_jwk(&self) -> Result<(String, String)> {
        let failed = |e: jsonwebtoken::errors::Error| {
            Error::Internal(format!("the public key could not be derived ({e})"))
        };
        let mut jwk =
            Jwk::from_encoding_key(&self.encoding_key(), self.alg.jws()).map_err(failed)?;
        let kid = jwk.thumbprint(ThumbprintHash::SHA256).map_err(failed)?;
        jwk.common.key_id = Some(kid.clone());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        jwk.common.key_algorithm = Some(match self.alg {
            KeyAlg::Es256 => KeyAlgorithm::ES256,
            KeyAlg::EdDsa => KeyAlgorithm::EdDSA,
        });
        let text = serde_json::to_string(&jwk)
            .map_err(|e| Error::Internal(format!("the public JWK could not be written ({e})")))?;
        Ok((text, kid))
    }
}

fn not_a_key() -> Error {
    Error::invalid(
        "key",
        "This is not a private key Authdeck can read: give a PKCS#8 PEM (“BEGIN PRIVATE KEY”) \
         or a private JWK (EC P-256 or OKP Ed25519, with “d”).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_is_listed_once_and_reads_back_from_its_name() {
        // A new variant stops this match from compiling until it is weighed for ALL too.
        let listed = |alg: KeyAlg| match alg {
            KeyAlg::Es256 | KeyAlg::EdDsa => KeyAlg::ALL.iter().filter(|a| **a == alg).count(),
        };
        for alg in KeyAlg::ALL {
            assert_eq!(listed(alg), 1, "{alg:?}");
            assert_eq!(KeyAlg::parse(alg.as_str()), Some(alg));
        }
        assert_eq!(KeyAlg::ALL, [KeyAlg::Es256, KeyAlg::EdDsa]);
    }

    #[test]
    fn a_generated_key_has_a_public_jwk_without_d_whose_kid_is_its_thumbprint() {
        for alg in [KeyAlg::Es256, KeyAlg::EdDsa] {
            let key = PrivateKey::generate(alg).unwrap();
            let (jwk, kid) = key.public_jwk().unwrap();
            let jwk: serde_json::Value = serde_json::from_str(&jwk).unwrap();
            let mut names: Vec<&str> = jwk
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            names.sort_unstable();
            match alg {
                KeyAlg::Es256 => {
                    assert_eq!(names, ["alg", "crv", "kid", "kty", "use", "x", "y"]);
                    assert_eq!((&jwk["kty"], &jwk["crv"]), (&"EC".into(), &"P-256".into()));
                }
                KeyAlg::EdDsa => {
                    assert_eq!(names, ["alg", "crv", "kid", "kty", "use", "x"]);
                    assert_eq!(
                        (&jwk["kty"], &jwk["crv"]),
                        (&"OKP".into(), &"Ed25519".into())
                    );
                }
            }
            assert_eq!(jwk["kid"], kid);
            assert_eq!(jwk["alg"], alg.as_str());
            assert_eq!(jwk["use"], "sig");
            assert_eq!(kid.len(), 43, "a base64url SHA-256");
        }
    }

    #[test]
    fn a_key_reads_back_from_its_pem_and_from_a_private_jwk_with_the_same_kid() {
        let es = PrivateKey::generate(KeyAlg::Es256).unwrap();
        let again = PrivateKey::import(es.to_pem().expose()).unwrap();
        assert_eq!(again.public_jwk().unwrap(), es.public_jwk().unwrap());
        // a private JWK: the public one plus d
        use ed25519_dalek::pkcs8::DecodePrivateKey;
        let secret = p256::SecretKey::from_pkcs8_der(&es.der).unwrap();
        let (public, kid) = es.public_jwk().unwrap();
        let mut private: serde_json::Value = serde_json::from_str(&public).unwrap();
        private["d"] = URL_SAFE_NO_PAD.encode(secret.to_bytes()).into();
        let from_jwk = PrivateKey::import(&private.to_string()).unwrap();
        assert_eq!(from_jwk.public_jwk().unwrap().1, kid);
    }

    #[test]
    fn unreadable_and_public_keys_are_refused_and_debug_never_shows_material() {
        let error = PrivateKey::import("hello").unwrap_err();
        assert_eq!(error.code(), crate::ErrorCode::Validation);
        let key = PrivateKey::generate(KeyAlg::EdDsa).unwrap();
        let (public, _) = key.public_jwk().unwrap();
        let error = PrivateKey::import(&public).unwrap_err();
        assert!(error.to_string().contains("has no “d”"), "{error}");
        let pem = key.to_pem();
        let body: String = pem.expose().lines().nth(1).unwrap().to_owned();
        assert_eq!(format!("{key:?}"), "PrivateKey(EdDSA, [redacted])");
        let input = KeySource::Import(pem);
        assert_eq!(format!("{input:?}"), "Import([redacted])");
        assert!(!format!("{input:?}").contains(&body));
    }
}
