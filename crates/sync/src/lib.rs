//! hearth-sync: discovery, pairing, authenticated encrypted transport and access-filtered document sync.
