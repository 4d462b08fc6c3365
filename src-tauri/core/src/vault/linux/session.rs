//! The encryption of a Secret Service session, algorithm `dh-ietf1024-sha256-aes128-cbc-pkcs7`
//! (Secret Service API, "Transfer of Secrets"): a Diffie-Hellman key agreement in the 1024-bit
//! MODP group of RFC 2409 (generator 2), HKDF-SHA256 of the shared secret (no salt, no info) to a
//! 128-bit AES key, and AES-128-CBC with PKCS#7 padding and a random IV per value.
//!
//! Why not the `secret-service` crate's session: its exponentiation is a square-and-multiply with
//! a full multiply and division per step, about 27 million instructions per process (most of a
//! cached `authdeck token`), and its session type is private, so the computation cannot be
//! replaced from outside. Here the exponentiation is crypto-bigint's constant-time Montgomery
//! ladder (fixed-size, windowed), the same arithmetic the `rsa` crate in the tree uses.

use crate::error::{Error, Result};
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U256, U1024};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// The algorithm name sent in `OpenSession`.
pub const ALGORITHM: &str = "dh-ietf1024-sha256-aes128-cbc-pkcs7";

/// RFC 2409 section 6.2, the Second Oakley Group: 2^1024 - 2^960 - 1 + 2^64 * (floor(2^894 pi)
/// + 129093), a safe prime.
const PRIME: U1024 = U1024::from_be_hex(concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
));

/// Bytes of a public key or shared secret (the prime's size).
const KEY_BYTES: usize = 128;
/// Bytes of the private exponent: 256 bits. The group's prime is safe (p = 2q + 1), so a short
/// exponent leaves no small subgroup to exploit, and the best attack on it (Pollard's lambda,
/// 2^128 steps) costs far more than the discrete logarithm in the 1024-bit group itself (about
/// 2^80): the session is exactly as strong as with a full-size exponent, which the
/// `secret-service` crate drew. At least twice the group's security strength, as NIST SP
/// 800-56A rev. 3 (5.6.1.1.1) and RFC 7919 (5.2) ask; a quarter of the exponentiation's work.
const PRIVATE_BYTES: usize = 32;

fn params() -> FixedMontyParams<{ U1024::LIMBS }> {
    let modulus = Odd::new(PRIME).expect("the RFC 2409 prime is odd");
    FixedMontyParams::new_vartime(modulus)
}

/// `base ^ exponent mod PRIME`, in constant time with respect to `exponent`.
fn power(base: &U1024, exponent: &U256, params: &FixedMontyParams<{ U1024::LIMBS }>) -> U1024 {
    let mut base = FixedMontyForm::new(base, params);
    let mut result = base.pow(exponent);
    let value = result.retrieve();
    base.zeroize();
    result.zeroize();
    value
}

/// This side's key pair of one session: the private exponent (random, from the operating
/// system) is wiped when the pair is dropped.
pub struct KeyPair {
    private: U256,
    public: [u8; KEY_BYTES],
}

impl Drop for KeyPair {
    fn drop(&mut self) {
        self.private.zeroize();
    }
}

