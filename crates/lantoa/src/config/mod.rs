//! Settings: defaults that need nothing, overridden by a TOML file (`--config`),
//! then by `LANTOA_*` environment variables. A wrong setting stops start-up with
//! one sentence naming it and its variable.
//!
//! Each setting is declared once, in the [`settings!`] tables below: its name
//! in the file, its variable, its type, its default and an example. The
//! struct field, the file key, the variable, the default and the line of
//! `lantoa config show` all come from that one line, so they cannot drift
//! apart (they did: `config show` once left out eleven settings). Defaults,
//! file values and variables are read by the same parser of the setting's
//! type ([`SettingValue`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::platforms::{Endpoint, Platform};

/// A setting that cannot be used, described in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The time zone of agencies that name none (Vietnam, UTC+7).
pub const DEFAULT_TIME_ZONE: &str = "Asia/Ho_Chi_Minh";

/// One declared setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Its name in the file; `platforms.` names live in the `[platforms]` table.
    pub name: &'static str,
    /// The environment variable that overrides it.
    pub var: &'static str,
    /// A valid value other than the default (documentation and tests).
    pub example: &'static str,
    /// How `config show` and error messages write a value (secrets masked).
    pub shown: fn(&str) -> String,
}

impl Setting {
    /// Its key inside its table.
    fn key(&self) -> &'static str {
        self.name.rsplit('.').next().unwrap_or(self.name)
    }

    fn bad(&self, why: &str, value: &str) -> ConfigError {
        ConfigError(format!(
            "The setting `{}` ({}) {why}: got \"{}\".",
            self.name,
            self.var,
            (self.shown)(value)
        ))
    }
}

mod value;
pub use value::{HttpUrl, LogFormat, SettingValue, StorageUrl};

// ---- Declaration ---------------------------------------------------------------------

