//! The HTTP endpoints: `/probe`, `/metrics`, `/`, `/-/healthy`, `/sd` (HTTP service
//! discovery) and `/fleet` (the fleet report of the last probes).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::probe::ProbeError;
use super::{DEFAULT_MODULE, Exporter};
use crate::fleet::html::escape;

/// The scrape timeout Prometheus sends with each scrape.
const SCRAPE_TIMEOUT_HEADER: &str = "x-prometheus-scrape-timeout-seconds";
/// The content type of the OpenMetrics text format.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The content type of the Prometheus text format.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
/// An error that echoes a name from the request is cut to this many characters.
const MAX_ERROR_CHARS: usize = 200;

pub(super) fn router(exporter: Exporter) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/probe", get(probe))
        .route("/metrics", get(metrics))
        .route("/-/healthy", get(|| async { "Healthy\n" }))
        .route("/sd", get(service_discovery))
        .route("/fleet", get(fleet))
        .with_state(exporter)
}

async fn probe(
    State(exporter): State<Exporter>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(target) = params.get("target") else {
        return text(
            StatusCode::BAD_REQUEST,
            "the target parameter is missing\n".into(),
        );
    };
    let module = params.get("module").map(String::as_str);
    let timeout = headers
        .get(SCRAPE_TIMEOUT_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok());
    match exporter.probe(target, module, timeout).await {
        Ok(probe) => {
            if openmetrics(&headers) {
                body(StatusCode::OK, OPENMETRICS, probe.to_openmetrics())
            } else {
                body(StatusCode::OK, PROMETHEUS_TEXT, probe.to_prometheus_text())
            }
        }
        Err(e @ (ProbeError::UnknownTarget(_) | ProbeError::UnknownModule(_))) => text(
            StatusCode::BAD_REQUEST,
            format!("{}\n", cut(&e.to_string())),
        ),
        Err(e) => text(StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")),
    }
}

async fn metrics(State(exporter): State<Exporter>, headers: HeaderMap) -> Response {
    let own = &exporter.inner.shop.own;
    if openmetrics(&headers) {
        body(StatusCode::OK, OPENMETRICS, own.to_openmetrics())
    } else {
        body(StatusCode::OK, PROMETHEUS_TEXT, own.to_prometheus_text())
    }
}

/// How long `/sd` may spend finding out products.
const SD_FIND_TIME: std::time::Duration = std::time::Duration::from_secs(5);

async fn service_discovery(State(exporter): State<Exporter>) -> Response {
    // The targets of unknown product are found out first, so that their label is the
    // real product; briefly, since Prometheus waits for this answer.
    exporter.find_products(SD_FIND_TIME).await;
    body(
        StatusCode::OK,
        "application/json",
        exporter.service_discovery(),
    )
}

async fn fleet(State(exporter): State<Exporter>) -> Response {
    body(
        StatusCode::OK,
        "text/html; charset=utf-8",
        exporter.fleet_report().to_html(),
    )
}

async fn index(State(exporter): State<Exporter>) -> Response {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Kerio exporter</title>\
         <style>body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}\
         </style></head><body>\n<h1>Kerio exporter</h1>\n<p><a href=\"fleet\">Fleet report \
         (last probes)</a> · <a href=\"metrics\">Exporter metrics</a> · <a href=\"sd\">Targets \
         for HTTP service discovery</a></p>\n<h2>Targets</h2>\n<table><tr><th>Name</th>\
         <th>Product</th><th>Last status</th><th>Probe</th></tr>\n",
    );
    for target in &exporter.inner.targets {
        let status = target
            .last()
            .map_or("not probed yet", |p| p.status.as_str());
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{status}</td>\
             <td><a href=\"probe?target={}\">probe</a></td></tr>",
            escape(&target.name),
            target.product().map_or("not found out yet", |p| p.as_str()),
            query_escape(&target.name),
        );
    }
    page.push_str("</table>\n<h2>Modules</h2>\n<table><tr><th>Name</th><th>Collectors</th><th>Timeout</th></tr>\n");
    for (name, module) in &exporter.inner.config.modules {
        let collectors = module
            .collectors
            .as_ref()
            .map_or_else(|| "all".to_owned(), |c| c.join(", "));
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>status reads, {}</td><td>{} s</td></tr>",
            escape(name),
            escape(&collectors),
            module.timeout.as_secs_f64()
        );
    }
    let _ = write!(
        page,
        "</table>\n<p>Prometheus asks for <code>/probe?target=NAME&amp;module=MODULE</code> \
         (module {DEFAULT_MODULE} when none is given).</p>\n</body></html>\n"
    );
    body(StatusCode::OK, "text/html; charset=utf-8", page)
}

/// Whether the scraper accepts OpenMetrics (Prometheus asks for it first).
fn openmetrics(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/openmetrics-text"))
}

fn body(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

fn text(status: StatusCode, message: String) -> Response {
    body(status, "text/plain; charset=utf-8", message)
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(MAX_ERROR_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Text for a URL query value (percent-encoding all but unreserved characters).
fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_for_html_and_queries() {
        assert_eq!(escape("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
        assert_eq!(query_escape("Branch Brno&x=1"), "Branch%20Brno%26x%3D1");
    }

    #[test]
    fn openmetrics_is_served_when_asked_for() {
        let mut headers = HeaderMap::new();
        assert!(!openmetrics(&headers));
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static(
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
            ),
        );
        assert!(openmetrics(&headers));
    }
}
