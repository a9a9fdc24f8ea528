//! Pairing a new device with a short one-time code shown on a team manager's device.
//!
//! 1. The new device (joiner) and the manager's device (inviter) run SPAKE2 over the
//!    code: an eavesdropper learns nothing, and a wrong guess gives a different key.
//! 2. That key is the PSK of a Noise handshake between the two devices' static keys, so
//!    a wrong code fails the handshake (counted; the code is burned after
//!    [`MAX_ATTEMPTS`]).
//! 3. Inside the channel the joiner sends its device id, member name and role; the
//!    inviter adds them to the roster and hands over the team document, team key and
//!    ids; the joiner stores them and confirms. If the inviter will not add them (the
//!    code names another role, say), it sends its reason instead, so the person at the
//!    new device reads why rather than only that the other side hung up.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use rand::Rng;
use spake2::{Ed25519Group, Identity, Password, Spake2};

use crate::keys::{KEY_LEN, StaticKeys};
use crate::noise::{SecureStream, accept, connect};
use crate::wire::{Reader, put_bytes, put_text};
use crate::{Result, SyncError};

/// Wrong codes tolerated before the code is burned.
pub const MAX_ATTEMPTS: u32 = 3;
/// The code's alphabet: no 0/O, 1/I/L, so it reads aloud and types without confusion.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 8;
const ID_JOINER: &[u8] = b"hearth pairing: new device";
const ID_INVITER: &[u8] = b"hearth pairing: team manager";
const PAKE_MSG_LEN: usize = 33;

/// A one-time code: 8 characters (about 40 bits), shown as `ABCD-EFGH`, valid until it
/// expires, is used once, or has seen too many wrong tries.
#[derive(Clone, Debug)]
pub struct PairingCode {
    code: String,
    expires: Instant,
    failures: u32,
    used: bool,
}

/// Normalises what a person typed: case, spaces and dashes do not matter.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl PairingCode {
    pub fn generate(valid_for: Duration) -> PairingCode {
        let mut rng = rand::rng();
        let code = (0..CODE_LEN)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        PairingCode {
            code,
            expires: Instant::now() + valid_for,
            failures: 0,
            used: false,
        }
    }

    /// As shown to the person: `ABCD-EFGH`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.code[..4], &self.code[4..])
    }

    /// Whether another attempt may be made with this code.
    pub fn usable(&self, now: Instant) -> Result<()> {
        if self.used {
            return Err(SyncError::Pairing("the code was already used".into()));
        }
        if self.failures >= MAX_ATTEMPTS {
            return Err(SyncError::Pairing(
                "too many wrong codes: this code is burned; start a new invitation".into(),
            ));
        }
        if now >= self.expires {
            return Err(SyncError::Pairing("the code has expired".into()));
        }
        Ok(())
    }

    pub fn failed(&mut self) {
        self.failures += 1;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    pub fn consume(&mut self) {
        self.used = true;
    }

    fn secret(&self) -> &str {
        &self.code
    }
}

/// What the joiner asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRequest {
    pub device: String,
    pub member_name: String,
    pub role: String,
}

/// What the inviter hands over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinGrant {
    pub team_id: String,
    pub member_id: String,
    pub key_epoch: u32,
    pub team_key: [u8; KEY_LEN],
    pub team_doc: Vec<u8>,
}

/// The inviter's answer to a join request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinReply {
    Granted(JoinGrant),
    /// Why the inviter will not add the device, for the person at the new device.
    Refused(String),
}

const TAG_REQUEST: u8 = 1;
const TAG_GRANT: u8 = 2;
const TAG_REFUSAL: u8 = 3;

impl JoinRequest {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![TAG_REQUEST];
        put_text(&mut out, &self.device);
        put_text(&mut out, &self.member_name);
        put_text(&mut out, &self.role);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<JoinRequest> {
        let mut r = Reader::new(bytes);
        if r.u8()? != TAG_REQUEST {
            return Err(SyncError::Malformed("not a join request"));
        }
        let req = JoinRequest {
            device: r.text()?.to_string(),
            member_name: r.text()?.to_string(),
            role: r.text()?.to_string(),
        };
        r.finish()?;
        Ok(req)
    }
}

