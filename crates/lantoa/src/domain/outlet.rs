//! The agency's own outlet (*Trang riêng*): a channel of its own beside the
//! platforms, whose posts are Lantoa's public pages. What is decided here, with
//! no HTTP and no SQL: which channel codes a clip may target, the outlet's
//! settings as checked, and how a viewing beacon is read — what it says, where
//! the viewer came from, on what, whether a robot sent it, and how far into
//! the clip it got.

use crate::domain::Invalid;
use crate::platforms::Platform;

/// The outlet's code among the channels' platform codes.
pub const OUTLET: &str = "outlet";

/// Its name beside the platforms' (as the directive calls an agency's own
/// digital platform); pages translate it as `platform-outlet`.
pub const OUTLET_LABEL: &str = "Trang riêng";

/// Whether a clip may target `code`: a platform's, or the outlet's.
pub fn is_target(code: &str) -> bool {
    code == OUTLET || Platform::parse(code).is_some()
}

/// Every code a clip may target, the platforms first.
pub fn target_codes() -> impl Iterator<Item = &'static str> {
    Platform::ALL
        .into_iter()
        .map(|p| p.as_str())
        .chain(std::iter::once(OUTLET))
}

/// The name of a channel kind by its code (a platform's brand or the
/// outlet's); the code itself when it is neither.
pub fn label(code: &str) -> &str {
    match Platform::parse(code) {
        Some(p) => p.label(),
        None if code == OUTLET => OUTLET_LABEL,
        None => code,
    }
}

/// Length of a post's public id.
pub const TOKEN_LEN: usize = 12;

/// Whether `s` can be a post's public id (lowercase letters and digits):
/// anything else is not looked up.
pub fn is_token(s: &str) -> bool {
    s.len() == TOKEN_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A public id made from a keyed hash's hex digits, in the alphabet of
/// [`is_token`] (base 36, so it reads like a word, not like a hash).
pub fn token_from_hex(hex: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    hex.as_bytes()
        .chunks(2)
        .take(TOKEN_LEN)
        .map(|pair| {
            let n = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("0"), 16).unwrap_or(0);
            ALPHABET[usize::from(n) % ALPHABET.len()] as char
        })
        .collect()
}

/// The outlet's settings, as an operator sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub enabled: bool,
    /// Where the public reaches it, without a trailing slash; empty: Lantoa's
    /// own address under `/v/{slug}`.
    pub base_url: String,
    pub show_authors: bool,
    pub indexable: bool,
    /// Origins (`https://host[:port]`) allowed to embed the player and widget.
    pub embed_origins: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: false,
            base_url: String::new(),
            show_authors: false,
            indexable: true,
            embed_origins: Vec::new(),
        }
    }
}

/// A public base address: `http(s)://host[:port][/path]`, no query, no
/// fragment, no spaces; kept without its trailing slash.
pub fn parse_base_url(text: &str) -> Result<String, Invalid> {
    let t = text.trim().trim_end_matches('/');
    if t.is_empty() {
        return Ok(String::new());
    }
    let bad = || Invalid::new("base_url", "outlet-bad-base-url");
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let host = rest.split('/').next().unwrap_or("");
    let fine = |c: char| c.is_ascii_alphanumeric() || "-._~/:%".contains(c);
    if host.is_empty() || !rest.chars().all(fine) || t.len() > 200 {
        return Err(bad());
    }
    Ok(t.to_string())
}

/// One origin a site embeds from: `scheme://host[:port]`, nothing after.
fn parse_origin(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('/');
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))?;
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    (host_ok && port_ok).then(|| t.to_ascii_lowercase())
}

/// The origins allowed to embed, one per line (or separated by spaces or
/// commas); the first that is not an origin is refused.
pub fn parse_origins(text: &str) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(|c: char| c.is_whitespace() || c == ',') {
        if part.trim().is_empty() {
            continue;
        }
        let o = parse_origin(part).ok_or(Invalid::new("embed_origins", "outlet-bad-origin"))?;
        if !out.contains(&o) {
            out.push(o);
        }
    }
    if out.len() > 50 {
        return Err(Invalid::new("embed_origins", "outlet-too-many-origins"));
    }
    Ok(out)
}

/// The `frame-ancestors` a page that may be embedded sends: the outlet's
/// own origin and the allowed ones.
pub fn frame_ancestors(origins: &[String]) -> String {
    let mut s = String::from("frame-ancestors 'self'");
    for o in origins {
        s.push(' ');
        s.push_str(o);
    }
    s
}

// ---- Viewing beacons ----------------------------------------------------------

/// Largest beacon read; a longer one is refused unread.
pub const MAX_BEACON_BYTES: usize = 1024;
/// Watching one beacon may report: a little more than the player's interval.
pub const MAX_WATCH_PER_BEACON_MS: i64 = 15_000;
/// Views of one post one device counts for in a day.
pub const MAX_VIEWS_PER_DEVICE_DAY: i64 = 5;

