//! Where "now" comes from: injected, so logic (token status, client assertions) can be tested
//! at any time. Below the facade, so flows can date what they sign with the same clock.

use crate::model::Timestamp;

/// Where "now" comes from; injected so logic can be tested at any time.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp(time::OffsetDateTime::now_utc())
    }
}
