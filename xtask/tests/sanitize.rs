//! `cargo xtask sanitize` keeps what regen and verify need and nothing that is secret:
//! sanitized copies of the sample captures teach regen what the originals teach and
//! verify the same, and a canary secret hidden anywhere in a random capture gets through
//! none of sanitize, regen and verify.

#[path = "sanitize/places.rs"]
mod places;
mod support;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use support::*;

fn verify(args: &[&Path]) -> Run {
    run(env!("CARGO_BIN_EXE_xtask-verify"), args)
}

fn sanitize(input: &Path, output: &Path) -> Run {
    let (i, o) = (input.display().to_string(), output.display().to_string());
    xtask(&["sanitize", &i, "-o", &o])
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-spec")
}

/// The shipped spec set with only its manifests: regen learns every interface, method
/// and type from the capture.
fn bare(dir: &Path) {
    for e in std::fs::read_dir(shipped()).expect("spec root").flatten() {
        let manifest = e.path().join("api.json");
        if manifest.is_file() {
            let to = dir.join(e.file_name());
            std::fs::create_dir_all(&to).expect("mkdir");
            std::fs::copy(&manifest, to.join("api.json")).expect("copy");
        }
    }
}

/// The shipped spec set with every enum cut to its first value (and the examples, which
/// may name the others, left out): regen learns the others back from the capture's
/// strings.
fn few_enum_values(dir: &Path) {
    copy_dir(&shipped(), dir);
    let _ = std::fs::remove_dir_all(dir.join("captures"));
    fn walk(dir: &Path) {
        for e in std::fs::read_dir(dir).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p);
                continue;
            }
            let Ok(mut v) =
                serde_json::from_str::<Value>(&std::fs::read_to_string(&p).expect("read"))
            else {
                continue;
            };
            drop_examples(&mut v);
            if let Some(types) = v.get_mut("types").and_then(Value::as_object_mut) {
                for t in types.values_mut() {
                    if t["kind"] == "enum"
                        && let Some(values) = t["values"].as_array_mut()
                    {
                        values.truncate(1);
                    }
                }
            }
            std::fs::write(&p, v.to_string()).expect("write");
        }
    }
    walk(dir);
}

/// Removes every `examples` member, at any depth.
fn drop_examples(v: &mut Value) {
    match v {
        Value::Object(o) => {
            o.remove("examples");
            o.values_mut().for_each(drop_examples);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_examples),
        _ => {}
    }
}

/// Every file below `dir` with its text, sorted by path.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("below").display().to_string();
                out.push((rel, std::fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

/// Regen of one capture on a fresh spec set made by `specs`: its stdout and the files.
fn learn(specs: fn(&Path), capture: &Path) -> (String, Vec<(String, String)>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("specs");
    specs(&root);
    let root_arg = root.display().to_string();
    let har_arg = capture.display().to_string();
    let run = xtask(&["regen", "--specs", &root_arg, "--har", &har_arg]);
    assert_eq!(
        run.code,
        0,
        "{}: {}{}",
        capture.display(),
        run.stdout,
        run.stderr
    );
    (run.stdout, files(&root))
}

#[test]
fn sanitized_captures_teach_what_the_originals_teach() {
    let out = tempfile::tempdir().expect("tempdir");
    let originals = shipped().join("captures");
    let captures = kerio_codegen::learn::har::har_files_in(&originals).expect("sample captures");
    assert!(captures.len() >= 7, "{captures:?}");
    for original in &captures {
        let name = original.file_name().expect("name");
        let shared = out.path().join(name);
        let san = sanitize(original, &shared);
        assert_eq!(san.code, 0, "{}{}", san.stdout, san.stderr);
        // Each capture on its own, learning everything from it.
        let (said, learned) = learn(bare, original);
        let (said_shared, learned_shared) = learn(bare, &shared);
        assert!(
            learned
                .iter()
                .any(|(_, t)| t.contains("Learned from captured traffic")),
            "{said}"
        );
        assert_eq!(said_shared, said, "{}", name.display());
        assert!(
            learned_shared == learned,
            "{}: the spec files differ",
            name.display()
        );
        let checked = verify(&[original]);
        let checked_shared = verify(&[&shared]);
        assert_eq!(checked.code, 0, "{}", checked.stdout);
        assert_eq!(checked_shared.stdout, checked.stdout, "{}", name.display());
    }
    // All of them, learning back the enum values.
    let (said, learned) = learn(few_enum_values, &originals);
    let (said_shared, learned_shared) = learn(few_enum_values, out.path());
    assert!(said.contains("new value"), "{said}");
    assert_eq!(said_shared, said);
    assert!(learned_shared == learned, "the spec files differ");
}

/// Cases of the property test: 32 by default (a few seconds), `PROPTEST_CASES` for more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(32)
}

fn assert_clean(canary: &str, what: &str, text: &str) {
    for reading in places::readings(text) {
        assert!(
            !reading.contains(canary),
            "{canary} got through {what}:\n{reading}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// A canary secret in a random place of a capture (a secret header, a cookie, the
    /// login, under a secret key at any depth, in JSON text inside a string, as a key,
    /// in the user info or query of a URL, in a WebSocket frame, a comment, a browser
    /// extra, a body that is not JSON...), and copies of it anywhere else (any string,
    /// key, header, URL part, page title or extra), never reaches the output of
    /// sanitize, nor what regen writes or prints, nor what verify prints, whether they
    /// read the capture as it was or sanitized.
    #[test]
    fn a_canary_never_gets_through(
        case in places::case(),
        canary in places::canary(),
        base64 in any::<bool>(),
    ) {
        let har = places::document(&case, &canary, base64);
        let fx = Fixture::new();
        let raw = fx.write("raw.har", &serde_json::to_string_pretty(&har).expect("json"));
        let shared = fx.path("shared.har");
        let san = sanitize(&raw, &shared);
        prop_assert_eq!(san.code, 0, "{}{}", san.stdout, san.stderr);
        let shared_text = std::fs::read_to_string(&shared).expect("sanitized");
        assert_clean(&canary, "sanitize", &shared_text);
        assert_clean(&canary, "sanitize's summary", &format!("{}{}", san.stdout, san.stderr));
        for capture in [&raw, &shared] {
            let learned = regen(&fx, &[], &[capture]);
            prop_assert_eq!(learned.code, 0, "{}{}", learned.stdout, learned.stderr);
            assert_clean(&canary, "regen's report", &format!("{}{}", learned.stdout, learned.stderr));
            for (rel, text) in fx.snapshot() {
                assert_clean(&canary, &format!("regen's {rel}"), &text);
            }
            let checked = verify(&[capture]);
            prop_assert!(checked.code < 2, "{}{}", checked.stdout, checked.stderr);
            assert_clean(&canary, "verify", &format!("{}{}", checked.stdout, checked.stderr));
        }
    }
}