/// What a player reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Beacon {
    /// Playing started (once per page).
    Play {
        token: String,
        /// The page that embedded the player, or the one the viewer came from.
        referrer: String,
        /// Played in the embedded player (on another site).
        embedded: bool,
    },
    /// Watched `watched_ms` since the last beacon; the playhead is at `at_ms`.
    Time {
        token: String,
        watched_ms: i64,
        at_ms: i64,
    },
}

impl Beacon {
    pub fn token(&self) -> &str {
        match self {
            Beacon::Play { token, .. } | Beacon::Time { token, .. } => token,
        }
    }
}

/// Reads a beacon's JSON (`{"k":"play","t":…,"r":…}` or
/// `{"k":"time","t":…,"w":…,"p":…}`); anything else, too long, or with
/// figures out of range is refused.
pub fn parse_beacon(body: &[u8]) -> Option<Beacon> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Raw {
        k: String,
        t: String,
        #[serde(default)]
        r: String,
        #[serde(default)]
        w: Option<i64>,
        #[serde(default)]
        p: Option<i64>,
        #[serde(default)]
        e: bool,
    }
    if body.len() > MAX_BEACON_BYTES {
        return None;
    }
    let raw: Raw = serde_json::from_slice(body).ok()?;
    if !is_token(&raw.t) || raw.r.len() > 512 {
        return None;
    }
    match raw.k.as_str() {
        "play" => Some(Beacon::Play {
            token: raw.t,
            referrer: raw.r,
            embedded: raw.e,
        }),
        "time" => {
            let (w, p) = (raw.w?, raw.p?);
            let fine = (0..=60_000).contains(&w) && (0..=24 * 3_600_000).contains(&p);
            fine.then_some(Beacon::Time {
                token: raw.t,
                watched_ms: w.min(MAX_WATCH_PER_BEACON_MS),
                at_ms: p,
            })
        }
        _ => None,
    }
}

/// Where a viewer came from (`own_hosts`: the outlet's own authorities,
/// `host[:port]`), as a class (`embed`: the player on another
/// site; `search`, `social`, `link`, `direct`) and, when there is one, the site.
pub fn classify_referrer(
    referrer: &str,
    embedded: bool,
    own_hosts: &[&str],
) -> (&'static str, String) {
    // The authority (host and port) tells the outlet's own pages apart
    // from another site on the same host.
    let authority = referrer
        .strip_prefix("https://")
        .or_else(|| referrer.strip_prefix("http://"))
        .and_then(|r| r.split(['/', '?', '#']).next())
        .map(|h| {
            h.rsplit_once('@')
                .map_or(h, |(_, h)| h)
                .to_ascii_lowercase()
        })
        .filter(|h| !h.is_empty() && h.len() <= 260);
    let Some(authority) = authority else {
        return ("direct", String::new());
    };
    if own_hosts.iter().any(|o| o.eq_ignore_ascii_case(&authority)) {
        return ("direct", String::new());
    }
    let host = authority.split(':').next().unwrap_or("").to_string();
    let bare = host.trim_start_matches("www.").trim_start_matches("m.");
    let first = bare.split('.').next().unwrap_or("");
    const SEARCH: &[&str] = &["google", "bing", "coccoc", "yahoo", "duckduckgo", "yandex"];
    const SOCIAL: &[&str] = &[
        "facebook",
        "fb",
        "zalo",
        "youtube",
        "tiktok",
        "instagram",
        "twitter",
        "x",
        "t",
        "threads",
        "linkedin",
        "lm",
        "l",
    ];
    let class = if embedded {
        "embed"
    } else if SEARCH.contains(&first) {
        "search"
    } else if SOCIAL.contains(&first) {
        "social"
    } else {
        "link"
    };
    (class, bare.to_string())
}

/// The device class a browser's name says: phone, tablet or desktop.
pub fn device_class(user_agent: &str) -> &'static str {
    let ua = user_agent.to_ascii_lowercase();
    if ua.contains("ipad")
        || ua.contains("tablet")
        || (ua.contains("android") && !ua.contains("mobile"))
    {
        "tablet"
    } else if ua.contains("mobile") || ua.contains("iphone") || ua.contains("android") {
        "phone"
    } else {
        "desktop"
    }
}

/// Whether a browser's name is a robot's (crawlers, link previews, scripts,
/// headless browsers) or missing: their beacons are not counted.
pub fn is_robot(user_agent: &str) -> bool {
    const MARKS: &[&str] = &[
        "bot",
        "crawl",
        "spider",
        "slurp",
        "headless",
        "curl",
        "wget",
        "python",
        "go-http",
        "java/",
        "httpclient",
        "okhttp",
        "facebookexternalhit",
        "preview",
        "monitor",
        "lighthouse",
        "phantomjs",
        "scrapy",
        "axios",
        "node-fetch",
        "libwww",
        "zgrab",
    ];
    let ua = user_agent.to_ascii_lowercase();
    ua.trim().len() < 10 || MARKS.iter().any(|m| ua.contains(m))
}