impl JoinGrant {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![TAG_GRANT];
        put_text(&mut out, &self.team_id);
        put_text(&mut out, &self.member_id);
        out.extend_from_slice(&self.key_epoch.to_be_bytes());
        out.extend_from_slice(&self.team_key);
        put_bytes(&mut out, &self.team_doc);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<JoinGrant> {
        let mut r = Reader::new(bytes);
        if r.u8()? != TAG_GRANT {
            return Err(SyncError::Malformed("not a join grant"));
        }
        let grant = JoinGrant {
            team_id: r.text()?.to_string(),
            member_id: r.text()?.to_string(),
            key_epoch: r.u32()?,
            team_key: r.array::<KEY_LEN>()?,
            team_doc: r.bytes()?.to_vec(),
        };
        r.finish()?;
        Ok(grant)
    }
}

impl JoinReply {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            JoinReply::Granted(grant) => grant.encode(),
            JoinReply::Refused(reason) => {
                let mut out = vec![TAG_REFUSAL];
                put_text(&mut out, reason);
                out
            }
        }
    }

    pub fn decode(bytes: &[u8]) -> Result<JoinReply> {
        match bytes.first() {
            Some(&TAG_GRANT) => Ok(JoinReply::Granted(JoinGrant::decode(bytes)?)),
            Some(&TAG_REFUSAL) => {
                let mut r = Reader::new(&bytes[1..]);
                let reason = r.text()?.to_string();
                r.finish()?;
                Ok(JoinReply::Refused(reason))
            }
            _ => Err(SyncError::Malformed("not a join reply")),
        }
    }
}

fn send_raw<S: Write>(s: &mut S, bytes: &[u8]) -> Result<()> {
    s.write_all(&crate::frame::encode(bytes))?;
    s.flush()?;
    Ok(())
}

fn recv_raw<S: Read>(s: &mut S, max: usize) -> Result<Vec<u8>> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).map_err(|_| SyncError::Closed)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > max {
        return Err(SyncError::FrameTooLarge(len));
    }
    let mut buf = vec![0u8; len];
    s.read_exact(&mut buf).map_err(|_| SyncError::Closed)?;
    Ok(buf)
}

fn pake_key(state: Spake2<Ed25519Group>, theirs: &[u8]) -> Result<[u8; KEY_LEN]> {
    let key = state
        .finish(theirs)
        .map_err(|_| SyncError::Pairing("the other device did not answer correctly".into()))?;
    let mut k = [0u8; KEY_LEN];
    if key.len() != KEY_LEN {
        return Err(SyncError::Pairing("unexpected key length".into()));
    }
    k.copy_from_slice(&key);
    Ok(k)
}

/// The joiner's side: returns the grant once the inviter handed it over. The caller
/// stores it durably and then calls [`confirm`].
pub fn join<S: Read + Write>(
    mut stream: S,
    code: &str,
    me: &StaticKeys,
    request: &JoinRequest,
) -> Result<(SecureStream<S>, JoinGrant)> {
    let password = Password::new(normalise(code).as_bytes());
    let (state, msg) = Spake2::<Ed25519Group>::start_a(
        &password,
        &Identity::new(ID_JOINER),
        &Identity::new(ID_INVITER),
    );
    send_raw(&mut stream, &msg)?;
    let theirs = recv_raw(&mut stream, PAKE_MSG_LEN)?;
    let key = pake_key(state, &theirs)?;
    let (mut secure, ()) =
        connect(stream, me, 0, &key, &|_: &[u8; KEY_LEN]| Some(())).map_err(|e| match e {
            SyncError::Closed | SyncError::Handshake => {
                SyncError::Pairing("wrong code, or the invitation ended".into())
            }
            e => e,
        })?;
    secure.send(&request.encode())?;
    let reply = secure.recv().map_err(|e| match e {
        SyncError::Closed => SyncError::Pairing("the team manager's device refused".into()),
        e => e,
    })?;
    match JoinReply::decode(&reply)? {
        JoinReply::Granted(grant) => Ok((secure, grant)),
        JoinReply::Refused(reason) => Err(SyncError::Pairing(format!(
            "the team manager's device says {reason}"
        ))),
    }
}

/// Tells the inviter the new device has stored everything.
pub fn confirm<S: Read + Write>(secure: &mut SecureStream<S>) -> Result<()> {
    secure.send(b"joined")
}

