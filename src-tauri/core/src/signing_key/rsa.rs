//! RSA signing keys (RS256, PS256), always kept as PKCS#8 DER.
//!
//! Who does what, and why: ring signs (signing_key/jose.rs) and checks every key before it is
//! kept (`RsaKeyPair::from_pkcs8` validates the whole key); the `rsa` crate only GENERATES a
//! key (ring cannot), once, when the person asks for one; its re-exported pkcs1 / pkcs8
//! crates re-wrap imported PKCS#1 and JWK keys as PKCS#8 — encoding, no arithmetic. No
//! private-key operation of the `rsa` crate runs here, so the Marvin side channel
//! (RUSTSEC-2023-0071), which needs an attacker to time many such operations, has nothing to
//! time.

use crate::error::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1::{self, UintRef};
use rsa::pkcs8::der::{Decode, Encode, asn1::OctetStringRef};
use serde::Deserialize;
use zeroize::Zeroizing;

/// The key sizes Authdeck generates, in bits; 2048 unless asked otherwise.
pub const RSA_BITS: [u16; 3] = [2048, 3072, 4096];

/// The shortest RSA key Authdeck keeps (RFC 7518 §3.3: 2048 bits or more).
const MIN_BITS: usize = 2048;

/// The longest RSA key ring signs with.
const MAX_BITS: usize = 4096;

/// A new key of `bits` from the system's random source, as PKCS#8 DER.
pub(super) fn generate(bits: u16) -> Result<Zeroizing<Vec<u8>>> {
    use rsa::pkcs8::EncodePrivateKey;
    if !RSA_BITS.contains(&bits) {
        return Err(Error::invalid(
            "bits",
            format!("Authdeck makes RSA keys of 2048, 3072 or 4096 bits, not {bits}."),
        ));
    }
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, usize::from(bits))
        .map_err(|e| Error::Internal(format!("the RSA key could not be generated ({e})")))?;
    let der = key
        .to_pkcs8_der()
        .map_err(|e| Error::Internal(format!("the RSA key could not be written ({e})")))?;
    Ok(Zeroizing::new(der.as_bytes().to_vec()))
}

/// Checks PKCS#8 DER as an RSA key ring signs with (two primes, 2048 to 4096 bits, consistent)
/// and gives its public JWK members: `n` and `e`, base64url.
pub(super) fn public_members(der: &[u8]) -> Result<(String, String)> {
    let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|_| super::not_a_key())?;
    let key = pkcs1::RsaPrivateKeyRef::from_der(info.private_key.as_bytes())
        .map_err(|_| super::not_a_key())?;
    check_size(key.modulus.as_bytes())?;
    if key.other_prime_infos.is_some() {
        return Err(Error::invalid(
            "key",
            "This is a multi-prime RSA key; Authdeck signs with two-prime keys.",
        ));
    }
    ring::signature::RsaKeyPair::from_pkcs8(der).map_err(|e| {
        Error::invalid(
            "key",
            format!("This RSA key is not consistent ({e}); it cannot sign."),
        )
    })?;
    // DER integers without their leading zeros: the JWK form (RFC 7518 §6.3.1)
    Ok((
        URL_SAFE_NO_PAD.encode(key.modulus.as_bytes()),
        URL_SAFE_NO_PAD.encode(key.public_exponent.as_bytes()),
    ))
}

/// Refuses a modulus shorter than 2048 bits or longer than ring signs with.
fn check_size(modulus: &[u8]) -> Result<()> {
    let leading = modulus
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(modulus.len());
    let significant = &modulus[leading..];
    let bits = significant.len() * 8
        - significant
            .first()
            .map_or(0, |b| b.leading_zeros() as usize);
    if bits < MIN_BITS {
        return Err(Error::invalid(
            "key",
            format!(
                "This RSA key has {bits} bits; RS256 and PS256 need 2048 bits or more \
                 (RFC 7518 §3.3). Make a new key of 2048 bits or more."
            ),
        ));
    }
    if bits > MAX_BITS {
        return Err(Error::invalid(
            "key",
            format!("This RSA key has {bits} bits; Authdeck signs with 2048 to 4096 bits."),
        ));
    }
    Ok(())
}

/// PKCS#1 DER (`BEGIN RSA PRIVATE KEY`) re-wrapped as PKCS#8 DER.
pub(super) fn pkcs8_from_pkcs1(der: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    pkcs1::RsaPrivateKeyRef::from_der(der).map_err(|_| super::not_a_key())?;
    wrap(der)
}

fn wrap(pkcs1_der: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let octets = OctetStringRef::new(pkcs1_der).map_err(|_| super::not_a_key())?;
    let info = rsa::pkcs8::PrivateKeyInfoRef::new(pkcs1::ALGORITHM_ID, octets);
    let der = info.to_der().map_err(|_| super::not_a_key())?;
    Ok(Zeroizing::new(der))
}

