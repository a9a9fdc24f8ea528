//! Key material and the public names derived from it: a device's fingerprint (what
//! discovery advertises), the team tag (which team a record belongs to, without its
//! name), and the check of a team key (stored in the team document, never the key).

use sha2::{Digest, Sha256};

pub const KEY_LEN: usize = 32;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn to_hex(bytes: &[u8]) -> String {
    hex(bytes)
}

pub fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn tagged_hash(tag: &str, data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(tag.as_bytes());
    h.update([0]);
    h.update(data);
    h.finalize().into()
}

/// A device's fingerprint: 16 hex digits of the hash of its Noise public key.
pub fn fingerprint(public_key: &[u8]) -> String {
    hex(&tagged_hash("hearth device fingerprint", public_key)[..8])
}

/// The team tag advertised by discovery: derived from the team id, so it names no one
/// and lets devices of other teams (and other Hearth teams) ignore the record.
pub fn team_tag(team_id: &str) -> String {
    hex(&tagged_hash("hearth team tag", team_id.as_bytes())[..8])
}

/// The check of a team key kept in the team document.
pub fn key_check(key: &[u8; KEY_LEN]) -> String {
    hex(&tagged_hash("hearth team key check", key))
}

/// A device's Noise static keypair.
#[derive(Clone)]
pub struct StaticKeys {
    pub secret: [u8; KEY_LEN],
    pub public: [u8; KEY_LEN],
}

impl std::fmt::Debug for StaticKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StaticKeys({})", fingerprint(&self.public))
    }
}

impl StaticKeys {
    pub fn generate() -> StaticKeys {
        let kp = snow::Builder::new(crate::noise::params())
            .generate_keypair()
            .expect("the default resolver generates X25519 keys");
        let mut secret = [0u8; KEY_LEN];
        let mut public = [0u8; KEY_LEN];
        secret.copy_from_slice(&kp.private);
        public.copy_from_slice(&kp.public);
        StaticKeys { secret, public }
    }

    /// Stored form: the secret then the public key (inside the encrypted workspace).
    pub fn to_bytes(&self) -> Vec<u8> {
        [self.secret.as_slice(), self.public.as_slice()].concat()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<StaticKeys> {
        if bytes.len() != 2 * KEY_LEN {
            return None;
        }
        let mut secret = [0u8; KEY_LEN];
        let mut public = [0u8; KEY_LEN];
        secret.copy_from_slice(&bytes[..KEY_LEN]);
        public.copy_from_slice(&bytes[KEY_LEN..]);
        Some(StaticKeys { secret, public })
    }

    pub fn public_hex(&self) -> String {
        hex(&self.public)
    }
}

/// The team keys a device knows: the current one and the one before it, so a device
/// that missed a rotation can still reach a peer and be handed the new key (the roster
/// check, not the key, is what refuses a revoked device).
#[derive(Clone, PartialEq, Eq)]
pub struct TeamKeys {
    pub epoch: u32,
    pub key: [u8; KEY_LEN],
    pub previous: Option<(u32, [u8; KEY_LEN])>,
}

impl std::fmt::Debug for TeamKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TeamKeys(epoch {})", self.epoch)
    }
}

impl TeamKeys {
    pub fn new(epoch: u32, key: [u8; KEY_LEN]) -> Self {
        TeamKeys {
            epoch,
            key,
            previous: None,
        }
    }

    pub fn for_epoch(&self, epoch: u32) -> Option<&[u8; KEY_LEN]> {
        if epoch == self.epoch {
            return Some(&self.key);
        }
        self.previous
            .as_ref()
            .filter(|(e, _)| *e == epoch)
            .map(|(_, k)| k)
    }

    /// Moves to a newer key, keeping the current one as the previous.
    pub fn rotate(&mut self, epoch: u32, key: [u8; KEY_LEN]) {
        if epoch > self.epoch {
            self.previous = Some((self.epoch, self.key));
            self.epoch = epoch;
            self.key = key;
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.epoch.to_be_bytes());
        out.extend_from_slice(&self.key);
        if let Some((e, k)) = &self.previous {
            out.extend_from_slice(&e.to_be_bytes());
            out.extend_from_slice(k);
        }
        out
    }

    pub fn decode(bytes: &[u8]) -> crate::Result<TeamKeys> {
        let mut r = crate::wire::Reader::new(bytes);
        let epoch = r.u32()?;
        let key = r.array::<KEY_LEN>()?;
        let previous = if bytes.len() > 4 + KEY_LEN {
            Some((r.u32()?, r.array::<KEY_LEN>()?))
        } else {
            None
        };
        r.finish()?;
        Ok(TeamKeys {
            epoch,
            key,
            previous,
        })
    }
}

pub fn random_key() -> [u8; KEY_LEN] {
    use rand::Rng;
    let mut k = [0u8; KEY_LEN];
    rand::rng().fill(&mut k);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_keys_round_trip() {
        let k = StaticKeys::generate();
        let back = StaticKeys::from_bytes(&k.to_bytes()).unwrap();
        assert_eq!((back.secret, back.public), (k.secret, k.public));
        assert!(StaticKeys::from_bytes(&[0; 10]).is_none());
    }

    #[test]
    fn keys_round_trip_and_rotate() {
        let mut t = TeamKeys::new(1, [1; 32]);
        assert_eq!(TeamKeys::decode(&t.encode()).unwrap(), t);
        t.rotate(2, [2; 32]);
        assert_eq!(t.for_epoch(1), Some(&[1; 32]));
        assert_eq!(t.for_epoch(2), Some(&[2; 32]));
        assert_eq!(t.for_epoch(3), None);
        assert_eq!(TeamKeys::decode(&t.encode()).unwrap(), t);
        assert!(TeamKeys::decode(&[1, 2, 3]).is_err());
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(from_hex::<2>("0aff"), Some([10, 255]));
        assert_eq!(from_hex::<2>("0afg"), None);
        assert_eq!(from_hex::<2>("0a"), None);
    }
}
