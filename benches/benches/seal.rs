//! `seal/<backend>/<bits>`: one value (a client id) sealed strictly with the controller's
//! certificate of each key size, by `offseal_core::seal` (OS randomness, RSA-OAEP,
//! AES-GCM, base64), with the RSA backend this build has (`--features aws-lc` or not).

#![allow(
    clippy::expect_used,
    reason = "a bench without its fixtures cannot run"
)]

mod common;

use std::hint::black_box;
use std::time::SystemTime;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use offseal_benches::{CLIENT_ID, NAME, NAMESPACE};
use offseal_core::{RSA_BACKEND, SealingKey, Target};

/// The controller certificates, by key size.
const CERTS: [(u32, &[u8]); 3] = [
    (
        2048,
        include_bytes!("../../testdata/keys/controller-2048.crt.pem"),
    ),
    (
        3072,
        include_bytes!("../../testdata/keys/controller-3072.crt.pem"),
    ),
    (
        4096,
        include_bytes!("../../testdata/keys/controller-4096.crt.pem"),
    ),
];

/// Seals one value per iteration, for each key size.
fn seal(c: &mut Criterion) {
    let mut group = c.benchmark_group("seal");
    group.throughput(Throughput::Elements(1));
    let target = Target::strict(NAMESPACE, NAME).expect("a valid target");
    for (bits, cert) in CERTS {
        let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())
            .expect("the test certificate is valid");
        group.bench_function(BenchmarkId::new(RSA_BACKEND, bits), |b| {
            b.iter(|| {
                offseal_core::seal(&key, black_box(&target), black_box(CLIENT_ID.as_bytes()))
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = seal
}
criterion_main!(benches);
