//! `cargo xtask coverage` against small fixture spec sets and catalogs in a temporary
//! folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

const SPEC_API: &str = r#"{"api": {"name": "admin", "path": "/admin/api/jsonrpc/", "port": 4081}}"#;

const SPEC_HOSTS: &str = r#"{
  "interfaces": {"Hosts": {"methods": {
    "get": {
      "params": [{"name": "query", "type": "SearchQuery"}, {"name": "refresh", "type": "boolean"}],
      "result": [{"name": "list", "type": "HostList"}, {"name": "totalItems", "type": "int64"}]
    },
    "kill": {
      "doc": "Ends hosts.\n\nSource: seen in a.js:7.",
      "params": [{"name": "ids", "type": {"list": "string"}}, {"name": "since", "type": "Stamp"}],
      "result": []
    }
  }}},
  "types": {
    "Host": {"kind": "struct", "fields": [
      {"name": "id", "type": "string"},
      {"name": "bytes", "type": "int64"},
      {"name": "rate", "type": "double"},
      {"name": "kind", "type": "HostKind"}
    ]},
    "HostKind": {"kind": "enum", "values": [{"value": "Guest"}, {"value": "Local"}]},
    "HostList": {"kind": "alias", "of": {"list": "Host"}},
    "SearchQuery": {"kind": "struct", "fields": [{"name": "start", "type": "int32"}, {"name": "limit", "type": "int64"}]},
    "Stamp": {"kind": "alias", "of": "int64"}
  }
}"#;

