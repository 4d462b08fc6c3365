//! How https connections check the server's certificate: rustls (cryptography by ring) with
//! the platform's verifier, which on Linux trusts the system's roots (`SSL_CERT_FILE` and
//! `SSL_CERT_DIR` when set, else the distribution's bundle) and on macOS and Windows asks the
//! operating system.
//!
//! The verifier, and with it the reading of the roots, is made on the first certificate to
//! check, once per process: reading a few hundred roots costs milliseconds to tens of
//! milliseconds (README, Performance), which a plain-http loopback request, or a CLI call that
//! serves a cached token, must not pay.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::{Arc, OnceLock};

/// The TLS settings of the HTTP client: safe protocol versions, no client certificate, and
/// certificates checked by the platform's verifier, made on first use.
pub fn client_config() -> Result<rustls::ClientConfig, rustls::Error> {
    Ok(verifying()?.with_no_client_auth())
}

/// [`client_config`] presenting a client certificate chain and its key (mutual TLS).
pub fn client_config_presenting(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    verifying()?.with_client_auth_cert(chain, key)
}

/// Safe protocol versions and the platform's verifier: everything but the client's identity.
fn verifying() -> Result<
    rustls::ConfigBuilder<rustls::ClientConfig, rustls::client::WantsClientCert>,
    rustls::Error,
> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(
        rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()?
            // "dangerous" only because any custom verifier goes here: this one is the platform's.
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PlatformOnFirstUse {
                provider,
                verifier: OnceLock::new(),
            })),
    )
}

/// Whether `error` is, or was caused by, a failed TLS handshake or certificate check.
pub fn is_tls_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if current.is::<rustls::Error>() {
            return true;
        }
        // tokio-rustls hands its errors on inside an io::Error (itself sometimes wrapped in
        // another), whose source() skips the error it wraps: look inside instead.
        cause = match current
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    false
}

/// The platform's verifier, made when the first certificate arrives.
#[derive(Debug)]
struct PlatformOnFirstUse {
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<rustls_platform_verifier::Verifier, rustls::Error>>,
}

impl PlatformOnFirstUse {
    fn verifier(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| rustls_platform_verifier::Verifier::new(Arc::clone(&self.provider)))
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for PlatformOnFirstUse {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    // The handshake's signatures are checked after the certificate, so the verifier exists.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls13_signature(message, cert, dss)
    }

    // Asked for the ClientHello, before any certificate: the provider's schemes, which are
    // what the platform's verifier answers too, without reading the roots.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rustls_error_is_a_tls_failure_even_inside_an_io_error() {
        let refused = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert!(is_tls_failure(&refused));
        let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, refused);
        let twice = std::io::Error::other(wrapped);
        assert!(is_tls_failure(&twice));
        let refused_connection = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(!is_tls_failure(&refused_connection));
    }
}
