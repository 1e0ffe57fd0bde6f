//! Seeded identifiers and jitter: the same seed gives the same ids in the same order.

use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ids {
    rng: ChaCha8Rng,
}

impl Ids {
    pub fn new(seed: u64) -> Self {
        Ids { rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// A random (version 4) UUID in its dashed form, as Nova, Neutron and Octavia use.
    pub fn uuid(&mut self) -> String {
        self.uuid_raw().hyphenated().to_string()
    }

    /// How far the generator has gone: it moves whenever anything draws an id.
    pub fn position(&self) -> u128 {
        self.rng.get_word_pos()
    }

    /// A dash-less 32-hex id, as Keystone uses for projects, users, roles and endpoints.
    pub fn hex(&mut self) -> String {
        self.uuid_raw().simple().to_string()
    }

    fn uuid_raw(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        self.rng.fill_bytes(&mut bytes);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// A secret key of 32 bytes that follows from the seed and `n` alone: drawn from side stream
    /// `n` of the same generator, so taking it moves no other id.
    pub fn side_key(&self, n: u64) -> [u8; 32] {
        let mut side = self.rng.clone();
        side.set_stream(1 + n);
        side.set_word_pos(0);
        let mut bytes = [0u8; 32];
        side.fill_bytes(&mut bytes);
        bytes
    }

    /// A Keystone audit id: 16 random bytes, url-safe base64 without padding (22 chars).
    pub fn audit_id(&mut self) -> String {
        use base64::Engine;
        let mut bytes = [0u8; 16];
        self.rng.fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// `len` random bytes, url-safe base64 without padding (Keystone's generated secrets).
    pub fn url_safe_secret(&mut self, len: usize) -> String {
        use base64::Engine;
        let mut bytes = vec![0u8; len];
        self.rng.fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A uniform fraction in [0, 1), for jitter on simulated durations.
    pub fn fraction(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_ids() {
        let (mut a, mut b) = (Ids::new(7), Ids::new(7));
        assert_eq!(a.uuid(), b.uuid());
        assert_eq!(a.audit_id(), b.audit_id());
        assert_ne!(Ids::new(8).uuid(), Ids::new(7).uuid());
    }

    #[test]
    fn the_side_key_follows_the_seed_and_moves_no_other_id() {
        let (mut a, b) = (Ids::new(7), Ids::new(7));
        assert_eq!(a.side_key(0), b.side_key(0));
        assert_ne!(a.side_key(0), Ids::new(8).side_key(0));
        assert_ne!(a.side_key(0), a.side_key(1));
        let mut c = Ids::new(7);
        assert_eq!(a.uuid(), c.uuid(), "taking the key drew nothing from the main stream");
    }

    #[test]
    fn id_shapes_match_openstack() {
        let mut ids = Ids::new(1);
        let u = ids.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4", "version 4 uuid: {u}");
        assert_eq!(ids.hex().len(), 32);
        assert_eq!(ids.audit_id().len(), 22);
        let f = ids.fraction();
        assert!((0.0..1.0).contains(&f));
    }

    #[test]
    fn rng_state_survives_a_snapshot() {
        let mut a = Ids::new(3);
        a.uuid();
        let mut b: Ids = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(a.uuid(), b.uuid());
    }
}
