//! How long generating the shipped spec set takes, stage by stage.
//!
//! `cargo bench -p kerio-codegen --bench generate`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use kerio_codegen::{Options, format, generate, generate_tokens, load};

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec");
    let apis = load::load_root(&root).unwrap_or_else(|d| panic!("{d}"));
    let opts = Options::kerio_api();
    let mut group = c.benchmark_group("full spec set");
    group.sample_size(20);
    group.bench_function("load (read + parse + check)", |b| {
        b.iter(|| load::load_root(black_box(&root)))
    });
    group.bench_function("validate + model + emit", |b| {
        b.iter(|| generate_tokens(black_box(&apis), &opts))
    });
    let tokens = generate_tokens(&apis, &opts).unwrap_or_else(|d| panic!("{d}"));
    group.bench_function("format", |b| {
        b.iter(|| format::format(black_box(tokens.clone())))
    });
    group.bench_function("all stages from files", |b| {
        b.iter(|| {
            let apis = load::load_root(black_box(&root)).unwrap_or_default();
            generate(&apis, &opts)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
