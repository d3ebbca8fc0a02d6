//! Lantoa: a self-hosted newsroom desk for short video on social platforms.
//!
//! `main.rs` is a thin shell over this library so that tests drive the real
//! application. Beside it in `crates/` are the parts that know nothing of the
//! product: the Vietnamese text lint, the media driving, the platform
//! connectors and the mock platforms (the README's code map says what may
//! depend on what).

pub mod audit;
pub mod backup;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
#[cfg(feature = "sandbox")]
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod ingest;
pub mod insights;
pub mod jobs;
pub mod keys;
pub mod lint_cli;
pub mod mail;
pub mod push;
pub mod qr;
pub mod server;
pub mod service;
pub mod state;
pub mod storage;
pub mod web;
pub mod worker;

#[cfg(test)]
mod i18n_coverage;

pub use lantoa_lint as lint;
pub use lantoa_media as media;
pub use lantoa_media::subprocess;
pub use lantoa_platforms as platforms;
#[cfg(feature = "sandbox")]
pub use lantoa_sandbox as sandbox;
