//! Decoding an `ActiveHosts.get` result of 10 000 hosts into the generated types, beside
//! parsing the same bytes into `serde_json::Value`.
//!
//! `cargo bench -p kerio-api --bench decode`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kerio_api::Method;
use kerio_api::admin::active_hosts;
use serde_json::{Value, json};

/// A host with every field an appliance sends.
fn host(i: usize) -> Value {
    json!({
        "id": format!("{}", 100_000 + i),
        "type": if i.is_multiple_of(17) { "ActiveHostGuest" } else { "ActiveHostHost" },
        "ip": format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
        "ip6Addresses": [format!("fe80::{:x}:{:x}", i, i * 7)],
        "hostname": format!("ws-{i:05}.branch-{}.corp.example", i % 40),
        "macAddress": format!("3c:22:fb:{:02x}:{:02x}:{:02x}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
        "ipAddressFromDHCP": !i.is_multiple_of(3),
        "startTime": {"date": {"year": 2026, "month": 10, "day": 23}, "time": {"hour": 7, "min": 58, "sec": i % 60}},
        "inactivityTime": i % 600,
        "user": {"id": format!("U-{i}"), "name": format!("user{i}"), "isGroup": false, "domainName": "corp.example"},
        "loginTime": {"date": {"year": 2026, "month": 10, "day": 23}, "time": {"hour": 8, "min": 1, "sec": 2}},
        "loginDuration": 3600 + i,
        "authMethod": "AuthMethodSso",
        "connections": i % 250,
        "totalDownload": 48_318_382_080.0 + i as f64,
        "totalUpload": 1_073_741_824.0 + i as f64,
        "currentDownload": 1_250_000.5,
        "currentUpload": 64_000.25
    })
}

fn bench(c: &mut Criterion) {
    let hosts: Vec<Value> = (0..10_000).map(host).collect();
    let result = serde_json::to_vec(&json!({"list": hosts, "totalItems": 10_000})).unwrap();
    type Wire = <active_hosts::Get<'static> as Method>::Wire;

    let mut group = c.benchmark_group("ActiveHosts.get, 10 000 hosts");
    group.throughput(Throughput::Bytes(result.len() as u64));
    group.sample_size(20);
    group.bench_with_input(
        BenchmarkId::new("typed", result.len()),
        &result,
        |b, bytes| {
            b.iter(|| {
                let wire: Wire = serde_json::from_slice(black_box(bytes)).unwrap();
                <active_hosts::Get<'static> as Method>::output(wire)
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new("serde_json::Value", result.len()),
        &result,
        |b, bytes| b.iter(|| serde_json::from_slice::<Value>(black_box(bytes)).unwrap()),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
