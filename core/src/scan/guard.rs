//! Decoder calls under `catch_unwind`: a panic in rxing or rqrr (rqrr 0.11 has known ones) loses that
//! step, never the process (the shipped libraries unwind, ADR 0002).

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs decoder steps with panics contained, counting them.
#[derive(Debug, Default)]
pub(crate) struct Guard {
    /// Panics contained so far this frame.
    pub panics: u32,
}

impl Guard {
    /// `f`'s result, or `None` if it panicked.
    pub fn run<T>(&mut self, f: impl FnOnce() -> T) -> Option<T> {
        catch_unwind(AssertUnwindSafe(f)).map_err(|_| self.panics += 1).ok()
    }
}