/// Declares a table of settings: each line is a field of the struct, a key
/// of the file's table, a variable and a line of `config show`.
///
/// `name: Type = "LANTOA_VAR", default <text>, example "<text>"
///  [, check <fn(&Type) -> Result<(), String>>] [, show <fn(&str) -> String>];`
///
/// A default is text, read like a file value; its expression may use the
/// settings declared above it. A last `[name: Type, "doc"]` nests a table.
macro_rules! settings {
    (
        $(#[$meta:meta])*
        pub struct $Struct:ident in $table:literal {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $var:literal, default $default:expr, example $example:literal
                    $(, check $check:expr)? $(, show $show:path)? ;
            )*
            $( [$nfield:ident : $NTy:ty, $ndoc:literal] )?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $Struct {
            $( $(#[doc = $doc])* pub $field: $ty, )*
            $( #[doc = $ndoc] pub $nfield: $NTy, )?
        }

        impl $Struct {
            /// This table's settings, as declared.
            const OWN: &'static [Setting] = &[$(
                Setting {
                    name: concat!($table, stringify!($field)),
                    var: $var,
                    example: $example,
                    shown: settings!(@shown $($show)?),
                },
            )*];

            /// Every setting of this table and the tables in it.
            pub fn settings() -> Vec<Setting> {
                #[allow(unused_mut)]
                let mut all = Self::OWN.to_vec();
                $( all.extend(<$NTy>::settings()); )?
                all
            }

            /// Every setting's effective value, written as it would be set
            /// (secrets in clear: see [`Config::show`] for the masked form).
            pub fn values(&self) -> Vec<(Setting, String)> {
                #[allow(unused_mut)]
                let mut all: Vec<(Setting, String)> = Self::OWN
                    .iter()
                    .copied()
                    .zip([$( SettingValue::text(&self.$field), )*])
                    .collect();
                $( all.extend(self.$nfield.values()); )?
                all
            }

            /// The base URLs among this table's settings.
            #[allow(dead_code)]
            fn base_urls_mut(&mut self) -> Vec<&mut HttpUrl> {
                let mut all = Vec::new();
                $( all.extend(SettingValue::as_base_url_mut(&mut self.$field)); )*
                all
            }

            fn from_source(src: &Source) -> Result<Self, ConfigError> {
                src.refuse_unknown(Self::OWN, &[$( stringify!($nfield) )?])?;
                let mut own = Self::OWN.iter();
                $(
                    let $field: $ty = {
                        let s = own.next().expect("one declared setting per field");
                        let v: $ty = src.read(s, &($default).to_string())?;
                        $( src.check(s, &v, $check)?; )?
                        v
                    };
                )*
                Ok($Struct {
                    $( $field, )*
                    $( $nfield: <$NTy>::from_source(&src.table(stringify!($nfield))?)?, )?
                })
            }
        }
    };
    (@shown) => { plain };
    (@shown $show:path) => { $show };
}

settings! {
    /// The effective settings of this process.
    pub struct Config in "" {
        listen: SocketAddr = "LANTOA_LISTEN", default "127.0.0.1:8080", example "0.0.0.0:9000";
        data_dir: PathBuf = "LANTOA_DATA_DIR", default "./lantoa-data", example "/var/lib/lantoa";
        /// `sqlite:…`, `postgres://…` or `postgresql://…`.
        database_url: String = "LANTOA_DATABASE_URL",
            default crate::db::sqlite_url_for(&data_dir),
            example "postgres://lantoa:hunter2@db:5432/lantoa",
            check rules::database_url, show mask_url;
        storage_url: StorageUrl = "LANTOA_STORAGE_URL",
            default data_dir.join("media").display(), example "s3://lantoa-media/prod";
        time_zone: String = "LANTOA_TIME_ZONE", default DEFAULT_TIME_ZONE, example "UTC",
            check rules::known_time_zone;
        /// The address users reach Lantoa at; `https://…` makes cookies `Secure`.
        public_url: Option<HttpUrl> = "LANTOA_PUBLIC_URL", default "",
            example "https://lantoa.example.org";
        log_format: LogFormat = "LANTOA_LOG_FORMAT", default "human", example "json";
        log_level: String = "LANTOA_LOG", default "info", example "debug", check rules::log_filter;
        /// Hex keys supplied by configuration (else generated in the data folder).
        session_key: Option<[u8; 32]> = "LANTOA_SESSION_KEY", default "",
            example "abababababababababababababababababababababababababababababababab",
            show key_shown;
        encryption_key: Option<[u8; 32]> = "LANTOA_ENCRYPTION_KEY", default "",
            example "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
            show key_shown;
        session_idle_minutes: i64 = "LANTOA_SESSION_IDLE_MINUTES", default "480", example "60",
            check rules::between(5, 60 * 24 * 30);
        login_max_failures_per_account: i64 = "LANTOA_LOGIN_MAX_FAILURES_PER_ACCOUNT",
            default "5", example "8", check rules::between(1, 1000);
        login_max_failures_per_address: i64 = "LANTOA_LOGIN_MAX_FAILURES_PER_ADDRESS",
            default "30", example "100", check rules::between(1, 100_000);
        login_window_minutes: i64 = "LANTOA_LOGIN_WINDOW_MINUTES", default "15", example "30",
            check rules::between(1, 24 * 60);
        /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
        trust_proxy: bool = "LANTOA_TRUST_PROXY", default "false", example "true";
        /// Jobs one process runs at once.
        worker_slots: i64 = "LANTOA_WORKER_SLOTS", default "2", example "4", check rules::between(1, 64);
        /// How long a job's lease lasts without a heartbeat before another worker takes it
        /// (heartbeats come every third of it; a restarted worker takes its own jobs back at once).
        job_lease_seconds: i64 = "LANTOA_JOB_LEASE_SECONDS", default "12", example "30",
            check rules::between(1, 3600);
        /// How long running jobs may take to finish after SIGTERM before they are handed back.
        shutdown_grace_seconds: i64 = "LANTOA_SHUTDOWN_GRACE_SECONDS", default "25",
            example "40", check rules::between(0, 3600);
        /// Whether `lantoa serve` runs the background workers too (false: web only,
        /// with `lantoa worker` processes running the jobs).
        serve_workers: bool = "LANTOA_SERVE_WORKERS", default "true", example "false";
        /// S3-compatible object storage (MinIO, Ceph RGW, SeaweedFS, AWS…), used
        /// when `storage_url` is `s3://…`.
        s3_endpoint: Option<HttpUrl> = "LANTOA_S3_ENDPOINT", default "",
            example "http://127.0.0.1:9000";
        s3_region: String = "LANTOA_S3_REGION", default "us-east-1", example "ap-southeast-1";
        s3_access_key_id: Option<String> = "LANTOA_S3_ACCESS_KEY_ID", default "",
            example "lantoa";
        s3_secret_access_key: Option<String> = "LANTOA_S3_SECRET_ACCESS_KEY", default "",
            example "s3cr3t-value", show masked;
        /// Path-style requests (`endpoint/bucket/key`), as most self-hosted servers want.
        s3_path_style: bool = "LANTOA_S3_PATH_STYLE", default "true", example "false";
        /// Largest upload accepted, in bytes.
        max_upload_bytes: i64 = "LANTOA_MAX_UPLOAD_BYTES", default (4i64 << 30),
            example "1073741824", check rules::between(1024, 1 << 40);
        /// Unfinished uploads one user may have open at once.
        max_open_uploads_per_user: i64 = "LANTOA_MAX_OPEN_UPLOADS_PER_USER", default "10",
            example "3", check rules::between(1, 1000);
        /// Hours an unfinished upload is kept before it expires.
        upload_expiry_hours: i64 = "LANTOA_UPLOAD_EXPIRY_HOURS", default "72", example "24",
            check rules::between(1, 24 * 365);
        /// Requests one address may make a minute to the agencies' public outlets
        /// (pages, media ranges and viewing beacons each count one).
        outlet_requests_per_minute: i64 = "LANTOA_OUTLET_REQUESTS_PER_MINUTE", default "600",
            example "3000", check rules::between(10, 10_000_000);
        /// Days raw metric snapshots are kept (the daily rollups are kept for good).
        metrics_retention_days: i64 = "LANTOA_METRICS_RETENTION_DAYS", default "400",
            example "90", check rules::between(7, 3650);
        /// ffmpeg processes one Lantoa process runs at once (media work is CPU-bound).
        max_ffmpeg_processes: i64 = "LANTOA_MAX_FFMPEG_PROCESSES", default "1", example "2",
            check rules::between(1, 64);
        /// Make a loudness-corrected copy (−14 LUFS, −1 dBTP; video copied) when a
        /// clip is off target.
        normalize_loudness: bool = "LANTOA_NORMALIZE_LOUDNESS", default "false", example "true";
        /// A speech-to-text server the operator runs, speaking the common
        /// `POST /v1/audio/transcriptions` form (whisper.cpp's server,
        /// faster-whisper-server); empty: subtitles are written by hand only.
        stt_url: Option<HttpUrl> = "LANTOA_STT_URL", default "",
            example "http://127.0.0.1:8000";
        /// The model the speech-to-text server is asked for (a Vietnamese one, e.g. PhoWhisper).
        stt_model: String = "LANTOA_STT_MODEL", default "whisper-1",
            example "vinai/PhoWhisper-small";
        /// A bearer key for the speech-to-text server, if it wants one.
        stt_api_key: Option<String> = "LANTOA_STT_API_KEY", default "",
            example "sk-local-example", show masked;
        /// Where libass looks for the fonts subtitles are burned in with
        /// (empty: the system's fonts, found through fontconfig).
        subtitle_fonts_dir: Option<PathBuf> = "LANTOA_SUBTITLE_FONTS_DIR", default "",
            example "/usr/share/fonts/truetype/noto";
        /// Reports printed to PDF at once by one Lantoa process (each runs a
        /// headless Chromium of a few hundred MB); more are told to retry.
        pdf_printers: i64 = "LANTOA_PDF_PRINTERS", default "1", example "2",
            check rules::between(1, 16);
        /// PDF reports one user may have printing at once.
        pdf_prints_per_user: i64 = "LANTOA_PDF_PRINTS_PER_USER", default "1", example "2",
            check rules::between(1, 16);
        /// How long one PDF print may take before its browser is killed.
        pdf_timeout_seconds: i64 = "LANTOA_PDF_TIMEOUT_SECONDS", default "60", example "120",
            check rules::between(1, 600);
        /// The browser that prints PDF reports (a name on PATH or a path); absent:
        /// the first of chromium, chromium-browser, google-chrome found on PATH.
        pdf_browser: Option<String> = "LANTOA_PDF_BROWSER", default "",
            example "/usr/bin/chromium";
        /// Optional e-mail of notifications through an SMTP relay (`smtp://host:port`,
        /// no authentication: a local MTA relays onwards). Off when absent.
        smtp_url: Option<String> = "LANTOA_SMTP_URL", default "", example "smtp://127.0.0.1:25",
            check rules::smtp_relay;
        /// The sender address of notification e-mails.
        smtp_from: String = "LANTOA_SMTP_FROM", default "lantoa@localhost",
            example "desk@baotinh.example", check rules::email;
        /// The push services browsers may subscribe with (Web Push): hosts,
        /// `*.` for any subdomain, `http://host` to allow plain HTTP to it.
        /// No other address is ever sent to.
        push_hosts: Vec<String> = "LANTOA_PUSH_HOSTS", default PUSH_HOSTS,
            example "fcm.googleapis.com,push.example.org";
        /// Hours within which the coordinating body must acknowledge an
        /// incident, per severity; later ones are shown overdue.
        incident_response_hours: String = "LANTOA_INCIDENT_RESPONSE_HOURS",
            default "critical=2,high=8,medium=24,low=72", example "critical=1,high=4,medium=24,low=72",
            check rules::response_hours;
        [platforms: Platforms, "Platform apps, base URLs and pacing (`[platforms]` in the file)."]
    }
}

/// The push services of Chrome and Edge, Firefox, Safari and Windows.
const PUSH_HOSTS: &str = "fcm.googleapis.com,updates.push.services.mozilla.com,\
web.push.apple.com,*.push.apple.com,*.notify.windows.com";

/// The reel insights asked for by default: plays, average and total watch
/// time, reactions, comments and shares, follows, and reach under its
/// current name (`post_impressions_unique` was withdrawn for it).
const FACEBOOK_REEL_METRICS: &str = "blue_reels_play_count,post_video_avg_time_watched,\
post_video_view_time,post_video_likes_by_reaction_type,post_video_social_actions,\
post_video_followers,post_total_media_view_unique";

settings! {
    /// Platform apps, base URLs and pacing. With `sandbox_url` set, every URL
    /// without its own value points at it (the mock platforms of `lantoa
    /// mock-platforms`).
    pub struct Platforms in "platforms." {
        sandbox_url: Option<HttpUrl> = "LANTOA_SANDBOX_URL", default "",
            example "http://127.0.0.1:9100";
        youtube_client_id: String = "LANTOA_YOUTUBE_CLIENT_ID", default "",
            example "1234-abc.apps.googleusercontent.com";
        youtube_client_secret: String = "LANTOA_YOUTUBE_CLIENT_SECRET", default "",
            example "GOCSPX-example", show masked;
        youtube_auth_url: HttpUrl = "LANTOA_YOUTUBE_AUTH_URL",
            default sandbox_or(&sandbox_url, "https://accounts.google.com"),
            example "https://accounts.example.org";
        youtube_token_url: HttpUrl = "LANTOA_YOUTUBE_TOKEN_URL",
            default sandbox_or(&sandbox_url, "https://oauth2.googleapis.com"),
            example "https://oauth2.example.org";
        youtube_api_url: HttpUrl = "LANTOA_YOUTUBE_API_URL",
            default sandbox_or(&sandbox_url, "https://www.googleapis.com"),
            example "https://youtube.example.org";
        youtube_analytics_url: HttpUrl = "LANTOA_YOUTUBE_ANALYTICS_URL",
            default sandbox_or(&sandbox_url, "https://youtubeanalytics.googleapis.com"),
            example "https://analytics.example.org";
        facebook_app_id: String = "LANTOA_FACEBOOK_APP_ID", default "", example "1234567890";
        facebook_app_secret: String = "LANTOA_FACEBOOK_APP_SECRET", default "",
            example "fb-secret-example", show masked;
        facebook_auth_url: HttpUrl = "LANTOA_FACEBOOK_AUTH_URL",
            default sandbox_or(&sandbox_url, "https://www.facebook.com"),
            example "https://facebook.example.org";
        facebook_graph_url: HttpUrl = "LANTOA_FACEBOOK_GRAPH_URL",
            default sandbox_or(&sandbox_url, "https://graph.facebook.com"),
            example "https://graph.example.org";
        facebook_rupload_url: HttpUrl = "LANTOA_FACEBOOK_RUPLOAD_URL",
            default sandbox_or(&sandbox_url, "https://rupload.facebook.com"),
            example "https://rupload.example.org";
        facebook_graph_version: String = "LANTOA_FACEBOOK_GRAPH_VERSION", default "v25.0",
            example "v26.0", check rules::graph_version;
        facebook_reel_metrics: Vec<String> = "LANTOA_FACEBOOK_REEL_METRICS",
            default FACEBOOK_REEL_METRICS,
            example "blue_reels_play_count,post_video_followers", check rules::metric_names;
        tiktok_client_key: String = "LANTOA_TIKTOK_CLIENT_KEY", default "",
            example "awexample";
        tiktok_client_secret: String = "LANTOA_TIKTOK_CLIENT_SECRET", default "",
            example "tt-secret-example", show masked;
        tiktok_auth_url: HttpUrl = "LANTOA_TIKTOK_AUTH_URL",
            default sandbox_or(&sandbox_url, "https://www.tiktok.com"),
            example "https://tiktok.example.org";
        tiktok_api_url: HttpUrl = "LANTOA_TIKTOK_API_URL",
            default sandbox_or(&sandbox_url, "https://open.tiktokapis.com"),
            example "https://tiktok-api.example.org";
        zalo_app_id: String = "LANTOA_ZALO_APP_ID", default "", example "4321";
        zalo_app_secret: String = "LANTOA_ZALO_APP_SECRET", default "",
            example "zalo-secret-example", show masked;
        zalo_auth_url: HttpUrl = "LANTOA_ZALO_AUTH_URL",
            default sandbox_or(&sandbox_url, "https://oauth.zaloapp.com"),
            example "https://zalo-oauth.example.org";
        zalo_api_url: HttpUrl = "LANTOA_ZALO_API_URL",
            default sandbox_or(&sandbox_url, "https://openapi.zalo.me"),
            example "https://zalo-api.example.org";
        tiktok_inits_per_minute: i64 = "LANTOA_TIKTOK_INITS_PER_MINUTE", default "6",
            example "3", check rules::between(1, 1_000_000_000);
        /// TikTok status polls per minute per access token (TikTok's limit).
        tiktok_status_per_minute: i64 = "LANTOA_TIKTOK_STATUS_PER_MINUTE", default "30",
            example "20", check rules::between(1, 1_000_000_000);
        facebook_reels_per_day: i64 = "LANTOA_FACEBOOK_REELS_PER_DAY", default "30",
            example "10", check rules::between(1, 1_000_000_000);
        youtube_uploads_per_day: i64 = "LANTOA_YOUTUBE_UPLOADS_PER_DAY", default "6",
            example "50", check rules::between(1, 1_000_000_000);
        /// How often a platform's processing is polled, in milliseconds.
        publish_poll_ms: i64 = "LANTOA_PUBLISH_POLL_MS", default "3000", example "500",
            check rules::between(1, 1_000_000_000);
    }
}

// ---- Checks and how values show ---------------------------------------------------------

fn plain(v: &str) -> String {
    v.to_string()
}

fn masked(v: &str) -> String {
    if v.is_empty() {
        String::new()
    } else {
        "********".into()
    }
}

fn key_shown(v: &str) -> String {
    if v.is_empty() {
        "******** (generated, in <data_dir>/secrets.toml)".into()
    } else {
        "******** (from configuration)".into()
    }
}

/// Hides the password in a database URL.
pub fn mask_url(u: &str) -> String {
    if let Some((scheme, rest)) = u.split_once("://")
        && let Some((creds, host)) = rest.rsplit_once('@')
    {
        let user = creds.split(':').next().unwrap_or("");
        if creds.contains(':') {
            return format!("{scheme}://{user}:********@{host}");
        }
    }
    u.to_string()
}

/// What a setting's value must be, beyond its type.
// Each check takes the setting's own type (`&String`, `&Vec<String>`).
#[allow(clippy::ptr_arg)]
mod rules {
    pub fn between(min: i64, max: i64) -> impl Fn(&i64) -> Result<(), String> {
        move |v| {
            if (min..=max).contains(v) {
                Ok(())
            } else {
                Err(format!("must be between {min} and {max}"))
            }
        }
    }

    pub fn database_url(u: &String) -> Result<(), String> {
        if ["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|p| u.starts_with(p))
        {
            Ok(())
        } else {
            Err("must start with sqlite:, postgres:// or postgresql://".into())
        }
    }

    pub fn known_time_zone(tz: &String) -> Result<(), String> {
        jiff::tz::TimeZone::get(tz)
            .map(|_| ())
            .map_err(|_| "is not a known IANA time zone".into())
    }

    pub fn log_filter(f: &String) -> Result<(), String> {
        tracing_subscriber::EnvFilter::try_new(f)
            .map(|_| ())
            .map_err(|_| "is not a valid log filter (e.g. info, debug)".into())
    }

    pub fn smtp_relay(u: &Option<String>) -> Result<(), String> {
        let Some(u) = u else { return Ok(()) };
        let hostport = u.strip_prefix("smtp://").unwrap_or("");
        let ok = hostport
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.is_empty() && !h.contains('@') && p.parse::<u16>().is_ok());
        if ok {
            Ok(())
        } else {
            Err("must be smtp://host:port (a relay without authentication)".into())
        }
    }

    pub fn response_hours(s: &String) -> Result<(), String> {
        crate::domain::incident::ResponseHours::parse(s).map(|_| ())
    }

    pub fn email(a: &String) -> Result<(), String> {
        if a.contains('@') && !a.contains(['<', '>', '\r', '\n', ' ']) {
            Ok(())
        } else {
            Err("must be an e-mail address".into())
        }
    }

    pub fn graph_version(v: &String) -> Result<(), String> {
        let ok = v
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'));
        if ok {
            Ok(())
        } else {
            Err("must be a Graph API version such as v25.0".into())
        }
    }

    pub fn metric_names(m: &Vec<String>) -> Result<(), String> {
        let ok = m.iter().all(|m| {
            m.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
        if ok {
            Ok(())
        } else {
            Err("must be metric names separated by commas".into())
        }
    }
}

/// A platform URL's default: the sandbox when there is one, else the platform.
fn sandbox_or(sandbox: &Option<HttpUrl>, real: &str) -> String {
    sandbox
        .as_ref()
        .map_or_else(|| real.to_string(), HttpUrl::text)
}

// ---- Reading -----------------------------------------------------------------------------

/// One table of the file, and the environment.
struct Source<'a> {
    file: Option<&'a Path>,
    table: toml::Table,
    env: &'a BTreeMap<String, String>,
}

impl Source<'_> {
    /// Environment over file over default; empty variables count as unset.
    fn read<T: SettingValue>(&self, s: &Setting, default: &str) -> Result<T, ConfigError> {
        let text = match self.env.get(s.var).filter(|v| !v.trim().is_empty()) {
            Some(v) => v.clone(),
            None => match self.table.get(s.key()) {
                Some(v) => toml_text(v).map_err(|why| s.bad(why, &v.to_string()))?,
                None => default.to_string(),
            },
        };
        T::parse(text.trim()).map_err(|why| s.bad(&why, text.trim()))
    }

    fn check<T: SettingValue>(
        &self,
        s: &Setting,
        v: &T,
        f: impl Fn(&T) -> Result<(), String>,
    ) -> Result<(), ConfigError> {
        f(v).map_err(|why| s.bad(&why, &v.text()))
    }

    /// A key of the file that no setting declares is a mistake (a typo would
    /// otherwise be silently ignored).
    fn refuse_unknown(&self, own: &[Setting], tables: &[&str]) -> Result<(), ConfigError> {
        let unknown = self
            .table
            .keys()
            .find(|k| !own.iter().any(|s| s.key() == k.as_str()) && !tables.contains(&k.as_str()));
        match unknown {
            None => Ok(()),
            Some(k) => {
                let prefix = own
                    .first()
                    .and_then(|s| s.name.strip_suffix(s.key()))
                    .unwrap_or("");
                Err(ConfigError(format!(
                    "The setting `{prefix}{k}` in the config file {} is not known.",
                    self.file.map_or(String::new(), |p| p.display().to_string())
                )))
            }
        }
    }

    /// A table inside this one (`[platforms]`), empty when absent.
    fn table(&self, name: &str) -> Result<Source<'_>, ConfigError> {
        let table = match self.table.get(name) {
            None => toml::Table::new(),
            Some(toml::Value::Table(t)) => t.clone(),
            Some(_) => {
                return Err(ConfigError(format!(
                    "The setting `{name}` in the config file must be a table ([{name}])."
                )));
            }
        };
        Ok(Source {
            file: self.file,
            table,
            env: self.env,
        })
    }
}

/// A file value as the text a variable would hold: a list reads as `a,b`.
fn toml_text(v: &toml::Value) -> Result<String, &'static str> {
    let scalar = |v: &toml::Value| match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
            Ok(v.to_string())
        }
        toml::Value::Datetime(d) => Ok(d.to_string()),
        _ => Err("must be a value, not a table or a nested list"),
    };
    match v {
        toml::Value::Array(items) => Ok(items
            .iter()
            .map(scalar)
            .collect::<Result<Vec<_>, _>>()?
            .join(",")),
        other => scalar(other),
    }
}

