//! Project tasks beyond `cargo build` and `cargo test`.

fn main() {}
