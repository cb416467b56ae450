//! A minimal, non-panicking split of URL-shaped codes: scheme, host, path and query parameters.

use percent_encoding::percent_decode_str;

/// The parts of `scheme://host/path?query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Url<'a> {
    /// Lowercased scheme (`https`, `upi`, `wxp`).
    pub scheme: String,
    /// Host as written (or the first path segment of `upi://pay`, or a `wxp://` token).
    pub host: &'a str,
    /// Path including the leading `/`, as written.
    pub path: &'a str,
    /// Query string without `?`, as written.
    pub query: Option<&'a str>,
}

impl Url<'_> {
    /// Whether the host is `name`, ignoring ASCII case.
    pub fn host_is(&self, name: &str) -> bool {
        self.host.eq_ignore_ascii_case(name)
    }
}

/// Splits `text` if it starts with `scheme://`.
pub(super) fn split(text: &str) -> Option<Url<'_>> {
    let (scheme, rest) = text.split_once("://")?;
    let valid_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid_scheme {
        return None;
    }
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let before_query = before_query.split('#').next().unwrap_or_default();
    let (host, path) = match before_query.find('/') {
        Some(i) => (&before_query[..i], &before_query[i..]),
        None => (before_query, ""),
    };
    Some(Url { scheme: scheme.to_ascii_lowercase(), host, path, query })
}

/// Query parameters, percent-decoded (invalid UTF-8 is replaced, never panics). Names keep their case.
pub(super) fn query_pairs(query: &str) -> Vec<(String, String)> {
    raw_pairs(query).into_iter().map(|(k, v)| (percent_decode(k), percent_decode(v))).collect()
}

/// Query parameters as written, undecoded.
pub(super) fn raw_pairs(query: &str) -> Vec<(&str, &str)> {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| pair.split_once('=').unwrap_or((pair, ""))).collect()
}

/// `%XX` decoding only (a `+` stays a `+`); invalid UTF-8 is replaced, never panics.
pub(super) fn percent_decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Form decoding (`application/x-www-form-urlencoded`): `+` is a space, then `%XX`.
pub(super) fn form_decode(s: &str) -> String {
    if s.contains('+') { percent_decode(&s.replace('+', " ")) } else { percent_decode(s) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        let u = split("HTTPS://Qr.Alipay.com/bax0319?x=1#frag").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.host, u.path, u.query),
            ("https", "Qr.Alipay.com", "/bax0319", Some("x=1#frag"))
        );
        assert!(u.host_is("qr.alipay.com"));
        assert_eq!(split("upi://pay?pa=a@b").unwrap().host, "pay");
        assert!(split("000201010211").is_none());
        assert!(split("1a://x").is_none());
        assert_eq!(
            query_pairs("pa=a%40b&pn=Shop%20One&&x"),
            [("pa".into(), "a@b".into()), ("pn".into(), "Shop One".into()), ("x".into(), "".into())]
        );
        assert_eq!(query_pairs("n=%FF%E0")[0].1, "\u{FFFD}\u{FFFD}");
        assert_eq!(form_decode("Lakshmanan+P%2B1"), "Lakshmanan P+1");
        assert_eq!(percent_decode("17:48:19+05:30"), "17:48:19+05:30");
        assert_eq!(raw_pairs("a=1+2&b"), [("a", "1+2"), ("b", "")]);
    }
}
