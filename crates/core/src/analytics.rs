//! Filled in by the analytics work.
