//! One HAR entry, read without copying its bodies: the request's method, URL path and
//! body, the response's status and body.
//!
//! Everything else (headers, cookies, query strings, timings) is skipped over and never
//! decoded, so cookie and token values of the capture are never held apart from the raw
//! entry bytes, which are dropped when the entry has been observed. The URL keeps only
//! its path: the query string is cut off as soon as it is read.

use std::borrow::Cow;

use base64::Engine as _;

use super::scan;

/// The parts of an entry that regen looks at.
#[derive(Debug, Default)]
pub struct EntryView<'a> {
    /// HTTP method of the request.
    pub http_method: Option<String>,
    /// Path of the request URL, without scheme, host, query or fragment.
    pub path: Option<String>,
    /// Scheme, host and port of the request URL (`https://fw.example.com:4081`, the
    /// default port of the scheme filled in), without any user info.
    pub origin: Option<String>,
    /// The port of the request URL, the scheme's default when it names none.
    pub port: Option<u16>,
    /// The request body.
    pub request_body: Option<Text<'a>>,
    /// HTTP status of the response.
    pub status: Option<i64>,
    /// The response body.
    pub response_body: Option<Text<'a>>,
}

/// A body as stored in the HAR: the content of a JSON string, still escaped.
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    /// The string's content between its quotes, as written in the file.
    pub raw: &'a [u8],
    /// `"encoding": "base64"`.
    pub base64: bool,
}

impl<'a> Text<'a> {
    /// The body's bytes: the string unescaped, then base64-decoded when so encoded.
    pub fn decode(&self) -> Result<Cow<'a, [u8]>, String> {
        let text: Cow<'a, [u8]> = if self.raw.contains(&b'\\') {
            let mut quoted = Vec::with_capacity(self.raw.len() + 2);
            quoted.push(b'"');
            quoted.extend_from_slice(self.raw);
            quoted.push(b'"');
            let s: String =
                serde_json::from_slice(&quoted).map_err(|e| format!("bad string escape: {e}"))?;
            Cow::Owned(s.into_bytes())
        } else {
            Cow::Borrowed(self.raw)
        };
        if !self.base64 {
            return Ok(text);
        }
        let compact: Vec<u8> = text
            .iter()
            .copied()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        BASE64
            .decode(&compact)
            .map(Cow::Owned)
            .map_err(|e| format!("bad base64: {e}"))
    }

    /// True when the body is empty.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

/// Standard base64, padding optional (exporters differ).
pub const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// A cursor over the JSON text of one entry.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn err(&self, what: &str) -> String {
        format!("{what} at byte {} of the entry", self.i)
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(&format!("expected `{}`", c as char)))
        }
    }

    /// The content of a string, still escaped.
    fn raw_string(&mut self) -> Result<&'a [u8], String> {
        self.eat(b'"')?;
        let start = self.i;
        let end = scan::string_end(self.b, start).ok_or_else(|| self.err("unterminated string"))?;
        self.i = end + 1;
        Ok(&self.b[start..end])
    }

    fn string(&mut self) -> Result<String, String> {
        let raw = self.raw_string()?;
        Text { raw, base64: false }
            .decode()
            .and_then(|b| String::from_utf8(b.into_owned()).map_err(|e| e.to_string()))
            .map_err(|e| self.err(&e))
    }

    fn skip_value(&mut self) -> Result<(), String> {
        match self.peek() {
            Some(b'"') => self.raw_string().map(|_| ()),
            Some(b'{' | b'[') => {
                let end = scan::container_end(self.b, self.i)
                    .ok_or_else(|| self.err("unterminated object or array"))?;
                let raw = &self.b[self.i..=end];
                // Small values are checked in full; big ones are bodies of other tools'
                // extensions, checked for balanced brackets only.
                if raw.len() < 64 * 1024 {
                    serde_json::from_slice::<serde::de::IgnoredAny>(raw)
                        .map_err(|e| self.err(&format!("invalid JSON ({e})")))?;
                }
                self.i = end + 1;
                Ok(())
            }
            Some(_) => self.scalar().map(|_| ()),
            None => Err(self.err("unexpected end")),
        }
    }

    fn scalar(&mut self) -> Result<serde_json::Value, String> {
        let start = self.i;
        while let Some(c) = self.b.get(self.i) {
            if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            self.i += 1;
        }
        serde_json::from_slice(&self.b[start..self.i])
            .map_err(|e| format!("invalid JSON value at byte {start} of the entry ({e})"))
    }

    /// Calls `f` with each key of an object, the cursor on the value; `f` must consume it.
    fn object(
        &mut self,
        mut f: impl FnMut(&mut Self, &str) -> Result<(), String>,
    ) -> Result<(), String> {
        self.eat(b'{')?;
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            f(self, &key)?;
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
    }

    /// A string value, or `None` for `null`; anything else is skipped as `None`.
    fn opt_string(&mut self) -> Result<Option<String>, String> {
        match self.peek() {
            Some(b'"') => self.string().map(Some),
            _ => self.skip_value().map(|()| None),
        }
    }

    /// A body: `{"text": "...", "encoding": "base64", ...}`.
    fn body(&mut self) -> Result<Option<Text<'a>>, String> {
        if self.peek() != Some(b'{') {
            self.skip_value()?;
            return Ok(None);
        }
        let mut raw = None;
        let mut base64 = false;
        self.object(|c, key| {
            match key {
                "text" if c.peek() == Some(b'"') => raw = Some(c.raw_string()?),
                "encoding" => base64 = c.opt_string()?.as_deref() == Some("base64"),
                _ => c.skip_value()?,
            }
            Ok(())
        })?;
        Ok(raw.map(|raw| Text { raw, base64 }))
    }
}

