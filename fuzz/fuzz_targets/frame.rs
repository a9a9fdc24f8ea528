//! The frame decoder fed arbitrary bytes in arbitrary pieces: never panics, never
//! yields a frame over its maximum.
#![no_main]

use hearth_sync::frame::FrameDecoder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let mut d = FrameDecoder::new(4096);
    for piece in rest.chunks(usize::from(cut).max(1)) {
        d.push(piece);
        loop {
            match d.next_frame() {
                Ok(Some(f)) => assert!(f.len() <= 4096),
                Ok(None) | Err(_) => break,
            }
        }
    }
});
