//! Links the unwinder into `offseal` statically on GNU/Linux, from GCC's `libgcc_eh.a`, instead
//! of loading `libgcc_s.so.1` at run time. The shared library's constructor probes the CPU
//! (`__cpu_indicator_init`: a dozen `cpuid` instructions, which a virtual machine traps at about
//! 10 µs each) in every process, although offseal never asks for what it finds; with the
//! library's loading, that was about 0.15 ms of each run of the main job (BENCHMARKS.md). The
//! unwinder is the same code either way: `-C target-feature=+crt-static` builds link this very
//! archive. Where the C compiler knows no `libgcc_eh.a` (clang with compiler-rt only, say),
//! and when cross-compiling, nothing changes.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CC");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let static_crt = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    let gnu_linux = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    // Native builds only: for another target, `cc` would name the host's archive.
    let native = var("TARGET") == var("HOST");
    let dir = (gnu_linux && native && !static_crt)
        .then(libgcc_eh_dir)
        .flatten();
    if let Some(dir) = &dir {
        println!("cargo::rustc-link-search=native={}", dir.display());
        // Before std's `-lgcc_s` on the link line: the archive then provides the `_Unwind_*`
        // symbols, and `--as-needed` drops the shared library.
        println!("cargo::rustc-link-lib=static:-bundle=gcc_eh");
    }
    // For the test that checks the result.
    let unwinder = if dir.is_some() || static_crt {
        "static"
    } else {
        "default"
    };
    println!("cargo::rustc-env=OFFSEAL_UNWINDER={unwinder}");
}

/// The directory of the C compiler's `libgcc_eh.a`, if it has one.
fn libgcc_eh_dir() -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let output = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    // Unknown files are printed back as given, without a directory.
    (output.status.success() && path.is_absolute() && path.is_file())
        .then(|| path.parent().map(PathBuf::from))
        .flatten()
}
