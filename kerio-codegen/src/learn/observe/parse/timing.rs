//! A manual timing of the reader, ignored by default.

use super::*;

/// Manual timing: `cargo test --release -p kerio-codegen --features learn parse_timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn parse_timing() {
    let host = r#"{"id":"0a1b2c3d-1c2d-4e5f-8a9b-000000000001","type":"ActiveHostHost","ip":"10.1.0.1","ip6Addresses":["fd00:10:1::1"],"hostname":"pc-0001.office.example.com","macAddress":"00:1b:21:00:00:01","ipAddressFromDHCP":true,"startTime":{"date":{"year":2025,"month":3,"day":12},"time":{"hour":8,"min":41}},"inactivityTime":12345,"user":{"id":"user-1","name":"user0001","isGroup":false,"domainName":"example.com"},"loginTime":{"date":{"year":2025,"month":3,"day":12},"time":{"hour":8,"min":42}},"loginDuration":1234,"authMethod":"AuthMethodWeb","connections":12,"totalDownload":123456.25,"totalUpload":12345.5,"currentDownload":12.25,"currentUpload":1.5}"#;
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"result":{{"list":[{}],"totalItems":1000}}}}"#,
        vec![host; 1000].join(",")
    );
    let quoted = serde_json::to_string(&body).expect("s");
    let raw = &quoted.as_bytes()[1..quoted.len() - 1];
    let mut acc = Node::default();
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let mut n = acc.skeleton();
        Parser::escaped(raw)
            .run(|p| p.value(&mut n, false))
            .expect("parses");
        acc.absorb(n);
    }
    let el = t.elapsed();
    println!(
        "{} MB escaped in {:?}: {:.0} MB/s",
        raw.len() * 100 / 1_000_000,
        el,
        (raw.len() * 100) as f64 / el.as_secs_f64() / 1e6
    );
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let mut n = acc.skeleton();
        Parser::plain(body.as_bytes())
            .run(|p| p.value(&mut n, false))
            .expect("parses");
        acc.absorb(n);
    }
    let el = t.elapsed();
    println!("{} MB plain in {:?}", body.len() * 100 / 1_000_000, el);
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let _ = crate::learn::har::scan::string_end(quoted.as_bytes(), 1);
    }
    println!("string_end {:?}", t.elapsed());
}
