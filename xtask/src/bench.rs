//! `cargo xtask bench-regen`: times `regen --check` on a large generated capture.
//!
//! The capture holds `calls` Chrome-style entries of `ActiveHosts.get`, each replying
//! with `hosts` hosts built from the spec's own `ActiveHost` type (so regen must learn
//! every call and change nothing). Regen runs in a child process, on a copy of the spec
//! set, `runs` times; the wall time is measured here and the peak memory is the child's
//! own high-water mark (`VmHWM`), which it prints with `--stats`.

use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use kerio_codegen::spec::{Api, Primitive, TypeKind, TypeRef};
use serde_json::{Map, Value, json};

/// Peak resident memory of this process in KiB (`VmHWM` of `/proc/self/status`).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Options of `bench-regen`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Spec root (copied, never changed).
    pub specs: PathBuf,
    /// Calls in the capture.
    pub calls: usize,
    /// Hosts in each reply.
    pub hosts: usize,
    /// Timed runs.
    pub runs: usize,
    /// Keep the capture at this path.
    pub keep: Option<PathBuf>,
}

/// A plausible value of type `ty` for field `name` of item `i`.
fn sample(api: &Api, ty: &TypeRef, name: &str, i: usize, depth: u32) -> Value {
    if depth > 6 {
        return Value::Null;
    }
    match ty {
        TypeRef::Primitive(p) => match p {
            Primitive::String => json!(sample_string(name, i)),
            Primitive::Boolean => json!(!i.is_multiple_of(3)),
            Primitive::Int32 | Primitive::Int64 => json!(sample_int(name, i)),
            Primitive::Double => json!(((i * 7919) % 1_000_000) as f64 / 4.0),
            Primitive::Any => Value::Null,
        },
        TypeRef::List(inner) => Value::Array(
            (0..1 + i % 2)
                .map(|k| sample(api, inner, name, i + k, depth + 1))
                .collect(),
        ),
        TypeRef::Map(_) => json!({}),
        TypeRef::Named(n) => match api.types.iter().find(|t| t.name == *n).map(|t| &t.kind) {
            Some(TypeKind::Alias(of)) => sample(api, of, name, i, depth + 1),
            Some(TypeKind::Enum(values)) => values
                .get(i % values.len().max(1))
                .map_or(Value::Null, |v| json!(v.value)),
            Some(TypeKind::Struct(fields)) => {
                let mut m = Map::new();
                for f in fields {
                    m.insert(f.name.clone(), sample(api, &f.ty, &f.name, i, depth + 1));
                }
                Value::Object(m)
            }
            None => Value::Null,
        },
    }
}

fn sample_int(name: &str, i: usize) -> u64 {
    let i = i as u64;
    match name {
        "year" => 2025,
        "month" => 1 + i % 12,
        "day" => 1 + i % 28,
        "hour" => i % 24,
        "min" | "sec" => (i * 7) % 60,
        "connections" => (i * 13) % 200,
        _ => (i * 7919) % 86_400,
    }
}

fn sample_string(name: &str, i: usize) -> String {
    let lower = name.to_ascii_lowercase();
    let (a, b) = ((i / 250) % 250, i % 250 + 1);
    if lower == "ip" || lower.ends_with("address") && !lower.contains("mac") {
        format!("10.1.{a}.{b}")
    } else if lower.contains("ip6") {
        format!("fd00:10:1::{i:x}")
    } else if lower.contains("mac") {
        format!(
            "00:1b:21:{:02x}:{:02x}:{:02x}",
            i >> 16 & 0xff,
            i >> 8 & 0xff,
            i & 0xff
        )
    } else if lower.contains("host") {
        format!("pc-{i:04}.office.example.com")
    } else if lower == "id" {
        // Active hosts and users have short numeric ids on the wire.
        format!("{}", i % 100_000)
    } else if lower.contains("domain") {
        "example.com".into()
    } else if lower.contains("name") {
        format!("user{:04}", i % 10_000)
    } else {
        format!("{name}-{i}")
    }
}

