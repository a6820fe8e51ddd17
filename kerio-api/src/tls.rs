//! TLS configuration: how the client decides to trust an appliance's certificate.
//!
//! Appliances usually present a self-signed certificate, so besides the platform's trust
//! store the client supports pinning the certificate's SHA-256 and trusting a custom CA.
//! Turning verification off exists, but only under a name that says it is dangerous.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, OtherError, RootCertStore,
    SignatureScheme,
};
use sha2::{Digest, Sha256};

use crate::error::{Error, TlsErrorKind};

/// A SHA-256 fingerprint of a DER certificate.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// Parses 64 hex digits, optionally separated by `:` (as browsers and `openssl x509
    /// -fingerprint` print them), in any case.
    pub(crate) fn parse(text: &str) -> Result<Self, Error> {
        let digits: String = text.trim().chars().filter(|c| *c != ':').collect();
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&digits, &mut bytes).map_err(|_| {
            Error::Config(format!(
                "a certificate pin must be the SHA-256 of the certificate as 64 hex digits, \
                 optionally separated by ':' (got {} characters after removing ':')",
                digits.chars().count()
            ))
        })?;
        Ok(Fingerprint(bytes))
    }

    pub(crate) fn of(der: &[u8]) -> Self {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(Sha256::digest(der).as_slice());
        Fingerprint(bytes)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{self}")
    }
}

/// How server certificates are checked.
#[derive(Clone, Default)]
pub(crate) struct TlsSettings {
    pub(crate) pins: Vec<Fingerprint>,
    pub(crate) custom_roots: Vec<CertificateDer<'static>>,
    pub(crate) accept_invalid_certs: bool,
}

impl TlsSettings {
    /// Adds every certificate of a PEM bundle to the custom trust roots.
    pub(crate) fn add_ca_pem(&mut self, pem: &[u8]) -> Result<(), Error> {
        let mut found = 0usize;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert
                .map_err(|e| Error::Config(format!("cannot read the CA certificate PEM: {e}")))?;
            self.custom_roots.push(cert);
            found += 1;
        }
        if found == 0 {
            return Err(Error::Config(
                "the CA certificate PEM holds no `-----BEGIN CERTIFICATE-----` section".into(),
            ));
        }
        Ok(())
    }

    /// Short description for `Debug` of the client.
    pub(crate) fn mode(&self) -> String {
        if self.accept_invalid_certs {
            "DANGER: certificates not verified".into()
        } else if !self.pins.is_empty() {
            let pins: Vec<String> = self.pins.iter().map(|p| format!("{p:?}")).collect();
            format!("pinned {}", pins.join(", "))
        } else if !self.custom_roots.is_empty() {
            format!("custom CA ({} certificates)", self.custom_roots.len())
        } else {
            "platform trust store".into()
        }
    }

    /// The rustls configuration. Precedence: the dangerous opt-out, then pins, then
    /// custom CAs, then the platform verifier.
    pub(crate) fn client_config(&self) -> Result<ClientConfig, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("TLS setup: {e}")))?;
        let builder = if self.accept_invalid_certs {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate { algorithms }))
        } else if !self.pins.is_empty() {
            let verifier = PinnedCertificate {
                pins: self.pins.clone(),
                algorithms,
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
        } else if !self.custom_roots.is_empty() {
            let mut roots = RootCertStore::empty();
            for cert in &self.custom_roots {
                roots.add(cert.clone()).map_err(|e| {
                    Error::Config(format!(
                        "the CA certificate is not usable as a trust root: {e}"
                    ))
                })?;
            }
            builder.with_root_certificates(roots)
        } else {
            let verifier = rustls_platform_verifier::Verifier::new(provider).map_err(|e| {
                Error::Config(format!(
                    "cannot load the platform's trusted CA certificates ({e}); install the system's CA \
                     certificates, or pin the appliance's certificate with `pin_sha256` or trust its CA \
                     with `ca_certificate_pem`"
                ))
            })?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
        };
        let mut config = builder.with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

/// The error a pinned verifier reports; found again in the error chain to classify it.
#[derive(Debug)]
pub(crate) struct PinMismatch {
    actual: Fingerprint,
    expected: Vec<Fingerprint>,
}

impl fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expected: Vec<String> = self.expected.iter().map(ToString::to_string).collect();
        write!(
            f,
            "certificate pin mismatch: the server's certificate has SHA-256 {}, but the pinned SHA-256 is {}",
            self.actual,
            expected.join(" or ")
        )
    }
}

