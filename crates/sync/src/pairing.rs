//! Pairing a new device by a short one-time code. Placeholder replaced below.
