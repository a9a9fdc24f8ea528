//! Filled in by the measures work.
