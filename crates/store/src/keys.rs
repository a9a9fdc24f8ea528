//! Key management: a random data key (the raw SQLCipher key) wrapped under a key derived
//! from the passphrase with Argon2id, sealed with XChaCha20-Poly1305.
//!
//! The wrapped key lives in `key.json` (the "envelope"). The envelope is not secret by
//! itself: without the passphrase it only tells an attacker how expensive guessing is.
//! Changing the passphrase re-wraps the same data key, so the database is never rewritten.

use std::fmt;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::TryRngCore;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{IoContext, Result, StoreError};
use crate::{fsutil, hex, layout};

const FORMAT_VERSION: u32 = 1;
const ALGORITHM: &str = "argon2id-v19+xchacha20poly1305";
const KEY_LEN: usize = 32;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;

/// Argon2id cost parameters for deriving the key-encryption key from the passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Iterations.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// The strong parameters every real workspace uses: 64 MiB, 3 passes, 1 lane.
    fn default() -> Self {
        KdfParams {
            m_cost_kib: 65_536,
            t_cost: 3,
            p_cost: 1,
        }
    }
}

impl KdfParams {
    /// Cheap parameters so test suites stay fast. Never use for real data.
    pub fn fast_for_tests() -> Self {
        KdfParams {
            m_cost_kib: 256,
            t_cost: 1,
            p_cost: 1,
        }
    }

    /// Bounds on what we accept, also from an envelope on disk: a tampered envelope must
    /// not make `open` allocate terabytes or spin for hours.
    fn validate(&self) -> Result<()> {
        if !(1..=16).contains(&self.p_cost) {
            return Err(StoreError::InvalidKdfParams("p_cost must be 1..=16"));
        }
        if self.m_cost_kib < 8 * self.p_cost || self.m_cost_kib > 4 * 1024 * 1024 {
            return Err(StoreError::InvalidKdfParams(
                "m_cost must be 8*p_cost KiB ..= 4 GiB",
            ));
        }
        if !(1..=64).contains(&self.t_cost) {
            return Err(StoreError::InvalidKdfParams("t_cost must be 1..=64"));
        }
        Ok(())
    }

    fn derive_kek(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; KEY_LEN]>> {
        self.validate()?;
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(KEY_LEN))
            .map_err(|_| StoreError::InvalidKdfParams("rejected by argon2"))?;
        let mut kek = Zeroizing::new([0u8; KEY_LEN]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), salt, &mut kek[..])
            .map_err(|_| StoreError::InvalidKdfParams("rejected by argon2"))?;
        Ok(kek)
    }
}

