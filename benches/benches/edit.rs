//! `edit/set-3/<n>-lines`: the values-file edit of the main job, parse and three `set`s
//! (`client_id` and `client_secret` to 700-character sealed-like values, `azure_tenant_id` to
//! a GUID) with `offseal_yaml::set_scalars` (which re-parses its result to verify it), on
//! generated 300- and 10,000-line values files; and `edit/granit-scan/10000-lines`, one plain
//! granit-parser event scan of the 10,000-line file, for comparison.

#![allow(
    clippy::expect_used,
    reason = "a bench without its fixtures cannot run"
)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use granit_parser::Parser;
use offseal_benches::{
    CLIENT_ID_PATH, CLIENT_SECRET_PATH, TENANT_ID, TENANT_ID_PATH, sealed_like, values_file,
};
use offseal_yaml::{Edit, Path};

/// Length of the sealed-like values written.
const SEALED_LEN: usize = 700;

/// The three edits of the main job on every file size, and the plain parser scan.
fn edit(c: &mut Criterion) {
    let path = |text| Path::parse(text).expect("a valid path");
    let edits = [
        Edit::set(path(CLIENT_ID_PATH), sealed_like(SEALED_LEN, 1)),
        Edit::set(path(CLIENT_SECRET_PATH), sealed_like(SEALED_LEN, 2)),
        Edit::set(path(TENANT_ID_PATH), TENANT_ID),
    ];
    let mut group = c.benchmark_group("edit");
    for lines in [300, 10_000] {
        let text = values_file(lines, 1);
        offseal_yaml::set_scalars(text.as_bytes(), &edits).expect("the edits apply");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(BenchmarkId::new("set-3", format!("{lines}-lines")), |b| {
            b.iter(|| offseal_yaml::set_scalars(black_box(text.as_bytes()), &edits));
        });
    }
    let text = values_file(10_000, 1);
    // Comment events off, as offseal-yaml parses.
    let scan = |text: &str| {
        let options = granit_parser::options! { emit_comments: false };
        Parser::new_from_str_with_options(text, options)
            .map(|event| event.map(|_| ()))
            .collect::<Result<Vec<()>, _>>()
    };
    scan(&text).expect("the file parses");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("granit-scan/10000-lines", |b| {
        b.iter(|| scan(black_box(&text)));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = edit
}
criterion_main!(benches);
