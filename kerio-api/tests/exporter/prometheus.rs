//! The real thing: promtool checks the rules, their unit tests, the example
//! configuration and a probe's metrics; Prometheus scrapes the exporter, which probes
//! mock appliances in every state and a dead one, and its HTTP API shows the series and
//! the alerts.
//!
//! Prometheus and promtool come from the Debian package `prometheus`
//! (`.ci/install-prometheus` installs it); `$PROMETHEUS` and `$PROMTOOL` name other
//! binaries. Without them the tests are skipped with a note, except under CI (`CI` set),
//! where they fail.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use kerio_api::mock::{CURRENT_VERSION, OLDER_VERSION};
use serde_json::Value;

use super::*;

/// A program of the Prometheus package, or `None` (skip) where it is not installed.
fn program(name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(name.to_uppercase()) {
        return Some(path.into());
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is not installed: run .ci/install-prometheus"
        );
        eprintln!("skipped: {name} is not installed (run .ci/install-prometheus)");
    }
    found
}

/// The folder of the rules file and the example configuration.
fn prometheus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prometheus")
}

/// Runs promtool with `args` (and `stdin`), failing with its output unless it succeeds.
fn promtool(promtool: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(promtool)
        .args(args)
        .current_dir(prometheus_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool starts");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or_default().as_bytes())
            .expect("write to promtool");
    }
    let out = child.wait_with_output().expect("promtool ends");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool {args:?}: {text}");
    text
}

#[test]
fn promtool_checks_the_rules_their_tests_and_the_example_configuration() {
    let Some(tool) = program("promtool") else {
        return;
    };
    let checked = promtool(&tool, &["check", "rules", "kerio-alerts.yml"], None);
    assert!(checked.contains("SUCCESS: 16 rules found"), "{checked}");
    promtool(&tool, &["test", "rules", "kerio-alerts.test.yml"], None);
    promtool(&tool, &["check", "config", "prometheus.yml"], None);
}

#[tokio::test]
async fn promtool_accepts_the_metrics_of_probes_and_of_the_exporter() {
    let Some(tool) = program("promtool") else {
        return;
    };
    let m = mock(ApplianceState::LicenseExpired, Faults::new()).await;
    let e = exporter(vec![
        managed("fw", &m),
        Appliance::new("dead", dead_address())
            .credentials("admin", PasswordSource::Value("unused".into())),
    ]);
    for target in ["fw", "dead"] {
        let probe = e.probe(target, None, None).await.expect("probe");
        promtool(
            &tool,
            &["check", "metrics"],
            Some(&probe.to_prometheus_text()),
        );
    }
    let served = Served::start(&e).await;
    let own = get(&format!("{}/metrics", served.url), &[]).await.2;
    promtool(&tool, &["check", "metrics"], Some(&own));
    served.stop().await;
}

