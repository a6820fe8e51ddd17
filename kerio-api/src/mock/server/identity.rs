//! The mock's identity: its self-signed certificate, and the random-looking strings it
//! issues (tokens, session ids, passwords).

use std::io;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

/// A self-signed certificate for the address (and `localhost` on loopback or any
/// address), with its PKCS#8 key.
pub(super) fn self_signed(ip: IpAddr) -> Result<(Vec<u8>, Vec<u8>), io::Error> {
    let mut names = vec![ip.to_string()];
    if ip.is_loopback() || ip.is_unspecified() {
        names.extend([
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ]);
    }
    names.dedup();
    let key = rcgen::KeyPair::generate().map_err(io::Error::other)?;
    let mut params = rcgen::CertificateParams::new(names).map_err(io::Error::other)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Kerio Control mock appliance");
    let cert = params.self_signed(&key).map_err(io::Error::other)?;
    Ok((cert.der().to_vec(), key.serialize_der()))
}

/// A fresh random-looking hex string of `len` digits (tokens, session ids, passwords):
/// SHA-256 of a process-wide counter, the time and the standard library's random hash
/// keys.
pub(super) fn random_hex(len: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::new();
    while out.len() < len {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let seed =
            std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), n);
        let digest = Sha256::digest(format!("{n}:{nanos}:{seed}").as_bytes());
        out.push_str(&hex::encode(digest));
    }
    out.truncate(len);
    out
}

pub(super) fn pem(label: &str, der: &[u8]) -> String {
    use base64_lite::encode;
    let text = encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in text.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Standard base64, enough for PEM.
mod base64_lite {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(super::base64_lite::encode(b"Man"), "TWFu");
        assert_eq!(super::base64_lite::encode(b"Ma"), "TWE=");
        assert_eq!(super::base64_lite::encode(b"M"), "TQ==");
    }
}
