//! jsonwebtoken's crypto provider for Authdeck: its RustCrypto provider for everything, except
//! RSA signing, which ring does (constant-time; the `rsa` crate's private-key operations have
//! the Marvin timing side channel, RUSTSEC-2023-0071). jsonwebtoken still assembles every JWS
//! (header, claims, base64url); only the signature of RS256 / PS256 comes from ring.
//!
//! jsonwebtoken takes one provider per process, fixed at its first use: `install` runs before
//! every signature (`PrivateKey::encoding_key`), and RSA signing refuses to run under any
//! other provider rather than fall back to the `rsa` crate.

use crate::error::{Error, Result};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, rust_crypto};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::signature::{self, Signer};
use jsonwebtoken::{Algorithm, EncodingKey};
use std::sync::LazyLock;

static PROVIDER: LazyLock<CryptoProvider> = LazyLock::new(|| CryptoProvider {
    signer_factory: signer,
    ..rust_crypto::DEFAULT_PROVIDER.clone()
});

/// Makes Authdeck's provider the process's, or says that another one got there first.
pub(crate) fn install() -> Result<()> {
    let ours: &'static CryptoProvider = &PROVIDER;
    // Err only when a provider is installed already: ours from an earlier call, or another
    let _ = ours.install_default();
    match CryptoProvider::try_get_default() {
        Some(current) if std::ptr::eq(current, ours) => Ok(()),
        _ => Err(Error::Internal(
            "another JOSE crypto provider was chosen for this process before Authdeck's; RSA \
             keys do not sign under it"
                .into(),
        )),
    }
}

fn signer(alg: &Algorithm, key: &EncodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtSigner>> {
    match alg {
        Algorithm::RS256 | Algorithm::PS256 => Ok(Box::new(RingRsa::new(*alg, key)?)),
        // never the `rsa` crate's signer
        Algorithm::RS384 | Algorithm::RS512 | Algorithm::PS384 | Algorithm::PS512 => {
            Err(ErrorKind::InvalidAlgorithm.into())
        }
        _ => (rust_crypto::DEFAULT_PROVIDER.signer_factory)(alg, key),
    }
}

/// An RS256 / PS256 signer on ring's `RsaKeyPair` (the key as PKCS#8 DER).
struct RingRsa {
    alg: Algorithm,
    key: ring::signature::RsaKeyPair,
}

impl RingRsa {
    fn new(alg: Algorithm, key: &EncodingKey) -> jsonwebtoken::errors::Result<Self> {
        let key = ring::signature::RsaKeyPair::from_pkcs8(key.as_bytes())
            .map_err(|e| ErrorKind::InvalidRsaKey(e.to_string()))?;
        Ok(Self { alg, key })
    }
}

impl Signer<Vec<u8>> for RingRsa {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let padding: &'static dyn ring::signature::RsaEncoding = match self.alg {
            Algorithm::PS256 => &ring::signature::RSA_PSS_SHA256,
            _ => &ring::signature::RSA_PKCS1_SHA256,
        };
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                padding,
                &ring::rand::SystemRandom::new(),
                message,
                &mut signature,
            )
            .map_err(|_| signature::Error::new())?;
        Ok(signature)
    }
}

impl JwtSigner for RingRsa {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
}
