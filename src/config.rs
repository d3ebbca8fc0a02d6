//! Settings: defaults that need nothing, overridden by a TOML file (`--config`),
//! then by `LANTOA_*` environment variables. A wrong setting stops start-up with
//! one sentence naming it.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A setting that cannot be used, described in one sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The time zone of agencies that name none (Vietnam, UTC+7).
pub const DEFAULT_TIME_ZONE: &str = "Asia/Ho_Chi_Minh";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

/// Where media objects live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub storage: StorageUrl,
    pub time_zone: String,
    /// The address users reach Lantoa at; `https://…` makes cookies `Secure`.
    pub public_url: Option<String>,
    pub log_format: LogFormat,
    pub log_level: String,
    /// Hex keys supplied by configuration (else generated in the data folder).
    pub session_key: Option<[u8; 32]>,
    pub encryption_key: Option<[u8; 32]>,
    pub session_idle_minutes: i64,
    pub login_max_failures_per_account: i64,
    pub login_max_failures_per_address: i64,
    pub login_window_minutes: i64,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Jobs one process runs at once.
    pub worker_slots: i64,
    /// How long a job's lease lasts without a heartbeat before another worker takes it.
    pub job_lease_seconds: i64,
    /// How long running jobs may take to finish after SIGTERM before they are handed back.
    pub shutdown_grace_seconds: i64,
    /// S3-compatible object storage, used when `storage_url` is `s3://…`.
    pub s3: S3Settings,
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: i64,
    /// Unfinished uploads one user may have open at once.
    pub max_open_uploads_per_user: i64,
    /// Hours an unfinished upload is kept before it expires.
    pub upload_expiry_hours: i64,
    /// Days raw metric snapshots are kept (the daily rollups are kept for good).
    pub metrics_retention_days: i64,
    /// ffmpeg processes one Lantoa process runs at once (media work is CPU-bound).
    pub max_ffmpeg_processes: i64,
    /// Make a loudness-corrected copy (−14 LUFS, −1 dBTP; video copied) when a
    /// clip is off target.
    pub normalize_loudness: bool,
    /// Reports printed to PDF at once by one Lantoa process (each runs a
    /// headless Chromium of a few hundred MB); more are told to retry.
    pub pdf_printers: i64,
    /// PDF reports one user may have printing at once.
    pub pdf_prints_per_user: i64,
    /// How long one PDF print may take before its browser is killed.
    pub pdf_timeout_seconds: i64,
    /// The browser that prints PDF reports (a name on PATH or a path); absent:
    /// the first of chromium, chromium-browser, google-chrome found on PATH.
    pub pdf_browser: Option<String>,
    /// Optional e-mail of notifications through an SMTP relay (`smtp://host:port`,
    /// no authentication: a local MTA relays onwards). Off when absent.
    pub smtp_url: Option<String>,
    /// The sender address of notification e-mails.
    pub smtp_from: String,
    /// Platform apps, base URLs and pacing (`[platforms]` in the file).
    pub platforms: Platforms,
}