/// The 256-bit key that encrypts the database. Wiped from memory on drop; `Debug` hides it.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    pub(crate) fn generate() -> Result<Self> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        random_bytes(&mut key[..])?;
        Ok(DataKey(key))
    }

    /// `PRAGMA key = "x'<hex>'";` — a raw key, so SQLCipher skips its own PBKDF2.
    /// Built in a pre-sized zeroizing buffer so no unwiped copy is left behind by us.
    pub(crate) fn key_pragma(&self) -> Zeroizing<String> {
        let mut sql = Zeroizing::new(String::with_capacity(32 + 2 * KEY_LEN));
        sql.push_str("PRAGMA key = \"x'");
        hex::encode_into(&self.0[..], &mut sql);
        sql.push_str("'\";");
        sql
    }

    /// Whether two keys are equal, in constant time.
    pub(crate) fn same_as(&self, other: &DataKey) -> bool {
        // Constant-time: no early exit on the first differing byte.
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<()> {
    OsRng.try_fill_bytes(buf).map_err(|_| StoreError::Rng)
}

/// The on-disk JSON shape of `key.json`.
#[derive(Serialize, Deserialize)]
struct EnvelopeJson {
    format: u32,
    algorithm: String,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    ciphertext: String,
}

/// The wrapped data key with everything needed to unwrap it given the passphrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEnvelope {
    params: KdfParams,
    salt: [u8; SALT_LEN],
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl KeyEnvelope {
    /// Wraps `key` under `passphrase` with fresh salt and nonce.
    pub(crate) fn wrap(key: &DataKey, passphrase: &str, params: KdfParams) -> Result<Self> {
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        random_bytes(&mut salt)?;
        random_bytes(&mut nonce)?;
        let kek = params.derive_kek(passphrase, &salt)?;
        let aad = associated_data(&params, &salt);
        let ciphertext = XChaCha20Poly1305::new(Key::from_slice(&kek[..]))
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &key.0[..],
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Corrupt("key wrapping failed".into()))?;
        Ok(KeyEnvelope {
            params,
            salt,
            nonce,
            ciphertext,
        })
    }

    /// Derives the key-encryption key (the slow Argon2id step) and unwraps the data key.
    /// A failed tag means the passphrase is wrong: `StoreError::WrongPassphrase`.
    pub fn unwrap(&self, passphrase: &str) -> Result<DataKey> {
        let kek = self.params.derive_kek(passphrase, &self.salt)?;
        let aad = associated_data(&self.params, &self.salt);
        let plain = Zeroizing::new(
            XChaCha20Poly1305::new(Key::from_slice(&kek[..]))
                .decrypt(
                    XNonce::from_slice(&self.nonce),
                    Payload {
                        msg: &self.ciphertext,
                        aad: aad.as_bytes(),
                    },
                )
                .map_err(|_| StoreError::WrongPassphrase)?,
        );
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        if plain.len() != KEY_LEN {
            return Err(StoreError::Corrupt(
                "the wrapped key has the wrong length".into(),
            ));
        }
        key.copy_from_slice(&plain);
        Ok(DataKey(key))
    }

    /// Reads `DIR/key.json`. Missing → `NotFound`; unparseable → `Corrupt`.
    pub fn load(dir: &Path) -> Result<Self> {
        let bytes = match std::fs::read(dir.join(layout::KEY_FILE)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound);
            }
            Err(e) => return Err(e).ctx("reading the key envelope"),
        };
        Self::from_json(&bytes)
    }

    /// The Argon2 parameters this envelope was wrapped with.
    pub fn params(&self) -> KdfParams {
        self.params
    }

    pub(crate) fn from_json(bytes: &[u8]) -> Result<Self> {
        let bad = |what: &str| StoreError::Corrupt(format!("key.json: {what}"));
        let json: EnvelopeJson =
            serde_json::from_slice(bytes).map_err(|_| bad("not a valid key envelope"))?;
        if json.format != FORMAT_VERSION {
            return Err(bad("unsupported format version"));
        }
        if json.algorithm != ALGORITHM {
            return Err(bad("unsupported algorithm"));
        }
        json.kdf
            .validate()
            .map_err(|_| bad("key-derivation parameters out of range"))?;
        let salt = hex::decode(&json.salt)
            .and_then(|v| <[u8; SALT_LEN]>::try_from(v).ok())
            .ok_or_else(|| bad("bad salt"))?;
        let nonce = hex::decode(&json.nonce)
            .and_then(|v| <[u8; NONCE_LEN]>::try_from(v).ok())
            .ok_or_else(|| bad("bad nonce"))?;
        let ciphertext = hex::decode(&json.ciphertext)
            .filter(|c| c.len() == KEY_LEN + 16)
            .ok_or_else(|| bad("bad ciphertext"))?;
        Ok(KeyEnvelope {
            params: json.kdf,
            salt,
            nonce,
            ciphertext,
        })
    }

    pub(crate) fn to_json(&self) -> Vec<u8> {
        let json = EnvelopeJson {
            format: FORMAT_VERSION,
            algorithm: ALGORITHM.to_owned(),
            kdf: self.params,
            salt: hex::encode(&self.salt),
            nonce: hex::encode(&self.nonce),
            ciphertext: hex::encode(&self.ciphertext),
        };
        // Serializing plain strings and integers cannot fail; fall back to empty rather
        // than panic (the empty file would then be reported as Corrupt on open).
        let mut out = serde_json::to_vec_pretty(&json).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// Writes `path` atomically (tmp, fsync, rename, fsync dir).
    pub(crate) fn write_atomic(&self, path: &Path) -> Result<()> {
        fsutil::write_atomic(path, &self.to_json())
    }
}

/// Binds the header fields to the ciphertext, so editing them is detected as a failed tag
/// rather than silently accepted.
fn associated_data(params: &KdfParams, salt: &[u8]) -> String {
    format!(
        "hearth-key-envelope|{FORMAT_VERSION}|{ALGORITHM}|m={}|t={}|p={}|salt={}",
        params.m_cost_kib,
        params.t_cost,
        params.p_cost,
        hex::encode(salt)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_unwrap_and_wrong_passphrase() -> Result<()> {
        let key = DataKey::generate()?;
        let env = KeyEnvelope::wrap(&key, "correct horse", KdfParams::fast_for_tests())?;
        assert!(env.unwrap("correct horse")?.same_as(&key));
        let err = env.unwrap("wrong horse").err();
        assert!(matches!(err, Some(StoreError::WrongPassphrase)));
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("wrong passphrase")
        );
        let reparsed = KeyEnvelope::from_json(&env.to_json())?;
        assert_eq!(reparsed, env);
        Ok(())
    }

    #[test]
    fn tampered_params_fail_the_tag() -> Result<()> {
        let key = DataKey::generate()?;
        let mut env = KeyEnvelope::wrap(&key, "pw", KdfParams::fast_for_tests())?;
        env.params.t_cost = 2;
        assert!(matches!(env.unwrap("pw"), Err(StoreError::WrongPassphrase)));
        Ok(())
    }

    #[test]
    fn absurd_params_are_refused() {
        let json = br#"{"format":1,"algorithm":"argon2id-v19+xchacha20poly1305",
            "kdf":{"m_cost_kib":4294967295,"t_cost":1,"p_cost":1},
            "salt":"00","nonce":"00","ciphertext":"00"}"#;
        assert!(matches!(
            KeyEnvelope::from_json(json),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn debug_hides_the_key() -> Result<()> {
        assert_eq!(format!("{:?}", DataKey::generate()?), "DataKey(..)");
        Ok(())
    }
}