fn uint(bytes: &[u8]) -> Result<UintRef<'_>> {
    UintRef::new(bytes).map_err(|_| super::not_a_key())
}

/// A private RSA JWK (RFC 7518 §6.3.2: `n`, `e`, `d` and the CRT members) as PKCS#8 DER.
pub(super) fn pkcs8_from_jwk(text: &str) -> Result<Zeroizing<Vec<u8>>> {
    #[derive(Deserialize)]
    struct PrivateRsaJwk {
        n: String,
        e: String,
        d: Option<crate::model::Secret>,
        p: Option<crate::model::Secret>,
        q: Option<crate::model::Secret>,
        dp: Option<crate::model::Secret>,
        dq: Option<crate::model::Secret>,
        qi: Option<crate::model::Secret>,
    }
    let jwk: PrivateRsaJwk = serde_json::from_str(text).map_err(|_| super::not_a_key())?;
    if jwk.d.is_none() {
        return Err(super::public_jwk_refused());
    }
    let decode = |text: &str| -> Result<Zeroizing<Vec<u8>>> {
        URL_SAFE_NO_PAD
            .decode(text)
            .map(Zeroizing::new)
            .map_err(|_| super::not_a_key())
    };
    let private = |member: &Option<crate::model::Secret>| -> Result<Zeroizing<Vec<u8>>> {
        let member = member.as_ref().ok_or_else(|| {
            Error::invalid(
                "key",
                "This RSA JWK has “d” but not all of “p”, “q”, “dp”, “dq” and “qi”; export the \
                 key with its CRT members.",
            )
        })?;
        decode(member.expose())
    };
    let (n, e) = (decode(&jwk.n)?, decode(&jwk.e)?);
    check_size(&n)?;
    let [d, p, q, dp, dq, qi] = [&jwk.d, &jwk.p, &jwk.q, &jwk.dp, &jwk.dq, &jwk.qi].map(private);
    let (d, p, q, dp, dq, qi) = (d?, p?, q?, dp?, dq?, qi?);
    let key = pkcs1::RsaPrivateKeyRef {
        modulus: uint(&n)?,
        public_exponent: uint(&e)?,
        private_exponent: uint(&d)?,
        prime1: uint(&p)?,
        prime2: uint(&q)?,
        exponent1: uint(&dp)?,
        exponent2: uint(&dq)?,
        coefficient: uint(&qi)?,
        other_prime_infos: None,
    };
    let der = Zeroizing::new(key.to_der().map_err(|_| super::not_a_key())?);
    wrap(&der)
}

/// Whether PKCS#8 DER holds an RSA key (algorithm rsaEncryption).
pub(super) fn is_rsa_pkcs8(der: &[u8]) -> bool {
    rsa::pkcs8::PrivateKeyInfoRef::from_der(der)
        .is_ok_and(|info| info.algorithm.oid == pkcs1::ALGORITHM_OID)
}

