//! What the fuzz targets share: a fixed clock, the 2048-bit test certificate, a seeded
//! generator. The targets themselves are in `fuzz_targets/`; see FUZZING.md.

use std::sync::LazyLock;
use std::time::{Duration, SystemTime};

use offseal_core::rand_core::SeedableRng;
use offseal_core::{Certificate, SealingKey, Timestamp};
use rand::rngs::ChaCha8Rng;

/// 2027-01-01T00:00:00Z, when the test certificates are valid (the library never reads the
/// clock: callers pass the time in).
#[must_use]
pub fn now() -> Timestamp {
    Timestamp::from_system_time(SystemTime::UNIX_EPOCH + Duration::from_secs(1_798_761_600))
}

/// `testdata/keys/controller-2048.crt.pem`: the cheapest RSA public-key operation of the
/// test keys.
pub static CERTIFICATE: LazyLock<Certificate> = LazyLock::new(|| {
    let pem = include_bytes!("../../testdata/keys/controller-2048.crt.pem");
    match Certificate::parse(pem, "controller-2048.crt.pem") {
        Ok(cert) => cert,
        Err(e) => panic!("the test certificate does not read: {e}"),
    }
});

/// The sealing key of [`CERTIFICATE`] at [`now`].
pub static SEALING_KEY: LazyLock<SealingKey> =
    LazyLock::new(|| match CERTIFICATE.sealing_key(now()) {
        Ok(key) => key,
        Err(e) => panic!("the test certificate is not valid at {}: {e}", now()),
    });

/// A generator seeded the same way for every input, so that a target that seals runs the
/// same way each time it is given the same input.
#[must_use]
pub fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(0x0ff5_ea15)
}
