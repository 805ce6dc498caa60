//! The scoring engine: pure functions, no I/O, compiled into both the
//! server and the browser so that both compute the same scores.

pub mod exact;
pub mod formula;
pub mod framework;
pub mod round;
pub mod score;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
#[cfg(test)]
mod reference;
