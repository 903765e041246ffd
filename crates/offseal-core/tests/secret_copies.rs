//! No copy of a plaintext is left in freed memory once the library's secret boxes are dropped:
//! after a value is opened, and after a Secret's base64 `data` is read, the process's writable
//! memory (read through `/proc/self/mem`) no longer holds the plaintext.
//!
//! jemalloc is the allocator here because it moves a buffer that shrinks into a smaller size
//! class and leaves the old one as it was, as many allocators do; glibc's malloc shrinks in
//! place, which would hide such a copy. The plaintexts are sized to cross a size class.
//!
//! One test in its own binary: nothing else may allocate while it scans.

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read as _, Seek as _, SeekFrom};

use offseal_core::secrecy::ExposeSecret as _;
use offseal_core::{Target, manifest};
use zeroize::Zeroizing;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Masks the marker wherever the test itself keeps it, so that only the library's copies can
/// be found.
const MASK: u8 = 0x5A;

/// The plaintext: 5120 bytes, a pattern that occurs nowhere else. GCM's 16-byte tag and
/// base64's size estimate both take its buffers over 5120 bytes, into jemalloc's next class.
fn plaintext() -> Zeroizing<Vec<u8>> {
    Zeroizing::new(
        (0u32..5120)
            .map(|i| u8::try_from((i * 7 + i / 251) % 251).unwrap() ^ 0xC3)
            .collect(),
    )
}

/// A 64-byte window of the plaintext, masked.
fn masked_needle() -> Vec<u8> {
    plaintext()[1000..1064].iter().map(|b| b ^ MASK).collect()
}

/// Whether any writable mapping of this process holds the (unmasked) needle.
fn memory_holds(masked: &[u8]) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let mut mem = std::fs::File::open("/proc/self/mem").unwrap();
    let mut region = Vec::new();
    for line in maps.lines() {
        let mut fields = line.split_whitespace();
        let (Some(range), Some(perms)) = (fields.next(), fields.next()) else {
            continue;
        };
        if !perms.starts_with("rw") {
            continue;
        }
        let (start, end) = range.split_once('-').unwrap();
        let start = u64::from_str_radix(start, 16).unwrap();
        let end = u64::from_str_radix(end, 16).unwrap();
        region.clear();
        region.resize(usize::try_from(end - start).unwrap(), 0);
        if mem.seek(SeekFrom::Start(start)).is_err() || mem.read_exact(&mut region).is_err() {
            continue;
        }
        let first = masked[0] ^ MASK;
        let found = region
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == first)
            .any(|(at, _)| {
                region
                    .get(at..at + masked.len())
                    .is_some_and(|w| w.iter().zip(masked).all(|(b, m)| b ^ MASK == *m))
            });
        // The copy just read is this test's own: wipe it before looking further.
        zeroize::Zeroize::zeroize(&mut region[..]);
        if found {
            return true;
        }
    }
    false
}

/// `live` holds the plaintext (so the scan can find it); once dropped, no copy is left.
fn no_copy_once_dropped<T>(live: T, needle: &[u8], what: &str) {
    assert!(
        memory_holds(needle),
        "{what}: the scan misses a live plaintext"
    );
    drop(live);
    assert!(
        !memory_holds(needle),
        "{what} left a copy of the plaintext in freed memory"
    );
}

#[test]
fn opened_and_decoded_plaintexts_leave_no_copy_in_freed_memory() {
    let needle = masked_needle();
    assert!(
        !memory_holds(&needle),
        "the marker is in memory before the test"
    );

    // Seal, then open: the plaintext lives only in the returned secret box.
    let target = Target::strict("tenant-a", "app").unwrap();
    let sealed = offseal_core::seal(
        &common::sealing_key("controller-2048"),
        &target,
        &plaintext(),
    )
    .unwrap();
    let keys = common::unsealing_keys(&["controller-2048"]);
    let opened = offseal_core::open(&keys, &target, &sealed).unwrap();
    assert!(opened.expose_secret() == plaintext().as_slice());
    no_copy_once_dropped(opened, &needle, "opening a value");

    // A Secret's `data`: base64 decoded into the secret box.
    let base64 = Zeroizing::new(base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        plaintext().as_slice(),
    ));
    let json = Zeroizing::new(format!(
        r#"{{"apiVersion":"v1","kind":"Secret","metadata":{{"name":"s","namespace":"n"}},"data":{{"k":"{}"}}}}"#,
        base64.as_str()
    ));
    let secrets = manifest::read_secrets(json.as_bytes(), "secret.json").unwrap();
    no_copy_once_dropped(secrets, &needle, "reading a Secret's data");
}
