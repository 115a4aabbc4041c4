//! Request-level rules as pure functions, shared by the server and the browser:
//! where a sign-in may send the browser afterwards, which origin a request must
//! come from, who the client is behind a proxy, and how failed attempts slow
//! further ones. No I/O; the store and the server apply them.

use std::net::IpAddr;

/// Where to go after signing in: a path on this site, never another site.
///
/// Accepted: exactly one leading `/`, not followed by `/` or `\` (browsers read
/// `//host` and `/\host` as another host), no `\` anywhere, and no control or
/// whitespace character anywhere (browsers drop tabs and newlines from URLs,
/// so `/<TAB>/evil.example/` becomes `//evil.example/`). Characters outside
/// ASCII are percent-encoded, so the value is always a valid `Location` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeNext(String);

impl SafeNext {
    /// Where anything refused goes.
    pub const HOME: &'static str = "/";
    /// Longer is refused: no page of this site has an address near this long.
    pub const MAX_LEN: usize = 2048;

    /// The same-site path `raw`, or `None` when it could lead anywhere else.
    pub fn parse(raw: &str) -> Option<SafeNext> {
        let rest = raw.strip_prefix('/')?;
        if rest.starts_with('/') || raw.len() > Self::MAX_LEN {
            return None;
        }
        if raw.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()) {
            return None;
        }
        let mut out = String::with_capacity(raw.len());
        for c in raw.chars() {
            if c.is_ascii() {
                out.push(c);
            } else {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
        Some(SafeNext(out))
    }

    /// `raw` when it is a same-site path, else the home page.
    pub fn or_home(raw: &str) -> SafeNext {
        Self::parse(raw).unwrap_or_else(|| SafeNext(Self::HOME.to_string()))
    }

    /// Where a sign-in lands: `next` when given and safe, home when given and
    /// unsafe, `default` (a path of ours) when absent or empty.
    pub fn after_sign_in(next: Option<&str>, default: &'static str) -> SafeNext {
        match next.filter(|n| !n.is_empty()) {
            Some(n) => Self::or_home(n),
            None => SafeNext(default.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The scheme, host and port of a site, as browsers compare origins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteOrigin {
    pub scheme: String,
    /// Lowercase; IPv6 addresses keep their brackets.
    pub host: String,
    pub port: u16,
}

/// `scheme://host`, with `:port` only when it is not the scheme's default:
/// how a link to this site is written.
impl std::fmt::Display for SiteOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let default = matches!((self.scheme.as_str(), self.port), ("http", 80) | ("https", 443));
        match default {
            true => write!(f, "{}://{}", self.scheme, self.host),
            false => write!(f, "{}://{}:{}", self.scheme, self.host, self.port),
        }
    }
}

impl SiteOrigin {
    /// Parses `scheme://host[:port]`, optionally followed by a path (a public
    /// URL may end in `/`). Only `http` and `https`; `None` for anything else,
    /// including the `null` origin.
    pub fn parse(raw: &str) -> Option<SiteOrigin> {
        let (scheme, rest) = raw.trim().split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return None;
        }
        let (host, port) = Self::split_authority(authority, default_port)?;
        Some(SiteOrigin { scheme, host, port })
    }

    /// The origin a browser would send for a page fetched over `scheme` from
    /// the address in a `Host` header.
    pub fn from_host(scheme: &str, host: &str) -> Option<SiteOrigin> {
        Self::parse(&format!("{scheme}://{host}"))
    }

    fn split_authority(authority: &str, default_port: u16) -> Option<(String, u16)> {
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (addr, after) = v6.split_once(']')?;
            addr.parse::<std::net::Ipv6Addr>().ok()?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?),
            };
            (format!("[{}]", addr.to_ascii_lowercase()), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
                None => (authority.to_ascii_lowercase(), None),
            }
        };
        let valid_host = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':'));
        if !valid_host {
            return None;
        }
        let port = match port {
            None => default_port,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
            Some(_) => return None,
        };
        Some((host, port))
    }
}

