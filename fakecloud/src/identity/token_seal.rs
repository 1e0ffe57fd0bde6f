//! Tokens that the cloud does not store. Keystone's default provider (Fernet) keeps no token: the
//! token string carries who, how, the scope, the times and the audit id, sealed with a key only
//! Keystone holds, and each validation opens it again and checks it against the current state
//! (the user, the scope, the roles held now, the revocation events). Doing the same here means an
//! issued token costs no memory, however many a long-lived cloud hands out.
//!
//! What a token carries is the caller's (`Payload` in token.rs); this module only seals and opens.
//! The layout follows Fernet's envelope, so tokens look as clients know them (url-safe base64
//! starting `gAAAAA`): a version byte `0x80`, the issue time in whole seconds (big-endian u64), the
//! payload, and an HMAC-SHA256 over all of it. The payload is signed, not encrypted: it holds ids
//! that Keystone's own token responses show anyway, so hiding it protects nothing here.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::hmac;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

const VERSION: u8 = 0x80;
const TAG_LEN: usize = 32;
const HEADER_LEN: usize = 9;

/// The key tokens are sealed with: 32 bytes drawn from the world's seeded ids, so a run from one
/// seed issues the same tokens, and kept in the snapshot (redacted unless secrets are asked for),
/// so a restored cloud still accepts the tokens it had issued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenKey(String);

impl TokenKey {
    pub fn new(bytes: [u8; 32]) -> TokenKey {
        TokenKey(hex::encode(bytes))
    }

    fn hmac_key(&self) -> hmac::Key {
        hmac::Key::new(hmac::HMAC_SHA256, self.0.as_bytes())
    }

    /// The token string for a payload.
    pub fn seal(&self, issued_at_secs: i64, payload: &impl Serialize) -> String {
        let mut bytes = Vec::with_capacity(256);
        bytes.push(VERSION);
        bytes.extend_from_slice(&(issued_at_secs.max(0) as u64).to_be_bytes());
        serde_json::to_writer(&mut bytes, payload).expect("a payload serialises");
        let tag = hmac::sign(&self.hmac_key(), &bytes);
        bytes.extend_from_slice(tag.as_ref());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The payload of a token this key sealed; `None` for anything else (malformed, tampered
    /// with, or sealed by another cloud).
    pub fn open<P: DeserializeOwned>(&self, token: &str) -> Option<P> {
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() < HEADER_LEN + TAG_LEN || bytes[0] != VERSION {
            return None;
        }
        let (signed, tag) = bytes.split_at(bytes.len() - TAG_LEN);
        hmac::verify(&self.hmac_key(), signed, tag).ok()?;
        serde_json::from_slice(&signed[HEADER_LEN..]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Payload {
        u: String,
        s: String,
        n: u64,
    }

    fn payload() -> Payload {
        Payload { u: "0123456789abcdef0123456789abcdef".into(), s: "fedcba9876543210fedcba9876543210".into(), n: 7 }
    }

    const ISSUED: i64 = 1_767_225_600;

    #[test]
    fn a_sealed_token_opens_to_its_payload_and_looks_like_a_fernet_token() {
        let key = TokenKey::new([7; 32]);
        let token = key.seal(ISSUED, &payload());
        assert!(token.starts_with("gAAAAA"), "{token}");
        assert!(token.len() < 300, "{} characters", token.len());
        assert_eq!(key.open::<Payload>(&token), Some(payload()));
    }

    #[test]
    fn a_token_changed_in_any_character_or_sealed_by_another_key_does_not_open() {
        let key = TokenKey::new([7; 32]);
        let token = key.seal(ISSUED, &payload());
        assert_eq!(TokenKey::new([8; 32]).open::<Payload>(&token), None);
        for i in [0, 10, token.len() / 2, token.len() - 1] {
            let mut tampered = token.clone().into_bytes();
            tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
            assert_eq!(key.open::<Payload>(std::str::from_utf8(&tampered).unwrap()), None, "changed at {i}");
        }
        for junk in ["", "gAAAAA", "gAAAAAB-not-a-fernet-token", "☃"] {
            assert_eq!(key.open::<Payload>(junk), None, "{junk}");
        }
    }
}