impl Config {
    /// The incident response targets (checked when the settings were read).
    pub fn response_hours(&self) -> crate::domain::incident::ResponseHours {
        crate::domain::incident::ResponseHours::parse(&self.incident_response_hours)
            .expect("checked when the settings were loaded")
    }

    /// Loads settings from the optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let env: BTreeMap<String, String> = std::env::vars().collect();
        Config::from_sources(file, &env)
    }

    /// Loads settings from the optional file and the given environment (testable).
    pub fn from_sources(
        file: Option<&Path>,
        env: &BTreeMap<String, String>,
    ) -> Result<Config, ConfigError> {
        let table = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    ConfigError(format!(
                        "The config file {} cannot be read: {e}.",
                        p.display()
                    ))
                })?;
                toml::from_str::<toml::Table>(&text).map_err(|e| {
                    ConfigError(format!(
                        "The config file {} is not valid: {}.",
                        p.display(),
                        e.message().trim_end_matches('.')
                    ))
                })?
            }
            None => toml::Table::new(),
        };
        let c = Config::from_source(&Source { file, table, env })?;
        if c.s3_endpoint.is_some()
            && (c.s3_access_key_id.is_none() || c.s3_secret_access_key.is_none())
        {
            return Err(ConfigError(
                "The setting `s3_endpoint` (LANTOA_S3_ENDPOINT) needs `s3_access_key_id` and `s3_secret_access_key` (LANTOA_S3_ACCESS_KEY_ID, LANTOA_S3_SECRET_ACCESS_KEY).".into(),
            ));
        }
        Ok(c)
    }

    /// The address people and platforms reach this install at, without a
    /// trailing `/`: the public URL, else the address it listens on.
    pub fn public_base(&self) -> String {
        self.public_url
            .as_deref()
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }

    /// Whether session cookies get the `Secure` attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// Every setting as a `name = value  # VARIABLE` line, secrets masked.
    pub fn show(&self) -> String {
        self.values()
            .into_iter()
            .map(|(s, v)| format!("{:<32} = {:<50}  # {}\n", s.name, (s.shown)(&v), s.var))
            .collect()
    }
}