/// Platform settings: `(name, environment variable, default, secret)`. With
/// `sandbox_url` set, every URL without its own value points at it (the mock
/// platforms of `lantoa mock-platforms`).
pub const PLATFORM_SETTINGS: &[(&str, &str, &str, bool)] = &[
    ("sandbox_url", "LANTOA_SANDBOX_URL", "", false),
    ("youtube_client_id", "LANTOA_YOUTUBE_CLIENT_ID", "", false),
    (
        "youtube_client_secret",
        "LANTOA_YOUTUBE_CLIENT_SECRET",
        "",
        true,
    ),
    (
        "youtube_auth_url",
        "LANTOA_YOUTUBE_AUTH_URL",
        "https://accounts.google.com",
        false,
    ),
    (
        "youtube_token_url",
        "LANTOA_YOUTUBE_TOKEN_URL",
        "https://oauth2.googleapis.com",
        false,
    ),
    (
        "youtube_api_url",
        "LANTOA_YOUTUBE_API_URL",
        "https://www.googleapis.com",
        false,
    ),
    (
        "youtube_analytics_url",
        "LANTOA_YOUTUBE_ANALYTICS_URL",
        "https://youtubeanalytics.googleapis.com",
        false,
    ),
    ("facebook_app_id", "LANTOA_FACEBOOK_APP_ID", "", false),
    (
        "facebook_app_secret",
        "LANTOA_FACEBOOK_APP_SECRET",
        "",
        true,
    ),
    (
        "facebook_auth_url",
        "LANTOA_FACEBOOK_AUTH_URL",
        "https://www.facebook.com",
        false,
    ),
    (
        "facebook_graph_url",
        "LANTOA_FACEBOOK_GRAPH_URL",
        "https://graph.facebook.com",
        false,
    ),
    (
        "facebook_rupload_url",
        "LANTOA_FACEBOOK_RUPLOAD_URL",
        "https://rupload.facebook.com",
        false,
    ),
    (
        "facebook_graph_version",
        "LANTOA_FACEBOOK_GRAPH_VERSION",
        "v25.0",
        false,
    ),
    (
        "facebook_reel_metrics",
        "LANTOA_FACEBOOK_REEL_METRICS",
        FACEBOOK_REEL_METRICS,
        false,
    ),
    ("tiktok_client_key", "LANTOA_TIKTOK_CLIENT_KEY", "", false),
    (
        "tiktok_client_secret",
        "LANTOA_TIKTOK_CLIENT_SECRET",
        "",
        true,
    ),
    (
        "tiktok_auth_url",
        "LANTOA_TIKTOK_AUTH_URL",
        "https://www.tiktok.com",
        false,
    ),
    (
        "tiktok_api_url",
        "LANTOA_TIKTOK_API_URL",
        "https://open.tiktokapis.com",
        false,
    ),
    ("zalo_app_id", "LANTOA_ZALO_APP_ID", "", false),
    ("zalo_app_secret", "LANTOA_ZALO_APP_SECRET", "", true),
    (
        "zalo_auth_url",
        "LANTOA_ZALO_AUTH_URL",
        "https://oauth.zaloapp.com",
        false,
    ),
    (
        "zalo_api_url",
        "LANTOA_ZALO_API_URL",
        "https://openapi.zalo.me",
        false,
    ),
    (
        "tiktok_inits_per_minute",
        "LANTOA_TIKTOK_INITS_PER_MINUTE",
        "6",
        false,
    ),
    (
        "facebook_reels_per_day",
        "LANTOA_FACEBOOK_REELS_PER_DAY",
        "30",
        false,
    ),
    (
        "youtube_uploads_per_day",
        "LANTOA_YOUTUBE_UPLOADS_PER_DAY",
        "6",
        false,
    ),
    ("publish_poll_ms", "LANTOA_PUBLISH_POLL_MS", "3000", false),
];

/// The reel insights asked for by default: plays, average and total watch
/// time, reactions, comments and shares, follows, and reach under its
/// current name (`post_impressions_unique` was withdrawn for it).
const FACEBOOK_REEL_METRICS: &str = "blue_reels_play_count,post_video_avg_time_watched,\
post_video_view_time,post_video_likes_by_reaction_type,post_video_social_actions,\
post_video_followers,post_total_media_view_unique";

/// The effective platform settings, by name (see [`PLATFORM_SETTINGS`]).
#[derive(Debug, Clone, Default)]
pub struct Platforms {
    values: BTreeMap<&'static str, String>,
}