/// Prometheus as a child process, killed when dropped.
struct Prometheus {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    /// Starts Prometheus on loopback with `config`, its data in `dir`.
    async fn start(binary: &Path, dir: &Path, config: &str) -> Prometheus {
        let config_path = dir.join("prometheus.yml");
        std::fs::write(&config_path, config).expect("write the configuration");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = dir.join("prometheus.log");
        let log_file = std::fs::File::create(&log).expect("log file");
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .expect("prometheus starts");
        let prometheus = Prometheus {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let ready = format!("{}/-/ready", prometheus.url);
        prometheus
            .wait_for("readiness", || async {
                http()
                    .get(&ready)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            })
            .await;
        prometheus
    }

    /// Waits up to a minute for `check`, failing with Prometheus's log.
    async fn wait_for<F, Fut>(&self, what: &str, check: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let started = Instant::now();
        while !check().await {
            if started.elapsed() > Duration::from_secs(60) {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                panic!("Prometheus: no {what} within a minute; its log:\n{log}");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// An instant query: instance → (labels, value).
    async fn query(&self, query: &str) -> Vec<(Value, f64)> {
        let url = reqwest::Url::parse_with_params(
            &format!("{}/api/v1/query", self.url),
            &[("query", query)],
        )
        .expect("a URL");
        let reply = json(url.as_str()).await;
        reply["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let value = r["value"][1]
                    .as_str()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN);
                (r["metric"].clone(), value)
            })
            .collect()
    }

    /// The instances of a query's series, with their values, sorted.
    async fn by_instance(&self, query: &str) -> Vec<(String, f64)> {
        let mut out: Vec<(String, f64)> = self
            .query(query)
            .await
            .into_iter()
            .map(|(m, v)| (m["instance"].as_str().unwrap_or_default().to_owned(), v))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Alert name → instances with a pending or firing alert, sorted.
    async fn alerts(&self) -> Vec<(String, Vec<String>)> {
        let reply = json(&format!("{}/api/v1/rules?type=alert", self.url)).await;
        let mut out = Vec::new();
        for group in reply["data"]["groups"].as_array().into_iter().flatten() {
            for rule in group["rules"].as_array().into_iter().flatten() {
                assert_eq!(rule["health"], "ok", "{rule}");
                let mut instances: Vec<String> = rule["alerts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["labels"]["instance"].as_str().map(str::to_owned))
                    .collect();
                instances.sort();
                out.push((
                    rule["name"].as_str().unwrap_or_default().to_owned(),
                    instances,
                ));
            }
        }
        out
    }
}

/// GET `url` and read its body as JSON.
async fn json(url: &str) -> Value {
    let (status, _, body) = get(url, &[]).await;
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_every_appliance_through_the_exporter() {
    let Some(binary) = program("prometheus") else {
        return;
    };
    let mut mocks = Vec::new();
    let mut appliances = Vec::new();
    for (state, name) in ApplianceState::ALL {
        let m = mock(state, Faults::new()).await;
        appliances.push(managed(name, &m));
        mocks.push(m);
    }
    appliances.push(Appliance::new("unmanaged", mocks[0].url()));
    appliances.push(
        Appliance::new("dead", dead_address())
            .credentials("admin", PasswordSource::Value("unused".into())),
    );
    let targets = appliances.len();
    let e = exporter(appliances);
    let served = Served::start(&e).await;
    let exporter_address = served.url.trim_start_matches("http://").to_owned();
    let dir = tempfile::tempdir().expect("temporary folder");
    let rules = prometheus_dir().join("kerio-alerts.yml");
    // The README's scrape configuration, faster.
    let config = format!(
        r#"global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - {rules}
scrape_configs:
  - job_name: kerio
    metrics_path: /probe
    params:
      module: [default]
    http_sd_configs:
      - url: {base}/sd
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - source_labels: [__meta_kerio_product]
        target_label: product
      - target_label: __address__
        replacement: {exporter_address}
  - job_name: kerio_exporter
    static_configs:
      - targets: ["{exporter_address}"]
"#,
        rules = rules.display(),
        base = served.url,
    );
    let prometheus = Prometheus::start(&binary, dir.path(), &config).await;
    prometheus
        .wait_for("series of every appliance", || async {
            prometheus.query("kerio_status == 1").await.len() == targets
                && prometheus.query("kerio_exporter_logins_total").await.len() == targets
        })
        .await;

    let s = |name: &str, v: f64| (name.to_owned(), v);
    let up = prometheus.by_instance("kerio_up").await;
    assert_eq!(
        up,
        [
            s("dead", 0.0),
            s("disk-full", 1.0),
            s("healthy", 1.0),
            s("license-expired", 1.0),
            s("low-memory", 1.0),
            s("mail-queue-backlog", 1.0),
            s("unmanaged", 0.0),
            s("update-available", 1.0)
        ]
    );
    let mut colours: Vec<(String, String)> = prometheus
        .query("kerio_status == 1")
        .await
        .into_iter()
        .map(|(m, _)| {
            let instance = m["instance"].as_str().unwrap_or_default().to_owned();
            (
                instance,
                m["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    colours.sort();
    let c = |name: &str, colour: &str| (name.to_owned(), colour.to_owned());
    assert_eq!(
        colours,
        [
            c("dead", "red"),
            c("disk-full", "red"),
            c("healthy", "green"),
            c("license-expired", "red"),
            c("low-memory", "yellow"),
            // A Kerio Control has no mail queue: the state changes nothing there.
            c("mail-queue-backlog", "green"),
            c("unmanaged", "grey"),
            c("update-available", "yellow")
        ]
    );
    let versions = prometheus.query("kerio_product_info").await;
    let version_of = |instance: &str| {
        versions
            .iter()
            .find(|(m, _)| m["instance"] == instance)
            .map(|(m, _)| m["version"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(version_of("healthy").as_deref(), Some(CURRENT_VERSION));
    assert_eq!(
        version_of("update-available").as_deref(),
        Some(OLDER_VERSION)
    );
    assert_eq!(version_of("dead"), None);
    // The product label comes from service discovery, which finds out the product of
    // the appliances that do not give it (the dead and the unmanaged one stay unknown
    // when the build polls several products).
    let products = prometheus.query("kerio_up{product=\"control\"}").await;
    let known = if cfg!(any(feature = "connect-admin", feature = "operator-admin")) {
        targets - 2
    } else {
        targets
    };
    assert_eq!(products.len(), known, "{products:?}");

    // The alert rules see the same conditions (pending: their `for` has not passed).
    let expected = [
        ("KerioApplianceDown", vec!["dead"]),
        ("KerioLicenseExpired", vec!["license-expired"]),
        ("KerioMaintenanceExpired", vec!["license-expired"]),
        ("KerioMemoryLow", vec!["low-memory"]),
        ("KerioUpdateAvailable", vec!["update-available"]),
        ("KerioDiskLow", vec![]),
        ("KerioDiskNearlyFull", vec!["disk-full"]),
        ("KerioMailQueueBacklog", vec![]),
        ("KerioExporterProbeFailed", vec![]),
    ];
    prometheus
        .wait_for("the expected alerts", || async {
            let alerts = prometheus.alerts().await;
            expected.iter().all(|(name, instances)| {
                alerts.iter().any(|(n, i)| {
                    n == name && i.iter().map(String::as_str).eq(instances.iter().copied())
                })
            })
        })
        .await;

    // Scrapes later, one login per managed appliance; the dead one was tried.
    let failures = prometheus
        .query("kerio_exporter_login_failures_total{target=\"dead\"}")
        .await;
    assert!(
        failures.first().is_some_and(|(_, v)| *v >= 1.0),
        "{failures:?}"
    );
    assert_eq!(e.logins("healthy"), 1);
    assert!(mocks.iter().all(|m| m.logins() == 1));
    drop(prometheus);
    served.stop().await;
    assert!(
        mocks.iter().all(|m| m.live_sessions() == 0),
        "logged out at shutdown"
    );
}