/// The inviter's side of one attempt: `grant` adds the device to the roster and returns
/// what to hand over, or refuses with `SyncError::Pairing(reason)`, which the joiner is
/// told. A wrong code counts against `code`.
pub fn invite<S: Read + Write>(
    mut stream: S,
    code: &mut PairingCode,
    me: &StaticKeys,
    grant: impl FnOnce(&JoinRequest, &[u8; KEY_LEN]) -> Result<JoinGrant>,
) -> Result<JoinGrant> {
    code.usable(Instant::now())?;
    let theirs = recv_raw(&mut stream, PAKE_MSG_LEN)?;
    let password = Password::new(code.secret().as_bytes());
    let (state, msg) = Spake2::<Ed25519Group>::start_b(
        &password,
        &Identity::new(ID_JOINER),
        &Identity::new(ID_INVITER),
    );
    send_raw(&mut stream, &msg)?;
    let key = match pake_key(state, &theirs) {
        Ok(k) => k,
        Err(e) => {
            code.failed();
            return Err(e);
        }
    };
    let (mut secure, joiner_key) =
        match accept(stream, me, |_| Some(key), &|k: &[u8; KEY_LEN]| Some(*k)) {
            Ok(x) => x,
            Err(_) => {
                code.failed();
                return Err(SyncError::Pairing("wrong code".into()));
            }
        };
    // From here the joiner proved it knows the code: the code is spent.
    code.consume();
    let request = JoinRequest::decode(&secure.recv()?)?;
    let granted = match grant(&request, &joiner_key) {
        Ok(granted) => granted,
        Err(e) => {
            let reason = match &e {
                SyncError::Pairing(reason) => reason.clone(),
                _ => "it could not add this device".into(),
            };
            // Best effort: the refusal stands whether or not the joiner hears it.
            let _ = secure.send(&JoinReply::Refused(reason).encode());
            return Err(e);
        }
    };
    // A grant's own encoding is the `JoinReply::Granted` reply; no copy of it needed.
    secure.send(&granted.encode())?;
    match secure.recv() {
        Ok(m) if m == b"joined" => Ok(granted),
        _ => Err(SyncError::Pairing(
            "the new device did not confirm; it is on the roster and can be revoked".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_are_short_unambiguous_and_normalised() {
        let c = PairingCode::generate(Duration::from_secs(60));
        let shown = c.display();
        assert_eq!(shown.len(), 9);
        assert_eq!(normalise(&shown.to_lowercase()), c.secret());
        assert!(c.secret().bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn a_code_is_burned_after_too_many_failures_and_expires() {
        let mut c = PairingCode::generate(Duration::from_secs(60));
        for _ in 0..MAX_ATTEMPTS {
            assert!(c.usable(Instant::now()).is_ok());
            c.failed();
        }
        assert!(c.usable(Instant::now()).is_err());
        let c = PairingCode::generate(Duration::from_millis(0));
        assert!(c.usable(Instant::now()).is_err());
    }

    proptest! {
        #[test]
        fn pairing_messages_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = JoinRequest::decode(&bytes);
            let _ = JoinGrant::decode(&bytes);
            let _ = JoinReply::decode(&bytes);
        }

        #[test]
        fn pairing_messages_round_trip(device in "[0-9a-f]{32}", name in "\\PC{0,40}", epoch in any::<u32>(), doc in proptest::collection::vec(any::<u8>(), 0..100)) {
            let r = JoinRequest { device: device.clone(), member_name: name.clone(), role: "social-worker".into() };
            prop_assert_eq!(JoinRequest::decode(&r.encode()).unwrap(), r);
            let g = JoinGrant { team_id: device.clone(), member_id: device, key_epoch: epoch, team_key: [3; 32], team_doc: doc };
            prop_assert_eq!(JoinGrant::decode(&g.encode()).unwrap(), g.clone());
            let granted = JoinReply::Granted(g);
            prop_assert_eq!(JoinReply::decode(&granted.encode()).unwrap(), granted);
            let refused = JoinReply::Refused(name);
            prop_assert_eq!(JoinReply::decode(&refused.encode()).unwrap(), refused);
        }
    }
}
