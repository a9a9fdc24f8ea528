//! The encrypted, mutually authenticated channel: Noise
//! `XXpsk3_25519_ChaChaPoly_BLAKE2s` over any `Read + Write` (a TCP stream in the app,
//! an in-memory pipe in tests). Each device has a static key; the team key is the PSK,
//! so a device of another team fails the handshake. The first handshake message carries
//! the initiator's team-key epoch in the clear (a number, nothing else), so the
//! responder picks the matching key (it is sent in the clear in front of Noise's
//! first message).
//!
//! After the handshake each side looks the peer's static key up in the roster (the
//! `authorize` callback); a key that is not there, or is revoked, ends the connection
//! before any application data is sent.
//!
//! On the wire every Noise message is one frame: u16 big-endian length, then the
//! message. A protocol message is sent as a u32 length and its bytes, split over as
//! many Noise messages as needed, and reassembled with a [`FrameDecoder`].

use std::io::{Read, Write};

use crate::frame::{FrameDecoder, MAX_MESSAGE};
use crate::keys::{KEY_LEN, StaticKeys};
use crate::{Result, SyncError};

const PATTERN: &str = "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s";
const NOISE_MAX: usize = 65535;
const TAG: usize = 16;

pub(crate) fn params() -> snow::params::NoiseParams {
    PATTERN.parse().expect("a valid Noise pattern")
}

/// Byte counters of one connection, for status and benchmarks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Traffic {
    pub sent: u64,
    pub received: u64,
}

pub struct SecureStream<S> {
    stream: S,
    noise: snow::TransportState,
    plain: FrameDecoder,
    remote: [u8; KEY_LEN],
    pub traffic: Traffic,
}

fn write_noise_frame<S: Write>(stream: &mut S, msg: &[u8], traffic: &mut Traffic) -> Result<()> {
    let len = u16::try_from(msg.len()).map_err(|_| SyncError::FrameTooLarge(msg.len()))?;
    let mut out = Vec::with_capacity(msg.len() + 2);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(msg);
    stream.write_all(&out)?;
    traffic.sent += out.len() as u64;
    Ok(())
}

fn read_noise_frame<S: Read>(stream: &mut S, traffic: &mut Traffic) -> Result<Vec<u8>> {
    let mut len = [0u8; 2];
    read_exact(stream, &mut len)?;
    let len = u16::from_be_bytes(len) as usize;
    let mut buf = vec![0u8; len];
    read_exact(stream, &mut buf)?;
    traffic.received += 2 + len as u64;
    Ok(buf)
}

fn read_exact<S: Read>(stream: &mut S, buf: &mut [u8]) -> Result<()> {
    stream.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => SyncError::Closed,
        _ => SyncError::Io(e),
    })
}

/// What the remote static key authenticates as (the roster lookup); `None` refuses.
pub trait Authorize<P> {
    fn authorize(&self, remote_key: &[u8; KEY_LEN]) -> Option<P>;
}

impl<P, F: Fn(&[u8; KEY_LEN]) -> Option<P>> Authorize<P> for F {
    fn authorize(&self, remote_key: &[u8; KEY_LEN]) -> Option<P> {
        self(remote_key)
    }
}

fn remote_key(hs: &snow::HandshakeState) -> Result<[u8; KEY_LEN]> {
    let r = hs.get_remote_static().ok_or(SyncError::Handshake)?;
    let mut k = [0u8; KEY_LEN];
    if r.len() != KEY_LEN {
        return Err(SyncError::Handshake);
    }
    k.copy_from_slice(r);
    Ok(k)
}

/// Opens the channel as the connecting side, with the team key of `epoch`.
pub fn connect<S: Read + Write, P>(
    mut stream: S,
    me: &StaticKeys,
    epoch: u32,
    psk: &[u8; KEY_LEN],
    authorize: &impl Authorize<P>,
) -> Result<(SecureStream<S>, P)> {
    let mut traffic = Traffic::default();
    let mut hs = snow::Builder::new(params())
        .local_private_key(&me.secret)?
        .psk(3, psk)?
        .build_initiator()?;
    let mut buf = vec![0u8; NOISE_MAX];
    let mut payload = vec![0u8; NOISE_MAX];
    let n = hs.write_message(&[], &mut buf)?;
    let mut first = epoch.to_be_bytes().to_vec();
    first.extend_from_slice(&buf[..n]);
    write_noise_frame(&mut stream, &first, &mut traffic)?;
    let msg2 = read_noise_frame(&mut stream, &mut traffic)?;
    hs.read_message(&msg2, &mut payload)?;
    // The responder's static key is known now: refuse an unknown device before
    // finishing the handshake, so nothing of ours (not even our static key) reaches it.
    let remote = remote_key(&hs)?;
    let peer = authorize.authorize(&remote).ok_or(SyncError::NotOnRoster)?;
    let n = hs.write_message(&[], &mut buf)?;
    write_noise_frame(&mut stream, &buf[..n], &mut traffic)?;
    let noise = hs.into_transport_mode()?;
    Ok((
        SecureStream {
            stream,
            noise,
            plain: FrameDecoder::new(MAX_MESSAGE),
            remote,
            traffic,
        },
        peer,
    ))
}