impl ZeroizeOnDrop for KeyPair {}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("private", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A new key pair: a 256-bit private exponent from the operating system's random source.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; PRIVATE_BYTES]);
        // 0 and 1 (a chance of 2^-255) would give away the exponent: drawn again.
        while bytes[..PRIVATE_BYTES - 1].iter().all(|&byte| byte == 0)
            && bytes[PRIVATE_BYTES - 1] < 2
        {
            getrandom::fill(bytes.as_mut_slice()).map_err(|error| {
                Error::Keychain(format!(
                    "The keychain session could not be encrypted: the system's random source \
                     failed ({error}); nothing was changed."
                ))
            })?;
        }
        Ok(Self::from_private(&bytes))
    }

    fn from_private(bytes: &[u8; PRIVATE_BYTES]) -> Self {
        let private = U256::from_be_slice(bytes);
        let public = power(&U1024::from_u8(2), &private, &params());
        Self {
            private,
            public: public.to_be_bytes().into(),
        }
    }

    /// The public key, big-endian, as sent in `OpenSession`.
    pub fn public_key(&self) -> &[u8] {
        &self.public
    }

    /// The session key agreed with the service's public key (big-endian, as `OpenSession`
    /// answered it); an error when that key is not a valid group element.
    pub fn agree(&self, service_public: &[u8]) -> Result<SessionKey> {
        let invalid = || {
            Error::Keychain(
                "The keychain answered the session's key exchange with an invalid public key; \
                 nothing was changed."
                    .into(),
            )
        };
        if service_public.len() > KEY_BYTES {
            return Err(invalid());
        }
        let mut padded = [0u8; KEY_BYTES];
        padded[KEY_BYTES - service_public.len()..].copy_from_slice(service_public);
        let theirs = U1024::from_be_slice(&padded);
        // 1 < theirs < p - 1: not 0, 1 or p - 1 (which would force the shared secret), and
        // reduced.
        if theirs <= U1024::ONE || theirs >= PRIME.wrapping_sub(&U1024::ONE) {
            return Err(invalid());
        }
        let mut shared = power(&theirs, &self.private, &params());
        let mut shared_bytes: Zeroizing<[u8; KEY_BYTES]> =
            Zeroizing::new(shared.to_be_bytes().into());
        shared.zeroize();
        let mut key = [0u8; 16];
        hkdf::Hkdf::<sha256::Sha256>::new(None, shared_bytes.as_slice())
            .expand(&[], &mut key)
            .expect("16 bytes is a valid HKDF-SHA256 output length");
        shared_bytes.zeroize();
        Ok(SessionKey(key))
    }
}

/// The AES-128 key of one session; wiped when dropped, never printed.
pub struct SessionKey([u8; 16]);

impl Drop for SessionKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for SessionKey {}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey([redacted])")
    }
}

/// The error of a value that does not decrypt under the session's key.
fn undecryptable() -> Error {
    Error::Keychain(
        "The keychain could not read the entry: its value did not decrypt with this session's \
         key (the keychain service may have restarted); try again."
            .into(),
    )
}

impl SessionKey {
    /// `plain` encrypted with a fresh random IV: `(iv, ciphertext)`, as a Secret's `parameters`
    /// and `value`.
    pub fn encrypt(&self, plain: &[u8]) -> Result<([u8; 16], Vec<u8>)> {
        let mut iv = [0u8; 16];
        getrandom::fill(&mut iv).map_err(|error| {
            Error::Keychain(format!(
                "The value could not be encrypted for the keychain: the system's random source \
                 failed ({error}); nothing was changed."
            ))
        })?;
        let cipher = cbc::Encryptor::<aes::Aes128>::new_from_slices(&self.0, &iv)
            .expect("a 16-byte key and IV fit AES-128-CBC");
        Ok((iv, cipher.encrypt_padded_vec::<Pkcs7>(plain)))
    }

