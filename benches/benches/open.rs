//! `open/<backend>/4096`: one sealed value (a client id) opened with the 4096-bit controller
//! key by `offseal_core::open` (base64, RSA-OAEP with the private key, AES-GCM), with
//! the RSA backend this build has.

#![allow(
    clippy::expect_used,
    reason = "a bench without its fixtures cannot run"
)]

mod common;

use std::hint::black_box;
use std::time::SystemTime;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use offseal_benches::{CLIENT_ID, NAME, NAMESPACE};
use offseal_core::{RSA_BACKEND, SealingKey, Target, UnsealingKeys};

/// Opens one value per iteration.
fn open(c: &mut Criterion) {
    let cert = include_bytes!("../../testdata/keys/controller-4096.crt.pem");
    let private = include_bytes!("../../testdata/keys/controller-4096.key.pem");
    let target = Target::strict(NAMESPACE, NAME).expect("a valid target");
    let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())
        .expect("the test certificate is valid");
    let sealed = offseal_core::seal(&key, &target, CLIENT_ID.as_bytes()).expect("sealing works");
    let mut keys = UnsealingKeys::new();
    keys.add(private, "controller.key")
        .expect("the test key is valid");
    let mut group = c.benchmark_group("open");
    group.throughput(Throughput::Elements(1));
    group.bench_function(BenchmarkId::new(RSA_BACKEND, 4096), |b| {
        b.iter(|| offseal_core::open(&keys, black_box(&target), black_box(&sealed)));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = open
}
criterion_main!(benches);