impl Platforms {
    /// A setting's value ("" when unset).
    pub fn get(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// A numeric setting (validated at load).
    pub fn num(&self, name: &str) -> i64 {
        self.get(name).parse().unwrap_or(0)
    }

    /// Overrides a setting (tests, benchmarks, the demo).
    pub fn set(&mut self, name: &str, value: &str) {
        if let Some((n, ..)) = PLATFORM_SETTINGS.iter().find(|s| s.0 == name) {
            self.values.insert(n, value.to_string());
        }
    }

    /// Every URL without its own value points at `base` (the mock platforms).
    pub fn sandbox(&mut self, base: &str) {
        self.set("sandbox_url", base);
        for (n, ..) in PLATFORM_SETTINGS
            .iter()
            .filter(|s| s.0.ends_with("_url") && s.0 != "sandbox_url")
        {
            self.values
                .insert(n, base.trim_end_matches('/').to_string());
        }
    }

    fn load(
        file: Option<BTreeMap<String, toml::Value>>,
        env: &BTreeMap<String, String>,
    ) -> Result<Platforms, ConfigError> {
        let file = file.unwrap_or_default();
        if let Some(k) = file
            .keys()
            .find(|k| !PLATFORM_SETTINGS.iter().any(|s| s.0 == k.as_str()))
        {
            return Err(ConfigError(format!(
                "The setting `platforms.{k}` is not known."
            )));
        }
        let mut p = Platforms::default();
        let mut explicit = Vec::new();
        for (name, var, default, _) in PLATFORM_SETTINGS {
            let from_env = env.get(*var).filter(|v| !v.trim().is_empty()).cloned();
            let from_file = file.get(*name).map(|v| match v {
                toml::Value::String(s) => s.clone(),
                // A list (`facebook_reel_metrics = ["a", "b"]`) reads as `a,b`.
                toml::Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            });
            let v = match from_env.or(from_file) {
                Some(v) => {
                    explicit.push(*name);
                    v.trim().to_string()
                }
                None => default.to_string(),
            };
            if name.ends_with("_url")
                && !v.is_empty()
                && !(v.starts_with("http://") || v.starts_with("https://"))
            {
                return Err(bad_platform(
                    name,
                    var,
                    "must start with http:// or https://",
                    &v,
                ));
            }
            if *name == "facebook_reel_metrics"
                && (v.trim().is_empty()
                    || !v.split(',').all(|m| {
                        let m = m.trim();
                        !m.is_empty()
                            && m.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    }))
            {
                return Err(bad_platform(
                    name,
                    var,
                    "must be metric names separated by commas",
                    &v,
                ));
            }
            if default.parse::<i64>().is_ok()
                && !v
                    .parse::<i64>()
                    .is_ok_and(|n| (1..=1_000_000_000).contains(&n))
            {
                return Err(bad_platform(name, var, "must be a whole number from 1", &v));
            }
            p.values.insert(name, v.trim_end_matches('/').to_string());
        }
        let sandbox = p.get("sandbox_url").to_string();
        if !sandbox.is_empty() {
            for (n, ..) in PLATFORM_SETTINGS.iter().filter(|s| s.0.ends_with("_url")) {
                if !explicit.contains(n) {
                    p.values.insert(n, sandbox.clone());
                }
            }
        }
        Ok(p)
    }

    fn show(&self) -> String {
        PLATFORM_SETTINGS
            .iter()
            .map(|(name, var, _, secret)| {
                let v = self.get(name);
                let v = if *secret && !v.is_empty() {
                    "********"
                } else {
                    v
                };
                format!("platforms.{name:<22} = {v:<50}  # {var}\n")
            })
            .collect()
    }
}

fn bad_platform(name: &str, var: &str, why: &str, value: &str) -> ConfigError {
    let value = if PLATFORM_SETTINGS.iter().any(|s| s.0 == name && s.3) {
        "********"
    } else {
        value
    };
    ConfigError(format!(
        "The setting `platforms.{name}` ({var}) {why}: got \"{value}\"."
    ))
}

/// Connection settings for S3-compatible storage (MinIO, Ceph RGW, SeaweedFS, AWS…).
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Path-style requests (`endpoint/bucket/key`), as most self-hosted servers want.
    pub path_style: bool,
}

/// The settings a TOML file may contain; every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<String>,
    database_url: Option<String>,
    storage_url: Option<String>,
    time_zone: Option<String>,
    public_url: Option<String>,
    log_format: Option<String>,
    log_level: Option<String>,
    session_key: Option<String>,
    encryption_key: Option<String>,
    session_idle_minutes: Option<i64>,
    login_max_failures_per_account: Option<i64>,
    login_max_failures_per_address: Option<i64>,
    login_window_minutes: Option<i64>,
    trust_proxy: Option<bool>,
    worker_slots: Option<i64>,
    job_lease_seconds: Option<i64>,
    shutdown_grace_seconds: Option<i64>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<String>,
    s3_path_style: Option<bool>,
    max_upload_bytes: Option<i64>,
    max_open_uploads_per_user: Option<i64>,
    upload_expiry_hours: Option<i64>,
    metrics_retention_days: Option<i64>,
    max_ffmpeg_processes: Option<i64>,
    normalize_loudness: Option<bool>,
    pdf_printers: Option<i64>,
    pdf_prints_per_user: Option<i64>,
    pdf_timeout_seconds: Option<i64>,
    pdf_browser: Option<String>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    platforms: Option<BTreeMap<String, toml::Value>>,
}