impl std::error::Error for PinMismatch {}

/// Trusts exactly the certificates whose SHA-256 is pinned. The chain, the host name and
/// the validity dates are not checked: the pin is the identity. The handshake signature is
/// still verified, so the server must hold the certificate's private key.
#[derive(Debug)]
struct PinnedCertificate {
    pins: Vec<Fingerprint>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let actual = Fingerprint::of(end_entity.as_ref());
        if self.pins.contains(&actual) {
            Ok(ServerCertVerified::assertion())
        } else {
            let mismatch = PinMismatch {
                actual,
                expected: self.pins.clone(),
            };
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                OtherError(Arc::new(mismatch)),
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Accepts any certificate. Only for `danger_accept_invalid_certs`: anyone on the path can
/// impersonate the appliance and read the password.
#[derive(Debug)]
struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Finds a rustls error in an error's source chain and turns it into [`Error::Tls`].
///
/// `io::Error::source` skips the error it wraps, so io errors are unwrapped with
/// `get_ref` to find a rustls error inside.
pub(crate) fn tls_error_in_chain(err: &(dyn std::error::Error + 'static)) -> Option<Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(classify_rustls(tls));
        }
        let wrapped = e
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref);
        if let Some(found) = wrapped.and_then(|inner| tls_error_in_chain(inner)) {
            return Some(found);
        }
        current = e.source();
    }
    None
}

fn classify_rustls(err: &rustls::Error) -> Error {
    let (kind, message) = match err {
        rustls::Error::InvalidCertificate(cert) => classify_certificate(cert),
        rustls::Error::AlertReceived(alert) => (
            TlsErrorKind::Handshake,
            format!("the server aborted the handshake (alert {alert:?})"),
        ),
        other => (
            TlsErrorKind::Handshake,
            format!("handshake failed: {other}"),
        ),
    };
    Error::Tls { kind, message }
}

fn classify_certificate(err: &CertificateError) -> (TlsErrorKind, String) {
    use CertificateError as C;
    if let C::Other(OtherError(inner)) = err
        && let Some(pin) = inner.downcast_ref::<PinMismatch>()
    {
        return (TlsErrorKind::PinMismatch, pin.to_string());
    }
    let why = match err {
        C::UnknownIssuer => {
            "it is not signed by a trusted CA (a self-signed appliance certificate? \
                             pin it with `pin_sha256` or trust its CA with `ca_certificate_pem`)"
                .to_owned()
        }
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            format!("it is not valid for the host name of the URL ({err})")
        }
        C::Expired | C::ExpiredContext { .. } => format!("it has expired ({err})"),
        C::NotValidYet | C::NotValidYetContext { .. } => format!("it is not valid yet ({err})"),
        other => other.to_string(),
    };
    (
        TlsErrorKind::CertificateRejected,
        format!("the server certificate was rejected: {why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN: &str = "5f:2A:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd";

    #[test]
    fn pins_parse_with_or_without_colons() {
        let a = Fingerprint::parse(PIN).unwrap();
        let b = Fingerprint::parse(&PIN.replace(':', "").to_uppercase()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), PIN.replace(':', "").to_lowercase());
    }

    #[test]
    fn bad_pins_are_config_errors() {
        for bad in ["", "abcd", &"zz".repeat(32), &"ab".repeat(33)] {
            let err = Fingerprint::parse(bad).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
            assert!(err.to_string().contains("SHA-256"), "{err}");
        }
    }

    #[test]
    fn pem_without_certificates_is_rejected() {
        let mut settings = TlsSettings::default();
        assert!(matches!(
            settings.add_ca_pem(b"not a pem"),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn pin_mismatch_is_found_inside_io_errors() {
        let mismatch = PinMismatch {
            actual: Fingerprint([1; 32]),
            expected: vec![Fingerprint([2; 32])],
        };
        let tls = rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(
            mismatch,
        ))));
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, tls);
        let err = tls_error_in_chain(&io).unwrap();
        assert!(err.is_pin_mismatch());
        assert!(
            err.to_string().contains("certificate pin mismatch"),
            "{err}"
        );
    }
}
