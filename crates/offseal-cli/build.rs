//! Link flags that travel with the package (a `.cargo/config.toml` does not reach a crates.io
//! install, a build script does).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        // RELR: the ~13,000 relative relocations of a position-independent binary in a few KB
        // instead of ~310 KB that the dynamic loader reads and walks at every start
        // (BENCHMARKS.md). It needs glibc 2.36+, where the binary is built and so where
        // `cargo install` runs it; the linker records that as a version dependency.
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
