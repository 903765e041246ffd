//! Points in time, as certificates and provenance comments show them.
//!
//! The library never reads the clock itself: callers pass "now", so tests and rotation jobs
//! can reason about any date.

use std::fmt;
use std::time::SystemTime;

use x509_cert::der::DateTime;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A UTC point in time between 1970 and 9999, shown as RFC 3339 (`2026-11-30T11:21:20Z`).
///
/// Every time the library takes is one of these; a [`SystemTime`] converts with `into()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(SystemTime);

impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Timestamp {
        Timestamp(time)
    }
}

impl From<Timestamp> for SystemTime {
    fn from(time: Timestamp) -> SystemTime {
        time.0
    }
}

impl Timestamp {
    /// Wraps a system time.
    #[must_use]
    pub fn from_system_time(time: SystemTime) -> Timestamp {
        Timestamp(time)
    }

    /// The system time.
    #[must_use]
    pub fn to_system_time(self) -> SystemTime {
        self.0
    }

    fn parts(self) -> Option<DateTime> {
        DateTime::from_system_time(self.0).ok()
    }

    /// `2026-11-30`.
    #[must_use]
    pub fn date(self) -> String {
        match self.parts() {
            Some(t) => format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day()),
            None => "out-of-range date".to_owned(),
        }
    }

    /// `November 30, 2026`: the form kubeseal's messages use (Go's "January 2, 2006").
    #[must_use]
    pub fn long_date(self) -> String {
        match self.parts() {
            Some(t) => format!(
                "{} {}, {}",
                MONTHS[usize::from(t.month().clamp(1, 12)) - 1],
                t.day(),
                t.year()
            ),
            None => "out-of-range date".to_owned(),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parts() {
            Some(t) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minutes(),
                t.seconds()
            ),
            None => f.write_str("out-of-range time"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_like_rfc3339_and_go() {
        // 2006-01-02T15:04:05Z, Go's reference time.
        let t = Timestamp::from_system_time(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_136_214_245),
        );
        assert_eq!(t.to_string(), "2006-01-02T15:04:05Z");
        assert_eq!(t.date(), "2006-01-02");
        assert_eq!(t.long_date(), "January 2, 2006");
    }
}
