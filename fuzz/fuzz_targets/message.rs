//! Every message decoder (protocol messages, pairing messages, stored team keys) fed
//! arbitrary bytes: never panics; whatever decodes re-encodes to the same bytes.
#![no_main]

use hearth_sync::keys::TeamKeys;
use hearth_sync::message::Message;
use hearth_sync::pairing::{JoinGrant, JoinRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = Message::decode(data) {
        assert_eq!(m.encode(), data);
    }
    if let Ok(r) = JoinRequest::decode(data) {
        assert_eq!(r.encode(), data);
    }
    if let Ok(g) = JoinGrant::decode(data) {
        assert_eq!(g.encode(), data);
    }
    let _ = TeamKeys::decode(data);
});