/// What a request says about where it comes from: its `Origin`, `Host`,
/// `Sec-Fetch-Site` and `Content-Type` headers, a header that is not text
/// read as empty (which no rule below accepts).
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestSite<'a> {
    pub origin: Option<&'a str>,
    pub host: Option<&'a str>,
    pub sec_fetch_site: Option<&'a str>,
    pub content_type: &'a str,
}

/// This site's own origin, as the serve configuration knows it: the public
/// URL when one is set, else the request's `Host` over http (https when the
/// cookies are secure). The one Origin rule: the CSRF check of every
/// state-changing request and the WebSocket handshake both ask it.
#[derive(Clone, Copy, Debug, Default)]
pub struct OwnOrigin<'a> {
    pub public: Option<&'a SiteOrigin>,
    pub https: bool,
}

impl OwnOrigin<'_> {
    /// The origin a page of this site, fetched with this `Host`, has.
    pub fn expected(&self, host: Option<&str>) -> Option<SiteOrigin> {
        if let Some(origin) = self.public {
            return Some(origin.clone());
        }
        SiteOrigin::from_host(if self.https { "https" } else { "http" }, host?)
    }

    /// True when the request names no Origin or this site's own (scheme, host and port).
    pub fn allows(&self, req: &RequestSite) -> bool {
        let Some(origin) = req.origin else {
            return true;
        };
        let given = SiteOrigin::parse(origin);
        given.is_some() && given == self.expected(req.host)
    }

    /// Why a state-changing request must be refused as possibly cross-site,
    /// if it must: one that names an Origin must name this site; one without
    /// must not be marked cross-site by `Sec-Fetch-Site`, and must carry JSON
    /// or a form.
    pub fn cross_site_refusal(&self, req: &RequestSite) -> Option<&'static str> {
        if req.origin.is_some() {
            return (!self.allows(req))
                .then_some("cross-site request refused: the Origin header does not match this site");
        }
        if req.sec_fetch_site.is_some_and(|site| !is_same_site_fetch(site)) {
            return Some("cross-site request refused: Sec-Fetch-Site says another site sent it");
        }
        (!is_accepted_body_type(req.content_type))
            .then_some("cross-site request refused: without an Origin header, send JSON (application/json) or a form (application/x-www-form-urlencoded, multipart/form-data)")
    }
}

/// The media types a state-changing request without an `Origin` may carry:
/// JSON (API clients) and the two form encodings (form posts from browsers old
/// enough not to send `Origin`). `text/plain`, which a cross-site page can send
/// without asking, is not among them.
pub fn is_accepted_body_type(content_type: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        media.as_str(),
        "application/json" | "application/x-www-form-urlencoded" | "multipart/form-data"
    )
}

/// `Sec-Fetch-Site` values that mean the request did not come from another site.
pub fn is_same_site_fetch(sec_fetch_site: &str) -> bool {
    matches!(
        sec_fetch_site.trim().to_ascii_lowercase().as_str(),
        "same-origin" | "none"
    )
}

/// Compares two secrets in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A proxy the server trusts to say who its client is: one address, or a
/// network as `ADDR/PREFIX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedProxy {
    addr: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    pub fn parse(raw: &str) -> Result<TrustedProxy, String> {
        let raw = raw.trim();
        let (addr, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{raw:?} is not an IP address or ADDR/PREFIX"))?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{raw:?}: the prefix must be 0 to {max}"))?,
        };
        Ok(TrustedProxy { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_match(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_match(&net.octets(), &ip.octets(), self.prefix),
            _ => false,
        }
    }
}

impl std::str::FromStr for TrustedProxy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TrustedProxy::parse(s)
    }
}

fn prefix_match(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (whole, rest) = ((prefix / 8) as usize, prefix % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || (a[whole] ^ b[whole]) >> (8 - rest) == 0
}

/// The client's address: the TCP peer, unless the peer is a trusted proxy; then
/// the right-most `X-Forwarded-For` entry that is not itself a trusted proxy
/// (entries left of it could be made up by the client). `forwarded_for` holds
/// every `X-Forwarded-For` header value in order.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[TrustedProxy]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.contains(ip));
    if !is_trusted(peer) {
        return peer.to_canonical();
    }
    let entries = forwarded_for.iter().rev().flat_map(|v| v.rsplit(','));
    for entry in entries {
        let Some(ip) = parse_forwarded_entry(entry) else {
            // Not an address: nothing further left can be believed.
            break;
        };
        if !is_trusted(ip) {
            return ip;
        }
    }
    peer.to_canonical()
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn parse_forwarded_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    entry
        .parse::<std::net::SocketAddr>()
        .ok()
        .map(|s| s.ip().to_canonical())
}

