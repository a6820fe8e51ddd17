//! The exporter's HTTP endpoints, its shutdown, and what it never shows.

use super::*;

#[tokio::test]
async fn the_endpoints_answer_in_the_formats_asked_for() {
    let m = mock(ApplianceState::UpdateAvailable, Faults::new()).await;
    let e = exporter(vec![
        managed("Branch <Brno>", &m),
        Appliance::new("new site", m.url()),
    ]);
    let served = Served::start(&e).await;
    let base = &served.url;
    let probe_url = format!("{base}/probe?target=Branch%20%3CBrno%3E");

    let (status, kind, text) = get(&probe_url, &[]).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/plain; version=0.0.4"), "{kind}");
    assert!(text.contains("kerio_up 1"), "{text}");
    assert!(text.contains("kerio_status{status=\"yellow\"} 1"), "{text}");
    let accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5";
    let (status, kind, text) = get(&probe_url, &[("accept", accept)]).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    assert!(text.ends_with("# EOF\n"), "{text}");
    assert!(text.contains("# TYPE kerio_product info"), "{text}");

    for (query, says) in [
        ("", "the target parameter is missing"),
        (
            "?target=elsewhere.example.com",
            "unknown target `elsewhere.example.com`",
        ),
        ("?target=new%20site&module=nope", "unknown module `nope`"),
    ] {
        let (status, _, text) = get(&format!("{base}/probe{query}"), &[]).await;
        assert_eq!(status, 400, "{query}");
        assert!(text.contains(says), "{query}: {text}");
    }

    let (status, _, text) = get(&format!("{base}/metrics"), &[]).await;
    assert_eq!(status, 200);
    assert!(
        text.contains("kerio_exporter_logins_total{target=\"Branch <Brno>\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("kerio_exporter_build_info{version="),
        "{text}"
    );

    let (_, _, page) = get(&format!("{base}/"), &[]).await;
    assert!(page.contains("Branch &lt;Brno&gt;"), "{page}");
    assert!(page.contains("probe?target=Branch%20%3CBrno%3E"), "{page}");
    assert!(page.contains("href=\"fleet\""), "{page}");
    let (_, kind, fleet) = get(&format!("{base}/fleet"), &[]).await;
    assert!(kind.starts_with("text/html"));
    assert!(fleet.contains("Not probed yet") && fleet.contains("An update is available"));
    let (status, _, healthy) = get(&format!("{base}/-/healthy"), &[]).await;
    assert_eq!((status, healthy.as_str()), (200, "Healthy\n"));
    let (_, kind, sd) = get(&format!("{base}/sd"), &[]).await;
    assert_eq!(kind, "application/json");
    let sd: serde_json::Value = serde_json::from_str(&sd).expect("JSON");
    // The unmanaged appliance is not contacted: its product is known only when the
    // build polls Kerio Control alone.
    let expected = if cfg!(any(feature = "connect-admin", feature = "operator-admin")) {
        serde_json::json!([{"targets": ["Branch <Brno>"],
                            "labels": {"__meta_kerio_product": "control"}},
                           {"targets": ["new site"],
                            "labels": {"__meta_kerio_product": "unknown"}}])
    } else {
        serde_json::json!([{"targets": ["Branch <Brno>", "new site"],
                            "labels": {"__meta_kerio_product": "control"}}])
    };
    assert_eq!(sd, expected);
    served.stop().await;
}

#[tokio::test]
async fn shutdown_logs_out_every_session() {
    let a = mock(ApplianceState::Healthy, Faults::new()).await;
    let b = mock(ApplianceState::LowMemory, Faults::new()).await;
    let e = exporter(vec![managed("a", &a), managed("b", &b)]);
    let served = Served::start(&e).await;
    for target in ["a", "b"] {
        let (status, _, _) = get(&format!("{}/probe?target={target}", served.url), &[]).await;
        assert_eq!(status, 200);
    }
    assert_eq!((a.live_sessions(), b.live_sessions()), (1, 1));
    served.stop().await;
    assert_eq!((a.live_sessions(), b.live_sessions()), (0, 0));
    assert!(e.own_metrics().contains("kerio_exporter_logouts_total 2"));
    assert!(e.own_metrics().contains("kerio_exporter_sessions 0"));
}

#[tokio::test]
async fn no_password_token_or_cookie_in_any_output() {
    let m = mock(
        ApplianceState::LicenseExpired,
        Faults::new().expire_after(5),
    )
    .await;
    let wrong = MockAppliance::builder()
        .credentials("admin", "the-right-one")
        .start()
        .await
        .expect("mock starts");
    let refused = Appliance::new("refused", wrong.url())
        .credentials("admin", PasswordSource::Value("a-wrong-password".into()))
        .trust(Trust::PinSha256(wrong.cert_sha256().into()));
    let e = exporter(vec![managed("fw", &m), refused]);
    let served = Served::start(&e).await;
    let mut seen = String::new();
    for _ in 0..4 {
        for target in ["fw", "refused"] {
            seen += &get(&format!("{}/probe?target={target}", served.url), &[])
                .await
                .2;
        }
    }
    for path in ["/", "/metrics", "/fleet", "/sd"] {
        seen += &get(&format!("{}{path}", served.url), &[]).await.2;
    }
    seen += &format!("{e:?}");
    served.stop().await;
    assert!(m.logins() > 1, "sessions expired and were renewed");
    let mut secrets = m.issued_secrets();
    secrets.extend([
        m.password().to_owned(),
        "a-wrong-password".into(),
        "the-right-one".into(),
    ]);
    for secret in secrets {
        assert!(!seen.contains(&secret), "a secret leaked");
    }
    assert!(
        seen.contains("The login was refused"),
        "the reason is shown"
    );
}