/// The quarters of a clip of `duration_ms` a playhead at `at_ms` has passed
/// (0–4; the last second counts as the end).
pub fn quarter(at_ms: i64, duration_ms: i64) -> i64 {
    if duration_ms <= 0 {
        return 0;
    }
    if at_ms >= duration_ms - 1_000 {
        return 4;
    }
    (at_ms.max(0) * 4 / duration_ms).clamp(0, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_the_platforms_and_the_outlet() {
        assert!(is_target("outlet") && is_target("tiktok"));
        assert!(!is_target("myspace") && !is_target(""));
        assert_eq!(target_codes().last(), Some(OUTLET));
        assert_eq!(label("outlet"), "Trang riêng");
        assert_eq!(label("zalo"), "Zalo OA");
    }

    #[test]
    fn tokens_are_short_words_of_one_alphabet() {
        let t = token_from_hex("00ff10aa3c4d5e6f708192a3b4c5d6e7");
        assert!(is_token(&t), "{t}");
        assert!(!is_token("ABCDEFGHIJKL") && !is_token("abc") && !is_token("../etc/passw"));
    }

    #[test]
    fn base_urls_and_origins_are_checked() {
        assert_eq!(
            parse_base_url(" https://video.baotinh.vn/ ").unwrap(),
            "https://video.baotinh.vn"
        );
        assert_eq!(parse_base_url("").unwrap(), "");
        assert!(parse_base_url("javascript:alert(1)").is_err());
        assert!(parse_base_url("https://a.vn/x?y=1").is_err());
        assert_eq!(
            parse_origins("https://baotinh.vn\nhttp://localhost:8081, https://BAOTINH.vn/")
                .unwrap(),
            vec!["https://baotinh.vn", "http://localhost:8081"]
        );
        for bad in [
            "baotinh.vn",
            "https://baotinh.vn/path",
            "https://a.vn:99999",
            "https://*.vn",
            "https://a.vn 'unsafe-inline'",
        ] {
            assert!(parse_origins(bad).is_err(), "{bad}");
        }
        assert_eq!(
            frame_ancestors(&["https://baotinh.vn".into()]),
            "frame-ancestors 'self' https://baotinh.vn"
        );
    }

    #[test]
    fn beacons_are_strict() {
        let t = "abcdefghjkmn";
        assert_eq!(
            parse_beacon(format!(r#"{{"k":"time","t":"{t}","w":90000,"p":5}}"#).as_bytes()),
            None
        );
        assert_eq!(
            parse_beacon(format!(r#"{{"k":"time","t":"{t}","w":40000,"p":5}}"#).as_bytes()),
            Some(Beacon::Time {
                token: t.into(),
                watched_ms: MAX_WATCH_PER_BEACON_MS,
                at_ms: 5
            })
        );
        assert!(
            parse_beacon(format!(r#"{{"k":"play","t":"{t}","r":"","e":true}}"#).as_bytes())
                .is_some()
        );
        assert!(parse_beacon(format!(r#"{{"k":"play","t":"{t}","x":1}}"#).as_bytes()).is_none());
        assert!(parse_beacon(br#"{"k":"play","t":"1 OR 1=1"}"#).is_none());
        assert!(parse_beacon(&vec![b' '; 2000]).is_none());
        assert!(parse_beacon(b"not json").is_none());
    }

    #[test]
    fn referrers_devices_robots_and_quarters() {
        let own = ["video.baotinh.vn"];
        assert_eq!(
            classify_referrer("", false, &own),
            ("direct", String::new())
        );
        assert_eq!(
            classify_referrer("https://video.baotinh.vn/x", true, &own).0,
            "direct"
        );
        assert_eq!(
            classify_referrer("https://www.google.com/", false, &own),
            ("search", "google.com".into())
        );
        assert_eq!(
            classify_referrer("https://m.facebook.com/story", false, &own).0,
            "social"
        );
        assert_eq!(
            classify_referrer("https://baotinh.vn/tin-tuc", false, &own),
            ("link", "baotinh.vn".into())
        );
        assert_eq!(
            classify_referrer("https://baotinh.vn/tin-tuc", true, &own),
            ("embed", "baotinh.vn".into())
        );
        assert_eq!(
            device_class("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148"),
            "phone"
        );
        assert_eq!(
            device_class("Mozilla/5.0 (Linux; Android 13; SM-X200) Safari"),
            "tablet"
        );
        assert_eq!(
            device_class("Mozilla/5.0 (X11; Linux x86_64) Chrome/120"),
            "desktop"
        );
        assert!(is_robot("Googlebot/2.1") && is_robot("curl/8.0") && is_robot(""));
        assert!(is_robot("Mozilla/5.0 HeadlessChrome/120"));
        assert!(!is_robot("Mozilla/5.0 (X11; Linux x86_64) Chrome/120"));
        assert_eq!(quarter(5_000, 10_000), 2);
        assert_eq!(quarter(9_500, 10_000), 4);
        assert_eq!(quarter(0, 0), 0);
    }
}
