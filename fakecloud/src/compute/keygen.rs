//! The key pairs Nova generates when a create (before 2.92) brings no public key: an SSH key, or
//! for `x509` a self-signed client certificate for the user (Nova's `generate_winrm_x509_cert`,
//! with the extended key usage clientAuth). Keys are Ed25519 from a seed the world's ids give, so
//! a seeded run generates the same keys.

use crate::sim::SimTime;
use base64::Engine;
use chrono::Datelike;
use ring::signature::{Ed25519KeyPair, KeyPair};

pub struct Generated {
    pub public_key: String,
    pub private_key: String,
    pub fingerprint: String,
}

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// id-Ed25519 (RFC 8410).
const ED25519: &[u8] = &[0x2b, 0x65, 0x70];

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    match n {
        0..=127 => out.push(n as u8),
        128..=255 => out.extend([0x81, n as u8]),
        _ => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    der(0x30, &parts.concat())
}

fn algorithm() -> Vec<u8> {
    seq(&[der(0x06, ED25519)])
}

fn pem(label: &str, body: &[u8]) -> String {
    let b64 = B64.encode(body);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).expect("base64 is ascii")).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

/// The PKCS #8 document of an Ed25519 seed (RFC 8410).
fn private_key_pem(seed: &[u8; 32]) -> String {
    let key = der(0x04, &der(0x04, seed));
    pem("PRIVATE KEY", &seq(&[der(0x02, &[0]), algorithm(), key]))
}

fn hex_pairs(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

fn utc_time(t: SimTime) -> Vec<u8> {
    der(0x17, t.format("%y%m%d%H%M%SZ").to_string().as_bytes())
}

/// An SSH key pair: `ssh-ed25519` public key, PKCS #8 private key. The fingerprint is the caller's
/// (the same digest an imported key gets).
pub fn ssh(seed: [u8; 32], fingerprint: impl Fn(&str) -> Option<String>) -> Generated {
    let pair = Ed25519KeyPair::from_seed_unchecked(&seed).expect("a 32-byte seed");
    let mut blob = Vec::new();
    for part in [b"ssh-ed25519".as_slice(), pair.public_key().as_ref()] {
        blob.extend((part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    let public_key = format!("ssh-ed25519 {} Generated-by-Nova", B64.encode(&blob));
    let fingerprint = fingerprint(&public_key).unwrap_or_default();
    Generated { public_key, private_key: private_key_pem(&seed), fingerprint }
}

/// A self-signed certificate for `user_id` (its common name), valid ten years from `now`; the
/// fingerprint is the SHA-1 of its DER, as Nova's `generate_x509_fingerprint`.
pub fn x509(seed: [u8; 32], user_id: &str, now: SimTime) -> Generated {
    let pair = Ed25519KeyPair::from_seed_unchecked(&seed).expect("a 32-byte seed");
    let name = seq(&[der(0x31, &seq(&[der(0x06, &[0x55, 0x04, 0x03]), der(0x0c, user_id.as_bytes())]))]);
    let until = now.with_year(now.year() + 10).unwrap_or(now);
    // A positive serial number from the seed.
    let mut serial = seed[..16].to_vec();
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    let spki = seq(&[algorithm(), der(0x03, &[&[0u8][..], pair.public_key().as_ref()].concat())]);
    // extendedKeyUsage: clientAuth.
    let eku = seq(&[der(0x06, &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02])]);
    let extensions = der(0xa3, &seq(&[seq(&[der(0x06, &[0x55, 0x1d, 0x25]), der(0x04, &eku)])]));
    let tbs = seq(&[
        der(0xa0, &der(0x02, &[2])),
        der(0x02, &serial),
        algorithm(),
        name.clone(),
        seq(&[utc_time(now), utc_time(until)]),
        name,
        spki,
        extensions,
    ]);
    let signature = pair.sign(&tbs);
    let cert = seq(&[tbs, algorithm(), der(0x03, &[&[0u8][..], signature.as_ref()].concat())]);
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &cert);
    Generated { public_key: pem("CERTIFICATE", &cert), private_key: private_key_pem(&seed), fingerprint: hex_pairs(digest.as_ref()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_is_signed_by_its_own_key() {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time");
        let g = x509([7; 32], "user-1", now);
        let body: String = g.public_key.lines().filter(|l| !l.starts_with("-----")).collect();
        let cert = B64.decode(body).expect("base64");
        // Certificate ::= SEQUENCE { tbs, algorithm, signature }: verify the signature over tbs.
        let header = |b: &[u8]| -> (usize, usize) {
            match b[1] {
                0x81 => (3, usize::from(b[2])),
                0x82 => (4, (usize::from(b[2]) << 8) | usize::from(b[3])),
                n => (2, usize::from(n)),
            }
        };
        let (outer, _) = header(&cert);
        let (h, len) = header(&cert[outer..]);
        let tbs = &cert[outer..outer + h + len];
        let sig = &cert[cert.len() - 64..];
        let pair = Ed25519KeyPair::from_seed_unchecked(&[7; 32]).expect("seed");
        let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, pair.public_key().as_ref());
        assert!(key.verify(tbs, sig).is_ok());
        assert_eq!(g.fingerprint.len(), 20 * 3 - 1);
        assert!(g.private_key.starts_with("-----BEGIN PRIVATE KEY-----"));
    }

    #[test]
    fn the_same_seed_makes_the_same_key() {
        let a = ssh([1; 32], |_| Some("f".into()));
        let b = ssh([1; 32], |_| Some("f".into()));
        assert_eq!(a.public_key, b.public_key);
        assert!(a.public_key.starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"));
    }
}