impl Default for Platforms {
    /// The declared defaults: the real platforms, no apps.
    fn default() -> Platforms {
        let env = BTreeMap::new();
        let src = Source {
            file: None,
            table: toml::Table::new(),
            env: &env,
        };
        Platforms::from_source(&src).expect("the declared defaults are valid")
    }
}

impl Platforms {
    /// The four connectors, pointed where these settings say.
    pub fn connectors(&self) -> crate::platforms::connector::Connectors {
        crate::platforms::connector::Connectors::new(&crate::platforms::connector::Endpoints {
            youtube_api_url: self.youtube_api_url.as_str(),
            youtube_analytics_url: self.youtube_analytics_url.as_str(),
            facebook_graph_url: self.facebook_graph_url.as_str(),
            facebook_rupload_url: self.facebook_rupload_url.as_str(),
            facebook_graph_version: &self.facebook_graph_version,
            facebook_reel_metrics: &self.facebook_reel_metrics,
            tiktok_api_url: self.tiktok_api_url.as_str(),
            tiktok_status_per_minute: self.tiktok_status_per_minute as usize,
            zalo_api_url: self.zalo_api_url.as_str(),
            poll: std::time::Duration::from_millis(self.publish_poll_ms.max(1) as u64),
        })
    }

    /// A platform's app credentials (client id, secret) as set.
    pub fn credentials(&self, p: Platform) -> (&str, &str) {
        match p {
            Platform::YouTube => (&self.youtube_client_id, &self.youtube_client_secret),
            Platform::Facebook => (&self.facebook_app_id, &self.facebook_app_secret),
            Platform::TikTok => (&self.tiktok_client_key, &self.tiktok_client_secret),
            Platform::Zalo => (&self.zalo_app_id, &self.zalo_app_secret),
        }
    }