/// The origin of an absolute URL, `scheme://host:port` in lower case with the scheme's
/// default port filled in, and that port; user info (`user:password@`) is left out.
/// `None` for a relative URL or an unknown scheme without a port.
pub fn url_origin(url: &str) -> Option<(String, u16)> {
    let (scheme, after) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // An IPv6 literal holds colons of its own: the port follows the closing bracket.
    let (host, port) = match host_port.rfind(':') {
        Some(i) if !host_port[i..].contains(']') => (&host_port[..i], Some(&host_port[i + 1..])),
        _ => (host_port, None),
    };
    let port = match port {
        Some(p) => p.parse::<u16>().ok()?,
        None => match scheme.as_str() {
            "https" | "wss" => 443,
            "http" | "ws" => 80,
            _ => return None,
        },
    };
    if host.is_empty() {
        return None;
    }
    Some((
        format!("{scheme}://{}:{port}", host.to_ascii_lowercase()),
        port,
    ))
}

/// The path of a URL: scheme and host removed, query and fragment cut off.
pub fn url_path(url: &str) -> String {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            match after.find(['/', '?', '#']) {
                Some(j) => &after[j..],
                None => "",
            }
        }
        None => url,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = &rest[..end];
    if path.is_empty() {
        "/".into()
    } else {
        path.into()
    }
}

/// Reads the parts of an entry that regen uses; an error says what is malformed.
pub fn parse(bytes: &[u8]) -> Result<EntryView<'_>, String> {
    let mut c = Cursor { b: bytes, i: 0 };
    let mut view = EntryView::default();
    let mut saw_request = false;
    c.object(|c, key| match key {
        "request" if c.peek() == Some(b'{') => {
            saw_request = true;
            c.object(|c, key| {
                match key {
                    "method" => view.http_method = c.opt_string()?,
                    "url" => {
                        if let Some(u) = c.opt_string()? {
                            view.path = Some(url_path(&u));
                            if let Some((origin, port)) = url_origin(&u) {
                                view.origin = Some(origin);
                                view.port = Some(port);
                            }
                        }
                    }
                    "postData" => view.request_body = c.body()?,
                    _ => c.skip_value()?,
                }
                Ok(())
            })
        }
        "response" if c.peek() == Some(b'{') => c.object(|c, key| {
            match key {
                "status" if matches!(c.peek(), Some(b'-' | b'0'..=b'9')) => {
                    view.status = c.scalar()?.as_i64();
                }
                "content" => view.response_body = c.body()?,
                _ => c.skip_value()?,
            }
            Ok(())
        }),
        _ => c.skip_value(),
    })?;
    if c.peek().is_some() {
        return Err(c.err("unexpected text after the entry"));
    }
    if !saw_request {
        return Err("the entry has no `request` object".into());
    }
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_request_and_response() {
        let e = br#"{"startedDateTime": "x", "request": {"method": "POST", "url": "https://fw:4081/admin/api/jsonrpc/?t=secret", "headers": [{"name": "X-Token", "value": "t"}], "postData": {"mimeType": "application/json", "text": "{\"a\":1}"}}, "response": {"status": 200, "content": {"size": 4, "text": "e30=", "encoding": "base64"}}}"#;
        let v = parse(e).expect("parses");
        assert_eq!(v.http_method.as_deref(), Some("POST"));
        assert_eq!(v.path.as_deref(), Some("/admin/api/jsonrpc/"));
        assert_eq!(v.status, Some(200));
        let req = v.request_body.expect("request body");
        assert_eq!(&*req.decode().expect("decodes"), br#"{"a":1}"#);
        let resp = v.response_body.expect("response body");
        assert!(resp.base64);
        assert_eq!(&*resp.decode().expect("decodes"), b"{}");
    }

    #[test]
    fn entries_without_bodies() {
        let v = parse(br#"{"request": {"url": "/x"}, "response": {"content": {"size": 0}}}"#)
            .expect("parses");
        assert!(v.request_body.is_none() && v.response_body.is_none());
    }

    #[test]
    fn malformed_entries() {
        for bad in [
            &br#"{"request": {"url": 1 2}}"#[..],
            br#"{"response": {}}"#,
            br#"{"request": {}, "x": [1,]}"#,
            br#"{"request": {}} x"#,
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn origins() {
        assert_eq!(
            url_origin("https://User:Secret@FW.example.com:4040/admin/"),
            Some(("https://fw.example.com:4040".into(), 4040))
        );
        assert_eq!(
            url_origin("https://mail.example.com/webmail/api/jsonrpc/"),
            Some(("https://mail.example.com:443".into(), 443))
        );
        assert_eq!(
            url_origin("https://[::1]:4081/x"),
            Some(("https://[::1]:4081".into(), 4081))
        );
        assert_eq!(url_origin("/admin/api/jsonrpc/"), None);
        assert_eq!(url_origin("https://h:notaport/"), None);
    }

    #[test]
    fn paths() {
        assert_eq!(url_path("https://h:1/a/b/?x=1#f"), "/a/b/");
        assert_eq!(url_path("https://h"), "/");
        assert_eq!(url_path("/lib/api/jsonrpc/?q"), "/lib/api/jsonrpc/");
    }
}