/// The key rate limits count an address under: an IPv4 address as itself, an
/// IPv6 address by its /64 (one customer's network: the rest of the address is
/// theirs to change at will).
pub fn client_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// How failed attempts slow further ones: free until `wait_from` failures,
/// then a wait of `first_ms` that doubles with each further failure, capped at
/// `cap_ms`. One failure is forgiven for every `forgive_ms` that passes, so the
/// wait fades once the failures stop. Nothing is ever locked for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub wait_from: i64,
    pub first_ms: i64,
    pub cap_ms: i64,
    pub forgive_ms: i64,
}

impl Backoff {
    /// Sign-in, per (username, client address): five tries, then 5 s, 10 s, 20 s ...
    /// up to 15 minutes between tries; a failure forgiven every 15 minutes.
    pub const SIGN_IN: Backoff = Backoff {
        wait_from: 5,
        first_ms: 5_000,
        cap_ms: 15 * 60_000,
        forgive_ms: 15 * 60_000,
    };
    /// Per client address, across usernames and join codes (password or code
    /// spraying): 20 failures free, then 1 s doubling up to one minute; a
    /// failure forgiven every 30 s. Never more than a minute's wait for the
    /// others behind one address.
    pub const ADDRESS: Backoff = Backoff {
        wait_from: 20,
        first_ms: 1_000,
        cap_ms: 60_000,
        forgive_ms: 30_000,
    };

    /// The wait after the `failures`-th failure.
    pub fn delay_ms(&self, failures: i64) -> i64 {
        if failures < self.wait_from {
            return 0;
        }
        let doublings = (failures - self.wait_from).min(40) as u32;
        self.first_ms.saturating_mul(1i64 << doublings).min(self.cap_ms)
    }