    /// The same, to set (the demo's sandbox apps).
    pub fn credentials_mut(&mut self, p: Platform) -> (&mut String, &mut String) {
        match p {
            Platform::YouTube => (&mut self.youtube_client_id, &mut self.youtube_client_secret),
            Platform::Facebook => (&mut self.facebook_app_id, &mut self.facebook_app_secret),
            Platform::TikTok => (&mut self.tiktok_client_key, &mut self.tiktok_client_secret),
            Platform::Zalo => (&mut self.zalo_app_id, &mut self.zalo_app_secret),
        }
    }

    /// The OAuth app for a platform: its credentials and where consent, the
    /// token exchange and the account listing go.
    pub fn app(&self, p: Platform) -> crate::platforms::oauth::OAuthApp {
        let (auth, token, api) = match p {
            Platform::YouTube => (
                &self.youtube_auth_url,
                &self.youtube_token_url,
                &self.youtube_api_url,
            ),
            Platform::Facebook => (
                &self.facebook_auth_url,
                &self.facebook_graph_url,
                &self.facebook_graph_url,
            ),
            Platform::TikTok => (
                &self.tiktok_auth_url,
                &self.tiktok_api_url,
                &self.tiktok_api_url,
            ),
            Platform::Zalo => (&self.zalo_auth_url, &self.zalo_auth_url, &self.zalo_api_url),
        };
        let (id, secret) = self.credentials(p);
        crate::platforms::oauth::OAuthApp {
            client_id: id.to_string(),
            client_secret: secret.to_string(),
            authorize_base: auth.to_string(),
            token_base: token.to_string(),
            api_base: api.to_string(),
            graph_version: self.facebook_graph_version.clone(),
        }
    }