    /// A Secret's `value` decrypted with its `parameters` (the IV).
    pub fn decrypt(&self, iv: &[u8], encrypted: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let cipher = cbc::Decryptor::<aes::Aes128>::new_from_slices(&self.0, iv).map_err(|_| {
            Error::Keychain(format!(
                "The keychain could not read the entry: its value came with a {}-byte \
                     initialization vector, not 16.",
                iv.len()
            ))
        })?;
        cipher
            .decrypt_padded_vec::<Pkcs7>(encrypted)
            .map(Zeroizing::new)
            .map_err(|_| undecryptable())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree_on_one_key() {
        let ours = KeyPair::generate().unwrap();
        let theirs = KeyPair::generate().unwrap();
        let key = ours.agree(theirs.public_key()).unwrap();
        let their_key = theirs.agree(ours.public_key()).unwrap();
        assert_eq!(key.0, their_key.0);
        let (iv, encrypted) = key.encrypt(b"basic-secret").unwrap();
        assert_eq!(encrypted.len(), 16);
        assert_eq!(
            their_key.decrypt(&iv, &encrypted).unwrap().as_slice(),
            b"basic-secret"
        );
    }

    #[test]
    fn the_exchange_matches_a_vector_computed_independently() {
        // Private exponents 3 and 5 (public keys 2^3 = 8 and 2^5 = 32, short of the prime, so
        // exact); shared secret 2^15 = 32768, as 128 big-endian bytes; HKDF-SHA256 of it (no
        // salt, no info, 16 bytes) computed with Python's hmac/hashlib:
        //   prk = hmac.new(b"\0" * 32, (32768).to_bytes(128, "big"), "sha256").digest()
        //   hmac.new(prk, b"\x01", "sha256").digest()[:16].hex()
        let mut three = [0u8; PRIVATE_BYTES];
        three[PRIVATE_BYTES - 1] = 3;
        let mut five = [0u8; PRIVATE_BYTES];
        five[PRIVATE_BYTES - 1] = 5;
        let ours = KeyPair::from_private(&three);
        let theirs = KeyPair::from_private(&five);
        assert_eq!(ours.public_key()[KEY_BYTES - 1], 8);
        assert!(ours.public_key()[..KEY_BYTES - 1].iter().all(|&b| b == 0));
        let key = ours.agree(&[32]).unwrap();
        assert_eq!(key.0, theirs.agree(&[8]).unwrap().0);
        assert_eq!(hex(&key.0), EXPECTED_KEY);
        // AES-128-CBC with PKCS#7 of "basic-secret" under that key and an all-zero IV, from
        // `openssl enc -aes-128-cbc -K <key> -iv 00..00`.
        let encrypted = from_hex(EXPECTED_CIPHERTEXT);
        assert_eq!(
            key.decrypt(&[0; 16], &encrypted).unwrap().as_slice(),
            b"basic-secret"
        );
    }

    #[test]
    fn a_value_under_another_key_is_refused_with_its_error() {
        // The vector's ciphertext (key from 2^15) read with the key from 2^21 (exponents 3 and
        // 7): its last block does not end in valid PKCS#7 padding.
        let mut three = [0u8; PRIVATE_BYTES];
        three[PRIVATE_BYTES - 1] = 3;
        let wrong = KeyPair::from_private(&three).agree(&[128]).unwrap();
        let encrypted = from_hex(EXPECTED_CIPHERTEXT);
        let error = wrong.decrypt(&[0; 16], &encrypted).unwrap_err();
        assert_eq!(error.to_string(), undecryptable().to_string());
        let error = wrong.decrypt(&[0; 8], &encrypted).unwrap_err();
        assert!(
            error.to_string().contains("8-byte initialization vector"),
            "{error}"
        );
    }

    #[test]
    fn an_invalid_service_public_key_is_refused() {
        let ours = KeyPair::generate().unwrap();
        let p_minus_one = PRIME.wrapping_sub(&U1024::ONE).to_be_bytes();
        for bad in [
            &[][..],
            &[1][..],
            &p_minus_one[..],
            &PRIME.to_be_bytes()[..],
            &[0xff; KEY_BYTES + 1][..],
        ] {
            let error = ours.agree(bad).unwrap_err();
            assert!(error.to_string().contains("invalid public key"), "{error}");
        }
    }

    #[test]
    fn debug_redacts_the_keys() {
        let pair = KeyPair::generate().unwrap();
        let key = pair
            .agree(KeyPair::generate().unwrap().public_key())
            .unwrap();
        assert_eq!(format!("{key:?}"), "SessionKey([redacted])");
        assert!(!format!("{pair:?}").contains(&format!("{:?}", pair.private)));
    }

    const EXPECTED_KEY: &str = "6462469aadba5ed3b44e64d2540f94d8";
    const EXPECTED_CIPHERTEXT: &str = "788e7298cf5ca35d9167084e21f77b40";

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn from_hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }
}