    /// Failures still counted `elapsed_ms` after the last attempt.
    pub fn remaining(&self, failures: i64, elapsed_ms: i64) -> i64 {
        let forgiven = if self.forgive_ms > 0 {
            elapsed_ms.max(0) / self.forgive_ms
        } else {
            0
        };
        (failures - forgiven).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_rule_wants_this_site_or_no_origin_with_a_safe_body() {
        let req = |origin, host| RequestSite {
            origin,
            host,
            sec_fetch_site: None,
            content_type: "application/json",
        };
        let by_host = OwnOrigin::default();
        assert!(by_host.allows(&req(None, Some("a.example:3000"))));
        assert!(by_host.allows(&req(Some("http://a.example:3000"), Some("a.example:3000"))));
        assert!(!by_host.allows(&req(Some("https://a.example:3000"), Some("a.example:3000"))));
        assert!(
            !by_host.allows(&req(Some(""), Some("a.example:3000"))),
            "an Origin that is not text"
        );
        assert!(!by_host.allows(&req(Some("http://a.example:3000"), None)));
        let https = OwnOrigin {
            public: None,
            https: true,
        };
        assert!(https.allows(&req(Some("https://a.example"), Some("a.example"))));
        let public = SiteOrigin::parse("https://checkpoint.example").unwrap();
        let configured = OwnOrigin {
            public: Some(&public),
            https: false,
        };
        assert!(configured.allows(&req(Some("https://checkpoint.example"), Some("10.0.0.5:3000"))));
        assert!(!configured.allows(&req(Some("http://10.0.0.5:3000"), Some("10.0.0.5:3000"))));

        let refusal = |r: RequestSite| by_host.cross_site_refusal(&r);
        assert_eq!(
            refusal(req(None, Some("a.example"))),
            None,
            "a pipeline: no Origin, JSON"
        );
        assert!(refusal(req(Some("http://b.example"), Some("a.example"))).is_some());
        let plain = RequestSite {
            content_type: "text/plain",
            ..req(None, Some("a.example"))
        };
        assert!(refusal(plain).is_some());
        let marked = RequestSite {
            sec_fetch_site: Some("cross-site"),
            ..req(None, Some("a.example"))
        };
        assert!(refusal(marked).is_some());
    }

    #[test]
    fn next_accepts_only_same_site_paths() {
        for ok in [
            "/",
            "/squads",
            "/squads/payments/metrics?window=91&x=%2F",
            "/checkpoints/abc#board",
            "/a/b//c",
            "/%2F%2Fevil",
        ] {
            assert_eq!(SafeNext::parse(ok).map(|n| n.0), Some(ok.to_string()), "{ok:?}");
        }
        for bad in [
            "",
            "squads",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil",
            "https://evil.example",
            "http:/evil",
            "javascript:alert(1)",
            "/\t/evil.example/",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=y",
            "/a b",
            "/a\u{a0}b",
            "/a\u{2028}b",
            "/a\\b",
            "/\u{0}",
            " /squads",
            "/squads\u{7f}",
        ] {
            assert_eq!(SafeNext::parse(bad), None, "{bad:?}");
            assert_eq!(SafeNext::or_home(bad).as_str(), "/");
        }
        assert_eq!(SafeNext::parse(&format!("/{}", "a".repeat(SafeNext::MAX_LEN))), None);
        assert_eq!(
            SafeNext::parse("/équipe").unwrap().as_str(),
            "/%C3%A9quipe",
            "non-ASCII is percent-encoded"
        );
        assert_eq!(SafeNext::after_sign_in(None, "/squads").as_str(), "/squads");
        assert_eq!(SafeNext::after_sign_in(Some(""), "/squads").as_str(), "/squads");
        assert_eq!(SafeNext::after_sign_in(Some("//evil"), "/squads").as_str(), "/");
        assert_eq!(
            SafeNext::after_sign_in(Some("/admin/users"), "/squads").as_str(),
            "/admin/users"
        );
    }

    #[test]
    fn every_accepted_next_is_a_visible_ascii_header_value_starting_with_one_slash() {
        let pieces = [
            "/", "\\", "\t", "\n", "\r", " ", "a", "é", "%0A", ":", "?", "#", "\u{0}", "\u{7f}", "\u{200b}", "@", ".",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let raw = format!("{a}{b}{c}");
                    if let Some(next) = SafeNext::parse(&raw) {
                        let s = next.as_str();
                        assert!(
                            s.starts_with('/') && !s.starts_with("//") && !s.starts_with("/\\"),
                            "{raw:?} -> {s:?}"
                        );
                        assert!(s.bytes().all(|b| b.is_ascii_graphic()), "{raw:?} -> {s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let site = SiteOrigin::parse("http://checkpoint.example:3000/").unwrap();
        assert_eq!(SiteOrigin::parse("http://Checkpoint.example:3000"), Some(site.clone()));
        assert_ne!(
            SiteOrigin::parse("https://checkpoint.example:3000"),
            Some(site.clone()),
            "scheme"
        );
        assert_ne!(
            SiteOrigin::parse("http://checkpoint.example:3001"),
            Some(site.clone()),
            "port"
        );
        assert_ne!(
            SiteOrigin::parse("http://checkpoint.example"),
            Some(site.clone()),
            "default port 80"
        );
        assert_eq!(
            SiteOrigin::parse("https://a.example"),
            SiteOrigin::parse("https://a.example:443")
        );
        assert_eq!(SiteOrigin::from_host("http", "checkpoint.example:3000"), Some(site));
        assert_eq!(SiteOrigin::parse("http://[::1]:3000").unwrap().host, "[::1]");
        for bad in [
            "null",
            "",
            "ftp://a.example",
            "http://",
            "http://a.example:x",
            "http://user@a.example",
            "http://a b",
            "http://a.example:99999",
        ] {
            assert_eq!(SiteOrigin::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn body_types_and_fetch_sites() {
        assert!(is_accepted_body_type("application/json"));
        assert!(is_accepted_body_type("Application/JSON; charset=utf-8"));
        assert!(is_accepted_body_type("application/x-www-form-urlencoded"));
        assert!(is_accepted_body_type("multipart/form-data; boundary=x"));
        assert!(!is_accepted_body_type("text/plain"));
        assert!(!is_accepted_body_type(""));
        assert!(!is_accepted_body_type("application/jsonp"));
        assert!(is_same_site_fetch("same-origin") && is_same_site_fetch("none"));
        assert!(!is_same_site_fetch("same-site") && !is_same_site_fetch("cross-site"));
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(constant_time_eq(b"token", b"token"));
        assert!(!constant_time_eq(b"token", b"tokem"));
        assert!(!constant_time_eq(b"token", b"token2"));
    }

    #[test]
    fn the_client_is_the_peer_unless_a_trusted_proxy_forwards() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = [TrustedProxy::parse("10.0.0.1").unwrap()];
        assert_eq!(
            client_ip(ip("203.0.113.5"), &["1.2.3.4"], &proxy),
            ip("203.0.113.5"),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(client_ip(ip("10.0.0.1"), &["1.2.3.4"], &proxy), ip("1.2.3.4"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), &["6.6.6.6, 1.2.3.4"], &proxy),
            ip("1.2.3.4"),
            "the right-most entry, the one the proxy added"
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &["6.6.6.6", "1.2.3.4"], &proxy),
            ip("1.2.3.4"),
            "several headers read as one list"
        );
        assert_eq!(client_ip(ip("10.0.0.1"), &[], &proxy), ip("10.0.0.1"));
        assert_eq!(
            client_ip(ip("10.0.0.1"), &["6.6.6.6, garbage"], &proxy),
            ip("10.0.0.1"),
            "nothing left of a bad entry is believed"
        );
        let chain = [TrustedProxy::parse("10.0.0.0/8").unwrap()];
        assert_eq!(
            client_ip(ip("10.0.0.1"), &["6.6.6.6, 198.51.100.7:4711, 10.2.3.4"], &chain),
            ip("198.51.100.7"),
            "trusted hops are skipped"
        );
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &["[2001:db8::1]:443"], &chain),
            ip("2001:db8::1")
        );
        assert!(TrustedProxy::parse("10.0.0.0/33").is_err() && TrustedProxy::parse("proxy").is_err());
        assert!(TrustedProxy::parse("2001:db8::/32")
            .unwrap()
            .contains(ip("2001:db8:ffff::1")));
        assert!(!TrustedProxy::parse("192.168.1.0/25")
            .unwrap()
            .contains(ip("192.168.1.200")));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_slash_64() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            client_key(ip("2001:db8:1:2:aaaa::1")),
            client_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_ne!(client_key(ip("2001:db8:1:2::1")), client_key(ip("2001:db8:1:3::1")));
        assert_eq!(client_key(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_eq!(client_key(ip("192.0.2.7")), "192.0.2.7");
        assert_eq!(client_key(ip("::ffff:192.0.2.7")), "192.0.2.7");
    }

    #[test]
    fn backoff_is_free_at_first_then_doubles_up_to_its_cap_and_fades() {
        let b = Backoff::SIGN_IN;
        assert_eq!(
            (1..=8).map(|f| b.delay_ms(f)).collect::<Vec<_>>(),
            [0, 0, 0, 0, 5_000, 10_000, 20_000, 40_000]
        );
        assert_eq!(b.delay_ms(100), 15 * 60_000);
        assert_eq!(b.delay_ms(i64::MAX), 15 * 60_000);
        assert_eq!(b.remaining(7, 0), 7);
        assert_eq!(b.remaining(7, 31 * 60_000), 5);
        assert_eq!(b.remaining(2, i64::MAX), 0);
        assert!(
            Backoff::ADDRESS.delay_ms(1_000) <= 60_000,
            "one address never waits more than a minute"
        );
    }

    #[test]
    fn an_origin_is_written_with_its_port_only_when_it_is_not_the_default() {
        let o = |raw: &str| SiteOrigin::parse(raw).unwrap().to_string();
        assert_eq!(o("https://checkpoint.example.com"), "https://checkpoint.example.com");
        assert_eq!(
            o("https://checkpoint.example.com:443/x"),
            "https://checkpoint.example.com"
        );
        assert_eq!(o("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(o("http://[::1]:80"), "http://[::1]");
    }
}