#[cfg(test)]
mod tests {
    use super::super::{KeyAlg, KeySource, PrivateKey};
    use super::*;
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};

    /// The same key as the `rsa` crate reads it: an independent view of its public part.
    fn independent(key: &PrivateKey) -> rsa::PrivateKey {
        rsa::PrivateKey::from_pkcs8_der(&key.der).unwrap()
    }

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn an_rsa_key_public_jwk_is_exactly_n_and_e_of_the_private_key_with_kid_alg_use() {
        for (alg, bits) in [(KeyAlg::Rs256, 2048), (KeyAlg::Ps256, 3072)] {
            let key = PrivateKey::generate_rsa(alg, bits).unwrap();
            let theirs = independent(&key);
            assert_eq!(theirs.size() * 8, usize::from(bits));
            let (jwk, kid) = key.public_jwk().unwrap();
            let jwk: serde_json::Value = serde_json::from_str(&jwk).unwrap();
            assert_eq!(
                jwk,
                serde_json::json!({
                    "kty": "RSA",
                    "n": b64(&theirs.n_bytes()),
                    "e": b64(&theirs.e_bytes()),
                    "kid": kid,
                    "alg": alg.as_str(),
                    "use": "sig",
                })
            );
            assert_eq!(jwk["e"], "AQAB");
        }
    }

    #[test]
    fn an_rsa_key_imports_from_pkcs8_pkcs1_and_a_private_jwk_with_the_same_kid() {
        let key = PrivateKey::generate(KeyAlg::Rs256).unwrap();
        let (public, kid) = key.public_jwk().unwrap();
        let theirs = independent(&key);
        let pkcs1 = theirs.to_pkcs1_pem(Default::default()).unwrap();
        assert!(pkcs1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        let mut jwk: serde_json::Value = serde_json::from_str(&public).unwrap();
        let primes = theirs.primes();
        let crt = |value: &rsa::BoxedUint| b64(value.to_be_bytes_trimmed_vartime().as_ref());
        jwk["d"] = crt(theirs.d()).into();
        jwk["p"] = crt(primes[0].as_ref()).into();
        jwk["q"] = crt(primes[1].as_ref()).into();
        jwk["dp"] = crt(theirs.dp().unwrap()).into();
        jwk["dq"] = crt(theirs.dq().unwrap()).into();
        jwk["qi"] = crt(&theirs.qinv().unwrap().retrieve()).into();
        for text in [
            key.to_pem().expose().to_owned(),
            pkcs1.to_string(),
            jwk.to_string(),
        ] {
            let again = PrivateKey::import(&text).unwrap();
            assert_eq!(again.public_jwk().unwrap(), (public.clone(), kid.clone()));
        }
        // the JWK's own alg, or the one asked for: one key, one algorithm
        jwk["alg"] = "PS256".into();
        assert_eq!(
            PrivateKey::import(&jwk.to_string()).unwrap().alg(),
            KeyAlg::Ps256
        );
        let as_ps = PrivateKey::import_as(&pkcs1, Some(KeyAlg::Ps256)).unwrap();
        assert_eq!(as_ps.alg(), KeyAlg::Ps256);
        let error = PrivateKey::import_as(&pkcs1, Some(KeyAlg::Es256)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "This is an RSA (RS256 / PS256) key; it cannot sign ES256."
        );
    }

    #[test]
    fn a_short_rsa_key_and_public_only_material_are_refused_by_name() {
        let short = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024).unwrap();
        let pkcs1 = short.to_pkcs1_pem(Default::default()).unwrap();
        let pkcs8 = short.to_pkcs8_pem(Default::default()).unwrap();
        for text in [pkcs1.as_str(), pkcs8.as_str()] {
            let error = PrivateKey::import(text).unwrap_err();
            assert_eq!(error.code(), crate::ErrorCode::Validation);
            assert!(
                error.to_string().starts_with(
                    "This RSA key has 1024 bits; RS256 and PS256 need 2048 bits or more"
                ),
                "{error}"
            );
        }
        let key = PrivateKey::generate(KeyAlg::Rs256).unwrap();
        let spki = independent(&key)
            .to_public_key()
            .to_public_key_pem(Default::default())
            .unwrap();
        let error = PrivateKey::import(&spki).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("This is a public key (“BEGIN PUBLIC KEY”)"),
            "{error}"
        );
        let (public, _) = key.public_jwk().unwrap();
        let error = PrivateKey::import(&public).unwrap_err();
        assert_eq!(
            error.to_string(),
            "This JWK has no “d”: it is a public key. Import the private key."
        );
        let error = PrivateKey::generate_rsa(KeyAlg::Rs256, 1024).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Authdeck makes RSA keys of 2048, 3072 or 4096 bits, not 1024."
        );
    }

    #[test]
    fn rs256_and_ps256_assertions_verify_against_the_public_jwk_and_debug_is_redacted() {
        use jsonwebtoken::{DecodingKey, Header, Validation};
        for alg in [KeyAlg::Rs256, KeyAlg::Ps256] {
            let key = PrivateKey::generate(alg).unwrap();
            let token = jsonwebtoken::encode(
                &Header::new(key.jws()),
                &serde_json::json!({"sub": "me"}),
                &key.encoding_key().unwrap(),
            )
            .unwrap();
            let (jwk, _) = key.public_jwk().unwrap();
            let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_str(&jwk).unwrap();
            let mut validation = Validation::new(key.jws());
            validation.required_spec_claims.clear();
            let decoded = jsonwebtoken::decode::<serde_json::Value>(
                &token,
                &DecodingKey::from_jwk(&jwk).unwrap(),
                &validation,
            )
            .unwrap();
            assert_eq!(decoded.claims["sub"], "me");
            assert_eq!(
                format!("{key:?}"),
                format!("PrivateKey({}, [redacted])", alg.as_str())
            );
            let source = KeySource::ImportAs {
                alg,
                key: key.to_pem(),
            };
            assert_eq!(
                format!("{source:?}"),
                format!("ImportAs({alg:?}, [redacted])")
            );
        }
    }

    #[test]
    fn the_rsa_crate_signer_refuses_the_kept_key_so_only_ring_can_sign_it() {
        // were Authdeck's provider bypassed, the `rsa` crate (PKCS#1 only) could not sign
        let key = PrivateKey::generate(KeyAlg::Rs256).unwrap();
        let rust_crypto = &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
        let signer = (rust_crypto.signer_factory)(
            &jsonwebtoken::Algorithm::RS256,
            &key.encoding_key().unwrap(),
        )
        .unwrap();
        assert!(signer.try_sign(b"message").is_err());
        // and RS384 / PS512, which ring is not asked for, are refused, never handed to it
        let ours = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS384),
            &serde_json::json!({}),
            &key.encoding_key().unwrap(),
        );
        assert!(ours.is_err());
    }
}