/// Setting names, their environment variables, and whether they are secret.
const SETTINGS: &[(&str, &str, bool)] = &[
    ("listen", "LANTOA_LISTEN", false),
    ("data_dir", "LANTOA_DATA_DIR", false),
    ("database_url", "LANTOA_DATABASE_URL", false),
    ("storage_url", "LANTOA_STORAGE_URL", false),
    ("time_zone", "LANTOA_TIME_ZONE", false),
    ("public_url", "LANTOA_PUBLIC_URL", false),
    ("log_format", "LANTOA_LOG_FORMAT", false),
    ("log_level", "LANTOA_LOG", false),
    ("session_key", "LANTOA_SESSION_KEY", true),
    ("encryption_key", "LANTOA_ENCRYPTION_KEY", true),
    ("session_idle_minutes", "LANTOA_SESSION_IDLE_MINUTES", false),
    (
        "login_max_failures_per_account",
        "LANTOA_LOGIN_MAX_FAILURES_PER_ACCOUNT",
        false,
    ),
    (
        "login_max_failures_per_address",
        "LANTOA_LOGIN_MAX_FAILURES_PER_ADDRESS",
        false,
    ),
    ("login_window_minutes", "LANTOA_LOGIN_WINDOW_MINUTES", false),
    ("trust_proxy", "LANTOA_TRUST_PROXY", false),
    ("worker_slots", "LANTOA_WORKER_SLOTS", false),
    ("job_lease_seconds", "LANTOA_JOB_LEASE_SECONDS", false),
    (
        "shutdown_grace_seconds",
        "LANTOA_SHUTDOWN_GRACE_SECONDS",
        false,
    ),
    ("s3_endpoint", "LANTOA_S3_ENDPOINT", false),
    ("s3_region", "LANTOA_S3_REGION", false),
    ("s3_access_key_id", "LANTOA_S3_ACCESS_KEY_ID", false),
    ("s3_secret_access_key", "LANTOA_S3_SECRET_ACCESS_KEY", true),
    ("s3_path_style", "LANTOA_S3_PATH_STYLE", false),
    ("max_upload_bytes", "LANTOA_MAX_UPLOAD_BYTES", false),
    (
        "max_open_uploads_per_user",
        "LANTOA_MAX_OPEN_UPLOADS_PER_USER",
        false,
    ),
    ("upload_expiry_hours", "LANTOA_UPLOAD_EXPIRY_HOURS", false),
    (
        "metrics_retention_days",
        "LANTOA_METRICS_RETENTION_DAYS",
        false,
    ),
    ("max_ffmpeg_processes", "LANTOA_MAX_FFMPEG_PROCESSES", false),
    ("normalize_loudness", "LANTOA_NORMALIZE_LOUDNESS", false),
    ("pdf_printers", "LANTOA_PDF_PRINTERS", false),
    ("pdf_prints_per_user", "LANTOA_PDF_PRINTS_PER_USER", false),
    ("pdf_timeout_seconds", "LANTOA_PDF_TIMEOUT_SECONDS", false),
    ("pdf_browser", "LANTOA_PDF_BROWSER", false),
    ("smtp_url", "LANTOA_SMTP_URL", false),
    ("smtp_from", "LANTOA_SMTP_FROM", false),
];

fn env_name(setting: &str) -> &'static str {
    SETTINGS
        .iter()
        .find(|s| s.0 == setting)
        .map(|s| s.1)
        .unwrap_or("?")
}

fn bad(setting: &str, why: &str, value: &str) -> ConfigError {
    ConfigError(format!(
        "The setting `{setting}` ({}) {why}: got \"{value}\".",
        env_name(setting)
    ))
}

