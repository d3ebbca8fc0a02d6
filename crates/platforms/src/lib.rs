//! Connectors to the platforms' real APIs (one module per platform), and the
//! classification of their errors. Every base URL is configurable, so the same
//! code talks to the platform or to `lantoa mock-platforms` on loopback.

pub mod connector;
pub mod facebook;
pub mod oauth;
pub mod stt;
pub mod text;
pub mod tiktok;
pub mod youtube;
pub mod zalo;

use std::time::Duration;

/// `N` bytes from the operating system's random source (PKCE verifiers,
/// multipart boundaries).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random source failed");
    b
}

/// The platforms Lantoa publishes to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Facebook,
    YouTube,
    TikTok,
    Zalo,
}

impl Platform {
    pub const ALL: [Platform; 4] = [
        Platform::Facebook,
        Platform::YouTube,
        Platform::TikTok,
        Platform::Zalo,
    ];

    /// Whether its connector sends a chosen cover with the post: TikTok's
    /// `video_cover_timestamp_ms`, Zalo's article thumbnail. Facebook's
    /// thumbnails edge needs Page permissions Lantoa does not ask for
    /// (`pages_manage_engagement`, `pages_read_user_content`), and YouTube's
    /// `thumbnails.set` a verified channel; on both the platform picks.
    pub fn takes_cover(self) -> bool {
        matches!(self, Platform::TikTok | Platform::Zalo)
    }

    /// Its entry in the media specs (`platform-specs.toml`): the short-video
    /// product Lantoa posts to.
    pub fn spec_id(self) -> &'static str {
        match self {
            Platform::Facebook => "facebook_reels",
            Platform::YouTube => "youtube_shorts",
            Platform::TikTok => "tiktok",
            Platform::Zalo => "zalo_oa",
        }
    }

    /// The name stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Facebook => "facebook",
            Platform::YouTube => "youtube",
            Platform::TikTok => "tiktok",
            Platform::Zalo => "zalo",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The name people know it by.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Facebook => "Facebook",
            Platform::YouTube => "YouTube",
            Platform::TikTok => "TikTok",
            Platform::Zalo => "Zalo OA",
        }
    }

    /// Whether its API can remove a post (TikTok's cannot: a person does it).
    pub fn can_delete(self) -> bool {
        !matches!(self, Platform::TikTok)
    }
}

/// Which API a channel was connected through, and so the only one its
/// calls may go to: a sandbox channel's tokens mean nothing to the real
/// platform, and a real channel's tokens must never reach a sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// The platform's own API.
    Platform,
    /// The mock platforms (`lantoa mock-platforms`, the demo's sandbox).
    Sandbox,
}

impl Endpoint {
    /// The name stored on the channel.
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Platform => "platform",
            Endpoint::Sandbox => "sandbox",
        }
    }

    pub fn parse(s: &str) -> Option<Endpoint> {
        [Endpoint::Platform, Endpoint::Sandbox]
            .into_iter()
            .find(|e| e.as_str() == s)
    }
}

/// What to do about a failed platform call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Try again later (network, 5xx, rate limits), after `after` when given.
    Retry { after: Option<Duration> },
    /// The channel's authorisation is dead or insufficient: reconnect it.
    Reconnect,
    /// The platform refused this content (metadata, format, duplicate): fix it.
    FixContent,
    /// Nothing will help (quota for the day, policy, unknown permanent errors).
    Permanent,
}

/// A failed platform call, with the platform's own words kept for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformError {
    pub class: ErrorClass,
    pub status: Option<u16>,
    /// The platform's machine-readable reason (e.g. `quotaExceeded`, `190`).
    pub code: String,
    /// The platform's message.
    pub message: String,
}

impl std::fmt::Display for PlatformError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(s) => write!(f, "{} ({} {})", self.message, s, self.code),
            None => write!(f, "{} ({})", self.message, self.code),
        }
    }
}

/// The HTTP client every connector uses (uploads may take minutes): one per
/// process, shared (a clone shares its connection pool). Building one loads
/// and parses the system's root certificates, which cost more CPU than the
/// rest of a publish job when each job built four.
pub(crate) fn client() -> reqwest::Client {
    static CLIENT: std::sync::LazyLock<reqwest::Client> = std::sync::LazyLock::new(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()
            .unwrap_or_default()
    });
    CLIENT.clone()
}

/// A counter from a platform's JSON: a number (TikTok, Facebook, Zalo) or a
/// number written as a string (YouTube); anything else, negative or
/// fractional is absent, never zero.
pub fn count(v: &serde_json::Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// Logs a warning the first time a `key` is seen in this process, so a
/// condition met on every fetch (a scope not granted, a metric withdrawn)
/// is said once rather than at every call.
pub(crate) fn warn_once(key: &str, message: &str) {
    static SEEN: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        std::sync::LazyLock::new(Default::default);
    let first = SEEN
        .lock()
        .map(|mut s| s.insert(key.to_string()))
        .unwrap_or(true);
    if first {
        tracing::warn!(key, "{message}");
    }
}

impl PlatformError {
    /// Reading the local file failed: worth another try.
    pub fn io(e: std::io::Error) -> PlatformError {
        PlatformError {
            class: ErrorClass::Retry { after: None },
            status: None,
            code: "io".into(),
            message: e.to_string(),
        }
    }

    /// A transport failure (connection refused or dropped, timeout): retry.
    pub fn network(e: &reqwest::Error) -> PlatformError {
        PlatformError {
            class: ErrorClass::Retry { after: None },
            status: None,
            code: "network".into(),
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counters_are_read_as_numbers_or_strings_and_nothing_else() {
        assert_eq!(count(&json!(1234)), Some(1234));
        assert_eq!(
            count(&json!(9_007_199_254_740_993u64)),
            Some(9_007_199_254_740_993)
        );
        assert_eq!(count(&json!("1234")), Some(1234));
        assert_eq!(count(&json!(" 56 ")), Some(56));
        assert_eq!(count(&json!(0)), Some(0));
        for absent in [json!(null), json!(-3), json!(1.5), json!("x"), json!({})] {
            assert_eq!(count(&absent), None, "{absent}");
        }
    }
}
