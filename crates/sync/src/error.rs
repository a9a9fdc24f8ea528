use thiserror::Error;

/// Everything that can go wrong in sync. Messages never carry document content.
#[derive(Debug, Error)]
pub enum SyncError {
    #[error("frame of {0} bytes is larger than allowed")]
    FrameTooLarge(usize),
    #[error("malformed message: {0}")]
    Malformed(&'static str),
    #[error("secure handshake failed (wrong team key, or not a Hearth peer)")]
    Handshake,
    #[error("the peer's device is not on the team roster or is revoked")]
    NotOnRoster,
    #[error("the peer uses a team key this device does not know")]
    UnknownKeyEpoch,
    #[error("protocol error: {0}")]
    Protocol(String),
    #[error("pairing refused: {0}")]
    Pairing(String),
    #[error("discovery: {0}")]
    Discovery(String),
    #[error("document: {0}")]
    Document(String),
    #[error("the connection closed")]
    Closed,
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

impl From<snow::Error> for SyncError {
    fn from(_: snow::Error) -> Self {
        SyncError::Handshake
    }
}

impl From<automerge::AutomergeError> for SyncError {
    fn from(e: automerge::AutomergeError) -> Self {
        SyncError::Document(e.to_string())
    }
}

impl From<hearth_core::CoreError> for SyncError {
    fn from(e: hearth_core::CoreError) -> Self {
        SyncError::Document(e.to_string())
    }
}