impl Config {
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
        let fc = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    ConfigError(format!(
                        "The config file {} cannot be read: {e}.",
                        p.display()
                    ))
                })?;
                toml::from_str::<FileConfig>(&text).map_err(|e| {
                    ConfigError(format!(
                        "The config file {} is not valid: {}.",
                        p.display(),
                        e.message().trim_end_matches('.')
                    ))
                })?
            }
            None => FileConfig::default(),
        };
        // Environment over file over default; empty variables count as unset.
        let pick = |name: &str, from_file: Option<String>| -> Option<String> {
            env.get(env_name(name))
                .filter(|v| !v.trim().is_empty())
                .cloned()
                .or(from_file)
        };
        let pick_num = |name: &str, from_file: Option<i64>, default: i64, min: i64, max: i64| {
            let v = match env.get(env_name(name)).filter(|v| !v.trim().is_empty()) {
                Some(s) => s
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| bad(name, "must be a whole number", s))?,
                None => from_file.unwrap_or(default),
            };
            if v < min || v > max {
                return Err(bad(
                    name,
                    &format!("must be between {min} and {max}"),
                    &v.to_string(),
                ));
            }
            Ok(v)
        };

        let listen_s = pick("listen", fc.listen).unwrap_or_else(|| "127.0.0.1:8080".into());
        let listen: SocketAddr = listen_s.trim().parse().map_err(|_| {
            bad(
                "listen",
                "must be an address:port such as 127.0.0.1:8080",
                &listen_s,
            )
        })?;

        let data_dir =
            PathBuf::from(pick("data_dir", fc.data_dir).unwrap_or_else(|| "./lantoa-data".into()));

        let database_url = match pick("database_url", fc.database_url) {
            None => crate::db::sqlite_url_for(&data_dir),
            Some(u) => {
                let u = u.trim().to_string();
                if !(u.starts_with("sqlite:")
                    || u.starts_with("postgres://")
                    || u.starts_with("postgresql://"))
                {
                    return Err(bad(
                        "database_url",
                        "must start with sqlite:, postgres:// or postgresql://",
                        &mask_url(&u),
                    ));
                }
                u
            }
        };

        let storage = match pick("storage_url", fc.storage_url) {
            None => StorageUrl::Local(data_dir.join("media")),
            Some(u) => parse_storage(u.trim())?,
        };

        let time_zone = pick("time_zone", fc.time_zone).unwrap_or_else(|| DEFAULT_TIME_ZONE.into());
        if jiff::tz::TimeZone::get(&time_zone).is_err() {
            return Err(bad(
                "time_zone",
                "is not a known IANA time zone",
                &time_zone,
            ));
        }

        let public_url = pick("public_url", fc.public_url);
        if let Some(u) = &public_url
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return Err(bad("public_url", "must start with http:// or https://", u));
        }

        let log_format = match pick("log_format", fc.log_format).as_deref() {
            None | Some("human") => LogFormat::Human,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(bad("log_format", "must be human or json", other)),
        };
        let log_level = pick("log_level", fc.log_level).unwrap_or_else(|| "info".into());
        if tracing_subscriber::EnvFilter::try_new(&log_level).is_err() {
            return Err(bad(
                "log_level",
                "is not a valid log filter (e.g. info, debug)",
                &log_level,
            ));
        }

        let session_key = parse_key("session_key", pick("session_key", fc.session_key))?;
        let encryption_key =
            parse_key("encryption_key", pick("encryption_key", fc.encryption_key))?;

        let pick_bool = |name: &str, from_file: Option<bool>, default: bool| match env
            .get(env_name(name))
            .filter(|v| !v.trim().is_empty())
        {
            Some(v) => match v.trim() {
                "1" | "true" | "yes" => Ok(true),
                "0" | "false" | "no" => Ok(false),
                _ => Err(bad(name, "must be true or false", v)),
            },
            None => Ok(from_file.unwrap_or(default)),
        };
        let trust_proxy = pick_bool("trust_proxy", fc.trust_proxy, false)?;
        let normalize_loudness = pick_bool("normalize_loudness", fc.normalize_loudness, false)?;
        let smtp_url = pick("smtp_url", fc.smtp_url).filter(|u| !u.trim().is_empty());
        if let Some(u) = &smtp_url {
            let hostport = u.strip_prefix("smtp://").unwrap_or("");
            let ok = hostport.rsplit_once(':').is_some_and(|(h, p)| {
                !h.is_empty() && !h.contains('@') && p.parse::<u16>().is_ok()
            });
            if !ok {
                return Err(bad(
                    "smtp_url",
                    "must be smtp://host:port (a relay without authentication)",
                    u,
                ));
            }
        }
        let smtp_from =
            pick("smtp_from", fc.smtp_from).unwrap_or_else(|| "lantoa@localhost".into());
        if !smtp_from.contains('@') || smtp_from.contains(['<', '>', '\r', '\n', ' ']) {
            return Err(bad("smtp_from", "must be an e-mail address", &smtp_from));
        }
        let s3 = S3Settings {
            endpoint: pick("s3_endpoint", fc.s3_endpoint),
            region: pick("s3_region", fc.s3_region).unwrap_or_else(|| "us-east-1".into()),
            access_key_id: pick("s3_access_key_id", fc.s3_access_key_id),
            secret_access_key: pick("s3_secret_access_key", fc.s3_secret_access_key),
            path_style: pick_bool("s3_path_style", fc.s3_path_style, true)?,
        };
        if let Some(e) = &s3.endpoint
            && !(e.starts_with("http://") || e.starts_with("https://"))
        {
            return Err(bad("s3_endpoint", "must start with http:// or https://", e));
        }
        if s3.endpoint.is_some() && (s3.access_key_id.is_none() || s3.secret_access_key.is_none()) {
            return Err(ConfigError(
                "The setting `s3_endpoint` (LANTOA_S3_ENDPOINT) needs `s3_access_key_id` and `s3_secret_access_key` (LANTOA_S3_ACCESS_KEY_ID, LANTOA_S3_SECRET_ACCESS_KEY).".into(),
            ));
        }

        Ok(Config {
            listen,
            data_dir,
            database_url,
            storage,
            time_zone,
            public_url,
            log_format,
            log_level,
            session_key,
            encryption_key,
            session_idle_minutes: pick_num(
                "session_idle_minutes",
                fc.session_idle_minutes,
                8 * 60,
                5,
                60 * 24 * 30,
            )?,
            login_max_failures_per_account: pick_num(
                "login_max_failures_per_account",
                fc.login_max_failures_per_account,
                5,
                1,
                1000,
            )?,
            login_max_failures_per_address: pick_num(
                "login_max_failures_per_address",
                fc.login_max_failures_per_address,
                30,
                1,
                100_000,
            )?,
            login_window_minutes: pick_num(
                "login_window_minutes",
                fc.login_window_minutes,
                15,
                1,
                24 * 60,
            )?,
            trust_proxy,
            worker_slots: pick_num("worker_slots", fc.worker_slots, 2, 1, 64)?,
            job_lease_seconds: pick_num("job_lease_seconds", fc.job_lease_seconds, 60, 1, 3600)?,
            shutdown_grace_seconds: pick_num(
                "shutdown_grace_seconds",
                fc.shutdown_grace_seconds,
                25,
                0,
                3600,
            )?,
            s3,
            max_upload_bytes: pick_num(
                "max_upload_bytes",
                fc.max_upload_bytes,
                4 * 1024 * 1024 * 1024,
                1024,
                1024 * 1024 * 1024 * 1024,
            )?,
            max_open_uploads_per_user: pick_num(
                "max_open_uploads_per_user",
                fc.max_open_uploads_per_user,
                10,
                1,
                1000,
            )?,
            upload_expiry_hours: pick_num(
                "upload_expiry_hours",
                fc.upload_expiry_hours,
                72,
                1,
                24 * 365,
            )?,
            metrics_retention_days: pick_num(
                "metrics_retention_days",
                fc.metrics_retention_days,
                400,
                7,
                3650,
            )?,
            max_ffmpeg_processes: pick_num(
                "max_ffmpeg_processes",
                fc.max_ffmpeg_processes,
                1,
                1,
                64,
            )?,
            normalize_loudness,
            pdf_printers: pick_num("pdf_printers", fc.pdf_printers, 1, 1, 16)?,
            pdf_prints_per_user: pick_num("pdf_prints_per_user", fc.pdf_prints_per_user, 1, 1, 16)?,
            pdf_timeout_seconds: pick_num(
                "pdf_timeout_seconds",
                fc.pdf_timeout_seconds,
                60,
                1,
                600,
            )?,
            pdf_browser: pick("pdf_browser", fc.pdf_browser).filter(|b| !b.trim().is_empty()),
            smtp_url,
            smtp_from,
            platforms: Platforms::load(fc.platforms, env)?,
        })
    }

    /// Whether session cookies get the `Secure` attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// The effective settings as `name = value` lines, secrets masked.
    pub fn show(&self) -> String {
        let storage = match &self.storage {
            StorageUrl::Local(p) => p.display().to_string(),
            StorageUrl::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        };
        let key = |k: &Option<[u8; 32]>| match k {
            Some(_) => "******** (from configuration)".to_string(),
            None => format!(
                "******** (generated, in {})",
                self.data_dir.join("secrets.toml").display()
            ),
        };
        let lines = [
            ("listen", self.listen.to_string()),
            ("data_dir", self.data_dir.display().to_string()),
            ("database_url", mask_url(&self.database_url)),
            ("storage_url", storage),
            ("time_zone", self.time_zone.clone()),
            ("public_url", self.public_url.clone().unwrap_or_default()),
            (
                "log_format",
                format!("{:?}", self.log_format).to_lowercase(),
            ),
            ("log_level", self.log_level.clone()),
            ("session_key", key(&self.session_key)),
            ("encryption_key", key(&self.encryption_key)),
            (
                "session_idle_minutes",
                self.session_idle_minutes.to_string(),
            ),
            (
                "login_max_failures_per_account",
                self.login_max_failures_per_account.to_string(),
            ),
            (
                "login_max_failures_per_address",
                self.login_max_failures_per_address.to_string(),
            ),
            (
                "login_window_minutes",
                self.login_window_minutes.to_string(),
            ),
            ("trust_proxy", self.trust_proxy.to_string()),
            ("worker_slots", self.worker_slots.to_string()),
            ("job_lease_seconds", self.job_lease_seconds.to_string()),
            (
                "shutdown_grace_seconds",
                self.shutdown_grace_seconds.to_string(),
            ),
            ("pdf_printers", self.pdf_printers.to_string()),
            ("pdf_prints_per_user", self.pdf_prints_per_user.to_string()),
            ("pdf_timeout_seconds", self.pdf_timeout_seconds.to_string()),
            ("pdf_browser", self.pdf_browser.clone().unwrap_or_default()),
            ("smtp_url", self.smtp_url.clone().unwrap_or_default()),
            ("smtp_from", self.smtp_from.clone()),
        ];
        lines
            .iter()
            .map(|(k, v)| format!("{k:<32} = {v:<50}  # {}\n", env_name(k)))
            .chain(std::iter::once(self.platforms.show()))
            .collect()
    }
}

