//! Length-prefixed frames: a u32 big-endian length, then that many bytes. A frame longer
//! than the decoder's maximum is refused before any of it is buffered, so a peer cannot
//! make us allocate without bound. The decoder is fed bytes as they arrive and yields
//! whole frames.

use crate::{Result, SyncError};

/// The largest protocol message (one document's sync message, e.g. 500 changes of a
/// long case). Larger documents still sync: Automerge splits nothing, but a case this
/// large would be a bug elsewhere.
pub const MAX_MESSAGE: usize = 64 * 1024 * 1024;

pub fn encode(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 4);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

#[derive(Debug)]
pub struct FrameDecoder {
    buf: Vec<u8>,
    max: usize,
}

impl FrameDecoder {
    pub fn new(max: usize) -> Self {
        FrameDecoder {
            buf: Vec::new(),
            max,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole frame, `None` while more bytes are needed, or an error (after
    /// which the connection must be dropped).
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>> {
        if self.buf.len() < 4 {
            return Ok(None);
        }
        let len = u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]) as usize;
        if len > self.max {
            return Err(SyncError::FrameTooLarge(len));
        }
        if self.buf.len() < 4 + len {
            return Ok(None);
        }
        let frame = self.buf[4..4 + len].to_vec();
        self.buf.drain(..4 + len);
        Ok(Some(frame))
    }

    /// Whether a whole frame is already buffered (so `next_frame` returns without I/O).
    pub fn has_frame(&self) -> bool {
        if self.buf.len() < 4 {
            return false;
        }
        let len = u32::from_be_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]) as usize;
        self.buf.len() >= 4 + len || len > self.max
    }

    /// Bytes received but not yet part of a whole frame.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refuses_an_oversized_length_before_buffering_it() {
        let mut d = FrameDecoder::new(10);
        d.push(&11u32.to_be_bytes());
        assert!(matches!(d.next_frame(), Err(SyncError::FrameTooLarge(11))));
    }

    proptest! {
        #[test]
        fn frames_survive_any_split(payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8),
                                    cut in 1usize..50) {
            let wire: Vec<u8> = payloads.iter().flat_map(|p| encode(p)).collect();
            let mut d = FrameDecoder::new(1000);
            let mut got = Vec::new();
            for chunk in wire.chunks(cut) {
                d.push(chunk);
                while let Some(f) = d.next_frame().unwrap() {
                    got.push(f);
                }
            }
            prop_assert_eq!(got, payloads);
            prop_assert_eq!(d.pending(), 0);
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut d = FrameDecoder::new(64);
            d.push(&bytes);
            for _ in 0..100 {
                match d.next_frame() {
                    Ok(Some(f)) => prop_assert!(f.len() <= 64),
                    _ => break,
                }
            }
        }
    }
}
