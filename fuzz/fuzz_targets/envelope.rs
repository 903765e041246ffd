//! The sealed-value parser (`offseal_core::Envelope`): the input as raw sealed bytes and, when
//! it is UTF-8, as base64 text (as values files and manifests hold it).
//!
//! An `Err` is fine; a panic is a bug, and so is an envelope whose parts do not add up to its
//! bytes or that does not survive base64 and back.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offseal_core::{Envelope, MalformedReason};

/// The key sizes, in bytes, of the controller keys (2048, 3072 and 4096 bits).
const KEY_SIZES: [usize; 3] = [256, 384, 512];

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::parse(data) {
        check(&envelope, data);
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(envelope) = Envelope::from_base64(text)
    {
        let raw = envelope.as_bytes().to_vec();
        check(&envelope, &raw);
    }
});

/// The parts of an envelope parsed from `bytes` add up to them, and it reads back the same
/// from its base64 and from its bytes.
fn check(envelope: &Envelope, bytes: &[u8]) {
    assert_eq!(envelope.as_bytes(), bytes);
    let rsa = envelope.rsa_ciphertext();
    let aes = envelope.aes_ciphertext();
    assert_eq!(rsa.len(), envelope.rsa_size());
    assert_eq!(2 + rsa.len() + aes.len(), bytes.len());
    assert!(aes.len() >= envelope.plaintext_len());
    for size in KEY_SIZES {
        match envelope.check_key_size(size) {
            Ok(()) => assert_eq!(envelope.rsa_size(), size),
            Err(offseal_core::Error::Malformed(MalformedReason::WrongKeySize {
                found,
                expected,
            })) => {
                assert_eq!((found, expected), (envelope.rsa_size(), size));
            }
            Err(other) => panic!("check_key_size: unexpected error {other}"),
        }
    }
    let text = envelope.to_base64();
    match Envelope::from_base64(&text) {
        Ok(back) => assert!(&back == envelope, "base64 round trip changed the envelope"),
        Err(e) => panic!("an envelope's own base64 does not parse: {e}"),
    }
    match Envelope::parse(bytes) {
        Ok(back) => assert!(
            &back == envelope,
            "parsing its bytes again changed the envelope"
        ),
        Err(e) => panic!("an envelope's own bytes do not parse: {e}"),
    }
}