fn parse_storage(u: &str) -> Result<StorageUrl, ConfigError> {
    if let Some(rest) = u.strip_prefix("s3://") {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !ok {
            return Err(bad(
                "storage_url",
                "must name a valid S3 bucket (s3://bucket[/prefix])",
                u,
            ));
        }
        return Ok(StorageUrl::S3 {
            bucket: bucket.into(),
            prefix: prefix.trim_matches('/').into(),
        });
    }
    if u.contains("://") && !u.starts_with("file://") {
        return Err(bad(
            "storage_url",
            "must be a local folder or s3://bucket",
            u,
        ));
    }
    Ok(StorageUrl::Local(PathBuf::from(
        u.trim_start_matches("file://"),
    )))
}

fn parse_key(name: &str, v: Option<String>) -> Result<Option<[u8; 32]>, ConfigError> {
    let Some(v) = v else { return Ok(None) };
    let bytes = hex::decode(v.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok());
    match bytes {
        Some(k) => Ok(Some(k)),
        None => Err(ConfigError(format!(
            "The setting `{name}` ({}) must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`.",
            env_name(name)
        ))),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn platform_settings_default_point_at_a_sandbox_and_are_checked() {
        let c = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(
            c.platforms.get("youtube_api_url"),
            "https://www.googleapis.com"
        );
        assert_eq!(c.platforms.num("tiktok_inits_per_minute"), 6);
        // A sandbox URL moves every platform URL not set on its own.
        let c = Config::from_sources(
            None,
            &env(&[
                ("LANTOA_SANDBOX_URL", "http://127.0.0.1:9100/"),
                ("LANTOA_ZALO_API_URL", "https://openapi.zalo.me"),
                ("LANTOA_TIKTOK_CLIENT_SECRET", "s3cr3t"),
            ]),
        )
        .unwrap();
        assert_eq!(
            c.platforms.get("facebook_graph_url"),
            "http://127.0.0.1:9100"
        );
        assert_eq!(c.platforms.get("zalo_api_url"), "https://openapi.zalo.me");
        let shown = c.show();
        assert!(shown.contains("platforms.tiktok_client_secret") && !shown.contains("s3cr3t"));
        // Bad values say which setting.
        let e =
            Config::from_sources(None, &env(&[("LANTOA_YOUTUBE_API_URL", "ftp://x")])).unwrap_err();
        assert!(e.0.contains("platforms.youtube_api_url"), "{}", e.0);
        let e = Config::from_sources(None, &env(&[("LANTOA_FACEBOOK_REELS_PER_DAY", "0")]))
            .unwrap_err();
        assert!(e.0.contains("facebook_reels_per_day"), "{}", e.0);
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("l.toml");
        std::fs::write(&f, "[platforms]\nyoutube_clientid = \"x\"\n").unwrap();
        let e = Config::from_sources(Some(&f), &env(&[])).unwrap_err();
        assert!(e.0.contains("platforms.youtube_clientid"), "{}", e.0);
        std::fs::write(&f, "[platforms]\nyoutube_uploads_per_day = 50\n").unwrap();
        let c = Config::from_sources(Some(&f), &env(&[])).unwrap();
        assert_eq!(c.platforms.num("youtube_uploads_per_day"), 50);
        // The Analytics host follows the sandbox too; the reel metrics are a
        // list, reach under its current name by default.
        let c = Config::from_sources(
            None,
            &env(&[("LANTOA_SANDBOX_URL", "http://127.0.0.1:9100")]),
        )
        .unwrap();
        assert_eq!(
            c.platforms.get("youtube_analytics_url"),
            "http://127.0.0.1:9100"
        );
        assert!(
            c.platforms
                .get("facebook_reel_metrics")
                .split(',')
                .any(|m| m == "post_total_media_view_unique")
        );
        std::fs::write(
            &f,
            "[platforms]\nfacebook_reel_metrics = [\"blue_reels_play_count\", \"post_video_followers\"]\n",
        )
        .unwrap();
        let c = Config::from_sources(Some(&f), &env(&[])).unwrap();
        assert_eq!(
            c.platforms.get("facebook_reel_metrics"),
            "blue_reels_play_count,post_video_followers"
        );
        let e = Config::from_sources(
            None,
            &env(&[("LANTOA_FACEBOOK_REEL_METRICS", "views;reach")]),
        )
        .unwrap_err();
        assert!(e.0.contains("facebook_reel_metrics"), "{}", e.0);
    }

    #[test]
    fn defaults_need_nothing() {
        let c = Config::from_sources(None, &env(&[])).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.data_dir, PathBuf::from("./lantoa-data"));
        assert!(c.database_url.starts_with("sqlite://"));
        assert_eq!(c.time_zone, "Asia/Ho_Chi_Minh");
        assert_eq!(
            c.storage,
            StorageUrl::Local(PathBuf::from("./lantoa-data/media"))
        );
    }

    #[test]
    fn environment_overrides_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("l.toml");
        std::fs::write(&f, "listen = \"0.0.0.0:9000\"\ntime_zone = \"UTC\"\n").unwrap();
        let c =
            Config::from_sources(Some(&f), &env(&[("LANTOA_LISTEN", "127.0.0.1:7000")])).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(c.time_zone, "UTC");
    }

    #[test]
    fn wrong_settings_name_themselves() {
        let e = Config::from_sources(None, &env(&[("LANTOA_LISTEN", "nowhere")])).unwrap_err();
        assert!(
            e.0.contains("`listen`") && e.0.contains("LANTOA_LISTEN"),
            "{e}"
        );
        let e =
            Config::from_sources(None, &env(&[("LANTOA_DATABASE_URL", "mysql://x")])).unwrap_err();
        assert!(e.0.contains("database_url"), "{e}");
        let e = Config::from_sources(None, &env(&[("LANTOA_TIME_ZONE", "Mars/Base")])).unwrap_err();
        assert!(e.0.contains("time_zone"), "{e}");
        let e = Config::from_sources(None, &env(&[("LANTOA_SESSION_KEY", "abc")])).unwrap_err();
        assert!(e.0.contains("session_key"), "{e}");
        let e = Config::from_sources(None, &env(&[("LANTOA_STORAGE_URL", "ftp://x")])).unwrap_err();
        assert!(e.0.contains("storage_url"), "{e}");
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("l.toml");
        std::fs::write(&f, "lisen = \"x\"\n").unwrap();
        let e = Config::from_sources(Some(&f), &env(&[])).unwrap_err();
        assert!(e.0.contains("lisen"), "{e}");
    }

    #[test]
    fn show_masks_secrets() {
        let key = "ab".repeat(32);
        let c = Config::from_sources(
            None,
            &env(&[
                ("LANTOA_SESSION_KEY", &key),
                (
                    "LANTOA_DATABASE_URL",
                    "postgres://lantoa:hunter2@db:5432/lantoa",
                ),
            ]),
        )
        .unwrap();
        let shown = c.show();
        assert!(!shown.contains(&key));
        assert!(!shown.contains("hunter2"));
        assert!(shown.contains("postgres://lantoa:********@db:5432/lantoa"));
        // Every setting shown names its environment variable.
        assert!(!shown.contains("# ?"), "{shown}");
    }

    #[test]
    fn s3_credentials_are_read() {
        let c = Config::from_sources(
            None,
            &env(&[
                ("LANTOA_STORAGE_URL", "s3://media/x"),
                ("LANTOA_S3_ENDPOINT", "http://127.0.0.1:9000"),
                ("LANTOA_S3_ACCESS_KEY_ID", "key"),
                ("LANTOA_S3_SECRET_ACCESS_KEY", "s3cr3t-value"),
            ]),
        )
        .unwrap();
        assert_eq!(c.s3.access_key_id.as_deref(), Some("key"));
        assert_eq!(c.s3.secret_access_key.as_deref(), Some("s3cr3t-value"));
        assert!(!c.show().contains("s3cr3t-value"));
    }

    #[test]
    fn s3_storage_parses() {
        let c = Config::from_sources(
            None,
            &env(&[("LANTOA_STORAGE_URL", "s3://lantoa-media/prod")]),
        )
        .unwrap();
        assert_eq!(
            c.storage,
            StorageUrl::S3 {
                bucket: "lantoa-media".into(),
                prefix: "prod".into()
            }
        );
    }
}
