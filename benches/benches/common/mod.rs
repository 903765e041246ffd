//! What every bench shares.

use std::time::Duration;

use criterion::Criterion;

/// Criterion settings that keep `cargo xtask bench` to a few minutes on 2 cores: 30 samples,
/// 1 s warm-up, 3 s measurement per benchmark. Criterion's flags (`--measurement-time`,
/// `--sample-size`, ...) still override them, as `cargo xtask bench --quick` does.
pub(crate) fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}
