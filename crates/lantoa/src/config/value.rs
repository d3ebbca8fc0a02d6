//! The types settings have: how each reads from text (a variable, a file
//! value, a default) and is written back.

use std::net::SocketAddr;
use std::path::PathBuf;

/// A setting's type: how it reads from text (a variable, a file value, a
/// default) and how it is written back.
pub trait SettingValue: Sized {
    /// Reads a trimmed text; `Err` says what the value must be.
    fn parse(text: &str) -> Result<Self, String>;
    /// The value written as it would be set.
    fn text(&self) -> String;
    /// A platform's base URL (the sandbox replaces them all).
    fn as_base_url_mut(&mut self) -> Option<&mut HttpUrl> {
        None
    }
}

impl SettingValue for String {
    fn parse(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
    fn text(&self) -> String {
        self.clone()
    }
}

impl SettingValue for i64 {
    fn parse(text: &str) -> Result<Self, String> {
        text.parse().map_err(|_| "must be a whole number".into())
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

impl SettingValue for bool {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "1" | "true" | "yes" => Ok(true),
            "0" | "false" | "no" => Ok(false),
            _ => Err("must be true or false".into()),
        }
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

impl SettingValue for PathBuf {
    fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("must name a folder".into());
        }
        Ok(PathBuf::from(text))
    }
    fn text(&self) -> String {
        self.display().to_string()
    }
}

impl SettingValue for SocketAddr {
    fn parse(text: &str) -> Result<Self, String> {
        text.parse()
            .map_err(|_| "must be an address:port such as 127.0.0.1:8080".into())
    }
    fn text(&self) -> String {
        self.to_string()
    }
}

/// A 32-byte key, written as 64 hexadecimal characters.
impl SettingValue for [u8; 32] {
    fn parse(text: &str) -> Result<Self, String> {
        hex::decode(text)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                "must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`"
                    .into()
            })
    }
    fn text(&self) -> String {
        hex::encode(self)
    }
}

/// Unset when empty.
impl<T: SettingValue> SettingValue for Option<T> {
    fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Ok(None);
        }
        T::parse(text).map(Some)
    }
    fn text(&self) -> String {
        self.as_ref().map(T::text).unwrap_or_default()
    }
}

/// Names separated by commas (in the file, also a TOML list).
impl SettingValue for Vec<String> {
    fn parse(text: &str) -> Result<Self, String> {
        let items: Vec<String> = text.split(',').map(|s| s.trim().to_string()).collect();
        if items.iter().any(String::is_empty) {
            return Err("must be names separated by commas".into());
        }
        Ok(items)
    }
    fn text(&self) -> String {
        self.join(",")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

impl SettingValue for LogFormat {
    fn parse(text: &str) -> Result<Self, String> {
        match text {
            "human" => Ok(LogFormat::Human),
            "json" => Ok(LogFormat::Json),
            _ => Err("must be human or json".into()),
        }
    }
    fn text(&self) -> String {
        match self {
            LogFormat::Human => "human",
            LogFormat::Json => "json",
        }
        .into()
    }
}

/// Where media objects live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageUrl {
    Local(PathBuf),
    S3 { bucket: String, prefix: String },
}

impl SettingValue for StorageUrl {
    fn parse(u: &str) -> Result<Self, String> {
        if let Some(rest) = u.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let ok = (3..=63).contains(&bucket.len())
                && bucket
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
            if !ok {
                return Err("must name a valid S3 bucket (s3://bucket[/prefix])".into());
            }
            return Ok(StorageUrl::S3 {
                bucket: bucket.into(),
                prefix: prefix.trim_matches('/').into(),
            });
        }
        if u.is_empty() || (u.contains("://") && !u.starts_with("file://")) {
            return Err("must be a local folder or s3://bucket".into());
        }
        Ok(StorageUrl::Local(PathBuf::from(
            u.trim_start_matches("file://"),
        )))
    }
    fn text(&self) -> String {
        match self {
            StorageUrl::Local(p) => p.display().to_string(),
            StorageUrl::S3 { bucket, prefix } if prefix.is_empty() => format!("s3://{bucket}"),
            StorageUrl::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        }
    }
}

/// An `http://` or `https://` address, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(String);

impl HttpUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for HttpUrl {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl SettingValue for HttpUrl {
    fn parse(text: &str) -> Result<Self, String> {
        let host = text
            .strip_prefix("http://")
            .or_else(|| text.strip_prefix("https://"));
        match host {
            Some(h) if !h.trim_matches('/').is_empty() => {
                Ok(HttpUrl(text.trim_end_matches('/').to_string()))
            }
            _ => Err("must start with http:// or https://".into()),
        }
    }
    fn text(&self) -> String {
        self.0.clone()
    }
    fn as_base_url_mut(&mut self) -> Option<&mut HttpUrl> {
        Some(self)
    }
}
