//! Criterion benchmarks of offseal; see `benches/` and `cargo xtask bench`.