    /// A platform's base URLs, every one its calls may go to.
    fn urls(&self, p: Platform) -> Vec<&HttpUrl> {
        match p {
            Platform::YouTube => vec![
                &self.youtube_auth_url,
                &self.youtube_token_url,
                &self.youtube_api_url,
                &self.youtube_analytics_url,
            ],
            Platform::Facebook => vec![
                &self.facebook_auth_url,
                &self.facebook_graph_url,
                &self.facebook_rupload_url,
            ],
            Platform::TikTok => vec![&self.tiktok_auth_url, &self.tiktok_api_url],
            Platform::Zalo => vec![&self.zalo_auth_url, &self.zalo_api_url],
        }
    }

    /// Where a channel connected now to `p` is connected through: the sandbox
    /// when any of the platform's URLs is the sandbox's.
    pub fn endpoint(&self, p: Platform) -> Endpoint {
        match &self.sandbox_url {
            Some(s) if self.urls(p).contains(&s) => Endpoint::Sandbox,
            _ => Endpoint::Platform,
        }
    }

    /// Whether every call to `p` goes to `e` with these settings: all of the
    /// platform's URLs at the sandbox, or none of them.
    pub fn reaches(&self, p: Platform, e: Endpoint) -> bool {
        let at_sandbox = |u: &&HttpUrl| self.sandbox_url.as_ref() == Some(*u);
        match e {
            Endpoint::Sandbox => self.urls(p).iter().all(at_sandbox),
            Endpoint::Platform => !self.urls(p).iter().any(at_sandbox),
        }
    }

    /// Points every platform URL at the sandbox at `base` (the demo's, tests).
    pub fn point_at_sandbox(&mut self, base: &str) -> Result<(), String> {
        let base = HttpUrl::parse(base.trim())?;
        for u in self.base_urls_mut() {
            *u = base.clone();
        }
        self.sandbox_url = Some(base);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