/// Writes the capture; returns its size in bytes.
fn write_capture(api: &Api, path: &Path, calls: usize, hosts: usize) -> Result<u64, String> {
    let err = |e: std::io::Error| format!("{}: {e}", path.display());
    let host_ty = TypeRef::Named("ActiveHost".into());
    if !api.types.iter().any(|t| t.name == "ActiveHost") {
        return Err("the admin API has no ActiveHost type".into());
    }
    let file = std::fs::File::create(path).map_err(err)?;
    let mut w = BufWriter::new(file);
    w.write_all(
        b"{\n  \"log\": {\n    \"version\": \"1.2\",\n    \"creator\": {\"name\": \"bench-regen\", \"version\": \"1\"},\n    \"entries\": [",
    )
    .map_err(err)?;
    for c in 0..calls {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": "ActiveHosts.get",
            "params": {"query": {"start": 0, "limit": hosts, "orderBy": [{"columnName": "hostname", "direction": "Asc"}]}, "refresh": c % 2 == 0}});
        let list: Vec<Value> = (0..hosts)
            .map(|i| sample(api, &host_ty, "host", c * hosts + i, 0))
            .collect();
        let response =
            json!({"jsonrpc": "2.0", "id": 1, "result": {"list": list, "totalItems": hosts}});
        let req = serde_json::to_string(&serde_json::to_string(&request).unwrap_or_default())
            .unwrap_or_default();
        let resp = serde_json::to_string(&serde_json::to_string(&response).unwrap_or_default())
            .unwrap_or_default();
        let mut e = String::new();
        let _ = write!(
            e,
            "{}\n      {{\n        \"startedDateTime\": \"2025-03-12T08:41:{:02}.000Z\",\n        \"time\": 12.5,\n        \"request\": {{\n          \"method\": \"POST\",\n          \"url\": \"https://fw01.example.com:4081/admin/api/jsonrpc/\",\n          \"httpVersion\": \"HTTP/1.1\",\n          \"headers\": [{{\"name\": \"Content-Type\", \"value\": \"application/json-rpc; charset=UTF-8\"}}],\n          \"queryString\": [],\n          \"cookies\": [],\n          \"headersSize\": -1,\n          \"bodySize\": {},\n          \"postData\": {{\"mimeType\": \"application/json-rpc; charset=UTF-8\", \"text\": {req}}}\n        }},\n        \"response\": {{\n          \"status\": 200,\n          \"statusText\": \"OK\",\n          \"httpVersion\": \"HTTP/1.1\",\n          \"headers\": [{{\"name\": \"Content-Type\", \"value\": \"application/json-rpc\"}}],\n          \"cookies\": [],\n          \"content\": {{\"size\": {}, \"mimeType\": \"application/json-rpc\", \"text\": {resp}}},\n          \"redirectURL\": \"\",\n          \"headersSize\": -1,\n          \"bodySize\": -1\n        }},\n        \"cache\": {{}},\n        \"timings\": {{\"send\": 0.1, \"wait\": 11.9, \"receive\": 0.5}}\n      }}",
            if c == 0 { "" } else { "," },
            c % 60,
            req.len(),
            resp.len()
        );
        w.write_all(e.as_bytes()).map_err(err)?;
    }
    w.write_all(b"\n    ]\n  }\n}\n").map_err(err)?;
    w.flush().map_err(err)?;
    drop(w);
    std::fs::metadata(path).map(|m| m.len()).map_err(err)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let p = entry.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(&p, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

fn bench(o: &Options) -> Result<(), String> {
    let apis = kerio_codegen::load::load_root(&o.specs).map_err(|d| d.to_string())?;
    let admin = apis
        .iter()
        .find(|a| a.manifest.name == "admin")
        .ok_or("the spec set has no admin API")?;
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let capture = o
        .keep
        .clone()
        .unwrap_or_else(|| tmp.path().join("bench.har"));
    let started = Instant::now();
    let size = write_capture(admin, &capture, o.calls, o.hosts)?;
    eprintln!(
        "wrote {} ({:.1} MB, {} calls of {} hosts) in {:.1} s",
        capture.display(),
        size as f64 / 1e6,
        o.calls,
        o.hosts,
        started.elapsed().as_secs_f64()
    );
    // A copy of the API folders only: regen must not read the sample captures.
    let specs = tmp.path().join("specs");
    let dirs = std::fs::read_dir(&o.specs).map_err(|e| e.to_string())?;
    for dir in dirs.flatten() {
        if dir.path().join("api.json").is_file() {
            copy_dir(&dir.path(), &specs.join(dir.file_name())).map_err(|e| e.to_string())?;
        }
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    let mut stats = String::new();
    for _ in 0..o.runs.max(1) {
        let started = Instant::now();
        let out = Command::new(&exe)
            .arg("regen")
            .arg("--check")
            .arg("--stats")
            .arg("--specs")
            .arg(&specs)
            .arg("--har")
            .arg(&capture)
            .output()
            .map_err(|e| e.to_string())?;
        times.push(started.elapsed().as_secs_f64());
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            return Err(format!(
                "regen failed ({}):\n{}{stderr}",
                out.status,
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        if let Some(line) = stderr.lines().find(|l| l.starts_with("regen:")) {
            stats = line.to_owned();
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "regen --check on {:.1} MB ({} calls of {} hosts): best {:.3} s, median {:.3} s over {} runs (wall time of the process)\nlast run: {stats}",
        size as f64 / 1e6,
        o.calls,
        o.hosts,
        times[0],
        times[times.len() / 2],
        times.len()
    );
    Ok(())
}

/// Runs the benchmark and prints the figures.
pub fn run(o: &Options) -> ExitCode {
    match bench(o) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