/// Accepts the channel as the listening side; `key_for` gives the team key of the
/// epoch the initiator names (current or previous), `None` refuses.
pub fn accept<S: Read + Write, P>(
    mut stream: S,
    me: &StaticKeys,
    key_for: impl Fn(u32) -> Option<[u8; KEY_LEN]>,
    authorize: &impl Authorize<P>,
) -> Result<(SecureStream<S>, P)> {
    let mut traffic = Traffic::default();
    let first = read_noise_frame(&mut stream, &mut traffic)?;
    // The first frame is the epoch in the clear, then Noise's first message.
    if first.len() < 4 {
        return Err(SyncError::Handshake);
    }
    let epoch = u32::from_be_bytes([first[0], first[1], first[2], first[3]]);
    let msg1 = &first[4..];
    let psk = key_for(epoch).ok_or(SyncError::UnknownKeyEpoch)?;
    let mut hs = snow::Builder::new(params())
        .local_private_key(&me.secret)?
        .psk(3, &psk)?
        .build_responder()?;
    let mut buf = vec![0u8; NOISE_MAX];
    let mut payload = vec![0u8; NOISE_MAX];
    hs.read_message(msg1, &mut payload)?;
    let n = hs.write_message(&[], &mut buf)?;
    write_noise_frame(&mut stream, &buf[..n], &mut traffic)?;
    let msg3 = read_noise_frame(&mut stream, &mut traffic)?;
    hs.read_message(&msg3, &mut payload)?;
    let remote = remote_key(&hs)?;
    let peer = authorize.authorize(&remote).ok_or(SyncError::NotOnRoster)?;
    let noise = hs.into_transport_mode()?;
    Ok((
        SecureStream {
            stream,
            noise,
            plain: FrameDecoder::new(MAX_MESSAGE),
            remote,
            traffic,
        },
        peer,
    ))
}

impl<S: Read + Write> SecureStream<S> {
    pub fn remote_key(&self) -> &[u8; KEY_LEN] {
        &self.remote
    }

    /// Sends one protocol message (encrypted, split into Noise messages).
    pub fn send(&mut self, msg: &[u8]) -> Result<()> {
        self.send_all(&[msg])
    }

    /// Sends several protocol messages at once: their frames are packed into as few
    /// Noise messages as fit, so a burst of small messages (one per document) pays one
    /// length prefix and one authentication tag, and one write, instead of one each.
    /// The receiver's frame decoder does not care how frames fall into Noise messages.
    pub fn send_all(&mut self, msgs: &[&[u8]]) -> Result<()> {
        let mut plain = Vec::new();
        for msg in msgs {
            if msg.len() > MAX_MESSAGE {
                return Err(SyncError::FrameTooLarge(msg.len()));
            }
            plain.extend_from_slice(&crate::frame::encode(msg));
        }
        if plain.is_empty() {
            return Ok(());
        }
        let mut buf = vec![0u8; NOISE_MAX];
        let mut wire = Vec::with_capacity(plain.len() + plain.len() / (NOISE_MAX - TAG) * 18 + 18);
        for chunk in plain.chunks(NOISE_MAX - TAG) {
            let n = self.noise.write_message(chunk, &mut buf)?;
            let len = u16::try_from(n).map_err(|_| SyncError::FrameTooLarge(n))?;
            wire.extend_from_slice(&len.to_be_bytes());
            wire.extend_from_slice(&buf[..n]);
        }
        self.stream.write_all(&wire)?;
        self.traffic.sent += wire.len() as u64;
        self.stream.flush()?;
        Ok(())
    }

    /// Receives one protocol message.
    pub fn recv(&mut self) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; NOISE_MAX];
        loop {
            if let Some(msg) = self.plain.next_frame()? {
                return Ok(msg);
            }
            let frame = read_noise_frame(&mut self.stream, &mut self.traffic)?;
            let n = self
                .noise
                .read_message(&frame, &mut buf)
                .map_err(|_| SyncError::Protocol("a message failed authentication".into()))?;
            self.plain.push(&buf[..n]);
        }
    }

    /// Whether another message is already decrypted and waiting (no I/O needed).
    pub fn has_buffered(&self) -> bool {
        self.plain.has_frame()
    }

    pub fn into_inner(self) -> S {
        self.stream
    }
}