/// A catalog the fixture spec covers completely (catalog integers are `int` or `long`).
fn full_catalog() -> Value {
    json!({
        "about": "fixture",
        "interfaces": {"Hosts": {
            "get": {
                "params": [{"name": "query", "type": "SearchQuery"}, {"name": "refresh", "type": "boolean"}],
                "result": [{"name": "list", "type": "HostList"}, {"name": "totalItems", "type": "int"}]
            },
            "kill": {
                "params": [{"name": "ids", "type": {"list": "string"}}, {"name": "since", "type": "long"}],
                "result": []
            }
        }},
        "types": {
            "Host": {"kind": "struct", "fields": [
                {"name": "id", "type": "string"},
                {"name": "bytes", "type": "long"},
                {"name": "rate", "type": "double"},
                {"name": "kind", "type": "HostKind"}
            ]},
            "HostKind": {"kind": "enum", "values": ["Guest", "Local"]},
            "HostList": {"kind": "alias", "of": {"list": "Host"}},
            "SearchQuery": {"kind": "struct", "fields": [{"name": "start", "type": "int"}, {"name": "limit", "type": "int"}]},
            "Stamp": {"kind": "alias", "of": "long"}
        }
    })
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temporary folder");
        let api = dir.path().join("specs/control-admin");
        std::fs::create_dir_all(api.join("interfaces")).expect("spec folders");
        std::fs::write(api.join("api.json"), SPEC_API).expect("api.json");
        std::fs::write(api.join("interfaces/Hosts.json"), SPEC_HOSTS).expect("Hosts.json");
        Fixture { dir }
    }

    fn specs(&self) -> PathBuf {
        self.dir.path().join("specs")
    }

    fn write_catalog(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("catalog");
        path
    }

    fn run(&self, catalog: &Path, extra: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("coverage")
            .arg(catalog)
            .arg("--specs")
            .arg(self.specs())
            .args(extra)
            .output()
            .expect("run xtask")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn full_coverage_exits_zero() {
    let fx = Fixture::new();
    let catalog = fx.write_catalog("catalog.json", &full_catalog().to_string());
    let out = fx.run(&catalog, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    for needle in [
        "interfaces    1/1    covered (100.0%)",
        "methods       2/2    covered (100.0%)",
        "types         5/5    covered (100.0%)",
        "0 missing or differing, 0 corrected, 0 undecided in catalog, 0 beyond the catalog",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn missing_and_differing_items_are_listed() {
    let fx = Fixture::new();
    let mut cat = full_catalog();
    cat["interfaces"]["Hosts"]["login"] =
        json!({"params": [{"name": "hostId", "type": "string"}], "result": []});
    cat["interfaces"]["Hosts"]["get"]["result"][1]["type"] = json!("string");
    cat["types"]["Host"]["fields"][1]["name"] = json!("bytesIn");
    cat["types"]["Host"]["fields"][2]["type"] = json!("int");
    cat["types"]["HostKind"]["values"] = json!(["Guest", "Local", "Vpn"]);
    cat["types"]["Route"] = json!({"kind": "struct", "fields": []});
    let catalog = fx.write_catalog("catalog.json", &cat.to_string());
    let out = fx.run(&catalog, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    for needle in [
        "methods       2/3    covered (66.7%)",
        "types         5/6    covered (83.3%)",
        "missing method: Hosts.login",
        "missing type: Route",
        "missing field: Host.bytesIn",
        "type differs: field Host.rate: catalog int, spec double",
        "type differs: Hosts.get result key `totalItems`: catalog string, spec int64",
        "missing enum value: HostKind `Vpn`",
        "6 missing or differing, 0 corrected, 0 undecided in catalog, 1 beyond the catalog",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn extra_spec_items_are_listed_apart_with_their_source() {
    let fx = Fixture::new();
    let mut cat = full_catalog();
    cat["types"]["HostKind"]["values"] = json!(["Guest"]);
    if let Some(methods) = cat["interfaces"]["Hosts"].as_object_mut() {
        methods.remove("kill");
    }
    let catalog = fx.write_catalog("catalog.json", &cat.to_string());
    let out = fx.run(&catalog, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let beyond = text
        .split("in the spec beyond the catalog (listed apart, not a failure):\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no section for extras in:\n{text}"));
    for needle in [
        "  extra method (not in catalog): Hosts.kill\n      Source: seen in a.js:7.",
        "  extra enum value (not in catalog): HostKind `Local`\n      (no source recorded in its docs)",
        "0 missing or differing, 0 corrected, 0 undecided in catalog, 2 beyond the catalog",
    ] {
        assert!(beyond.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

/// A facts file about the fixture spec: what a client sends and reads.
fn facts() -> Value {
    json!({
        "source": "a fixture client",
        "methods": {
            "Hosts.get": {
                "params": {"query": {"$oneOf": ["a", "b"]}, "refresh": "boolean=true"},
                "objectParamKeys": {"query": ["start", "limit"]},
                "resultKeysRead": ["list", "list[]", "list[].id", "list[].kind", "totalItems"],
                "files": ["hosts.js:10"]
            },
            "Hosts.kill": {"params": {"ids": "array"}, "resultKeysRead": [], "files": ["hosts.js:20"]}
        }
    })
}

#[test]
fn facts_fully_covered_exit_zero() {
    let fx = Fixture::new();
    let path = fx.write_catalog("facts.json", &facts().to_string());
    let out = fx.run(&path, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    for needle in [
        "against the client facts in",
        "facts from a fixture client",
        "methods       2/2    in the spec (100.0%)",
        "0 missing, 0 read paths to review; 0 spec methods",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn facts_report_missing_methods_params_and_read_paths() {
    let fx = Fixture::new();
    let mut f = facts();
    f["methods"]["Hosts.block"] =
        json!({"params": {}, "onlyInSharedKerioLibrary": true, "files": ["lib.js:5", "lib.js:9"]});
    f["methods"]["Hosts.get"]["params"]["ipv6"] = json!("boolean=true");
    f["methods"]["Hosts.get"]["objectParamKeys"]["query"] = json!(["start", "combining"]);
    f["methods"]["Hosts.get"]["resultKeysRead"] = json!(["list[].owner", "warnings", "totalItems"]);
    let path = fx.write_catalog("facts.json", &f.to_string());
    let out = fx.run(&path, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    for needle in [
        "methods       2/3    in the spec (66.7%)",
        "missing method: Hosts.block [shared library only; lib.js:5 and 1 more]",
        "missing param: Hosts.get `ipv6` [hosts.js:10]",
        "missing param key: Hosts.get `query.combining` (field SearchQuery.combining) [hosts.js:10]",
        "  read, not in spec: Hosts.get `list[].owner` (field Host.owner) [hosts.js:10]",
        "  read, not in spec: Hosts.get `warnings` (result key `warnings`) [hosts.js:10]",
        "3 missing, 2 read paths to review",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn a_catalog_and_a_facts_file_in_one_run() {
    let fx = Fixture::new();
    let catalog = fx.write_catalog("catalog.json", &full_catalog().to_string());
    let facts = fx.write_catalog("facts.json", &facts().to_string());
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("coverage")
        .args([&catalog, &facts])
        .arg("--specs")
        .arg(fx.specs())
        .output()
        .expect("run xtask");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("0 missing or differing"), "{text}");
    assert!(text.contains("against the client facts in"), "{text}");
}

#[test]
fn undecided_catalog_types_and_junk_names_are_notes() {
    let fx = Fixture::new();
    let mut cat = full_catalog();
    cat["interfaces"]["Hosts"]["get"]["result"][0]["type"] = json!("?");
    cat["types"]["Host"]["fields"][0]["name"] = json!("id;//");
    let catalog = fx.write_catalog("catalog.json", &cat.to_string());
    let out = fx.run(&catalog, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains(
            "note: Hosts.get result key `list`: undecided in catalog (?); spec has HostList"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "catalog name `id;//` at /types/Host/fields/0/name is not a wire name; compared as `id`"
        ),
        "{text}"
    );
    assert!(
        text.contains("0 missing or differing, 0 corrected, 1 undecided in catalog"),
        "{text}"
    );
}

#[test]
fn bad_json_is_one_line_naming_the_file() {
    let fx = Fixture::new();
    let catalog = fx.write_catalog("broken.json", "{\"interfaces\": {,}}");
    let out = fx.run(&catalog, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("broken.json: invalid JSON"), "{err}");
    assert!(err.contains("line 1 column 17"), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn wrong_shape_names_the_json_path() {
    let fx = Fixture::new();
    let cases = [
        (
            json!({"interfaces": {"Hosts": {"get": {"params": {}, "result": []}}}}),
            "at /interfaces/Hosts/get/params: expected a list of parameters (an array), found an object",
        ),
        (
            json!([1, 2]),
            "at /: expected the catalog (an object), found an array",
        ),
        (json!({"types": {}}), "at /: missing key `interfaces`"),
        (
            json!({"interfaces": {}, "types": {"A/B": {"kind": "blob"}}}),
            "at /types/A~1B/kind: expected \"struct\", \"enum\" or \"alias\"",
        ),
        (
            json!({"interfaces": {"X": {"y": {"params": [{"name": "a", "type": {"set": "string"}}], "result": []}}}}),
            "at /interfaces/X/y/params/0/type: unknown type constructor `set`",
        ),
    ];
    for (cat, expected) in cases {
        let catalog = fx.write_catalog("shape.json", &cat.to_string());
        let out = fx.run(&catalog, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("shape.json: "), "{err}");
        assert!(err.contains(expected), "want {expected:?} in {err}");
    }
}

#[test]
fn unknown_api_is_bad_input() {
    let fx = Fixture::new();
    let catalog = fx.write_catalog("catalog.json", &full_catalog().to_string());
    let out = fx.run(&catalog, &["--api", "stats"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no API named `stats` (found: admin)"), "{err}");
}

#[test]
fn a_difference_the_spec_explains_is_listed_as_corrected() {
    let fx = Fixture::new();
    let mut cat = full_catalog();
    // The catalog flattens a nested object; the spec corrects it, and says so.
    cat["types"]["Host"]["fields"][1]["name"] = json!("userRole");
    cat["types"]["Host"]["fields"][2]["name"] = json!("quota");
    let spec = SPEC_HOSTS.replace(
        r#""Host": {"kind": "struct", "fields": ["#,
        r#""Host": {"kind": "struct", "doc": "A host.\n\nCorrects the catalog: `userRole` is inside `bytes` on the wire (h.go:3).", "fields": ["#,
    );
    std::fs::write(fx.specs().join("control-admin/interfaces/Hosts.json"), spec).expect("spec");
    let catalog = fx.write_catalog("catalog.json", &cat.to_string());
    let out = fx.run(&catalog, &[]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for needle in [
        "corrected in the spec, with its reason (listed apart, not a failure):\n  missing field: Host.userRole\n      Corrects the catalog: `userRole` is inside `bytes` on the wire (h.go:3).",
        // A difference the paragraph does not name stays a failure.
        "missing field: Host.quota\n",
        "1 missing or differing, 1 corrected,",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}
