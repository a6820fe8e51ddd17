//! Certificates made at test time with rcgen: a self-signed one, as appliances have, or
//! one issued by a throw-away test CA.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use sha2::{Digest, Sha256};

/// How the appliance's certificate is made.
#[derive(Debug, Clone)]
pub enum CertKind {
    /// Self-signed for the given subject alternative names.
    SelfSigned(Vec<String>),
    /// Issued by a fresh test CA for the given subject alternative names.
    SignedByCa(Vec<String>),
}

impl Default for CertKind {
    fn default() -> Self {
        CertKind::SelfSigned(default_names())
    }
}

/// `localhost` and `127.0.0.1`.
pub fn default_names() -> Vec<String> {
    vec!["localhost".to_owned(), "127.0.0.1".to_owned()]
}

/// The appliance's certificate and key, and the CA that issued it when there is one.
pub struct TestCert {
    /// DER of the end-entity certificate.
    pub der: Vec<u8>,
    /// PEM of the end-entity certificate.
    pub pem: String,
    /// SHA-256 of `der`, lowercase hex without separators.
    pub sha256: String,
    /// PKCS#8 DER of the private key.
    pub key_der: Vec<u8>,
    /// PEM of the issuing CA, for `SignedByCa`.
    pub ca_pem: Option<String>,
}

impl TestCert {
    pub fn generate(kind: &CertKind) -> TestCert {
        match kind {
            CertKind::SelfSigned(names) => {
                let key = KeyPair::generate().expect("key");
                let mut params = CertificateParams::new(names.clone()).expect("params");
                params
                    .distinguished_name
                    .push(DnType::CommonName, "Kerio Control test appliance");
                let cert = params.self_signed(&key).expect("self-signed certificate");
                TestCert::new(cert.der().to_vec(), cert.pem(), &key, None)
            }
            CertKind::SignedByCa(names) => {
                let ca_key = KeyPair::generate().expect("CA key");
                let mut ca_params =
                    CertificateParams::new(Vec::<String>::new()).expect("CA params");
                ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
                ca_params
                    .distinguished_name
                    .push(DnType::CommonName, "kerio-rs test CA");
                ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
                let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
                let issuer = Issuer::new(ca_params, ca_key);

                let key = KeyPair::generate().expect("key");
                let mut params = CertificateParams::new(names.clone()).expect("params");
                params
                    .distinguished_name
                    .push(DnType::CommonName, "Kerio Control test appliance");
                let cert = params.signed_by(&key, &issuer).expect("issued certificate");
                TestCert::new(cert.der().to_vec(), cert.pem(), &key, Some(ca_cert.pem()))
            }
        }
    }

    fn new(der: Vec<u8>, pem: String, key: &KeyPair, ca_pem: Option<String>) -> TestCert {
        let sha256 = hex::encode(Sha256::digest(&der));
        TestCert {
            der,
            pem,
            sha256,
            key_der: key.serialize_der(),
            ca_pem,
        }
    }

    /// The SHA-256 as browsers print it: uppercase pairs separated by `:`.
    pub fn sha256_colons(&self) -> String {
        let upper = self.sha256.to_uppercase();
        let pairs: Vec<&str> = (0..upper.len())
            .step_by(2)
            .map(|i| &upper[i..i + 2])
            .collect();
        pairs.join(":")
    }
}
