//! Lantoa: a self-hosted newsroom desk for short video on social platforms.
//!
//! `main.rs` is a thin shell over this library so that tests drive the real
//! application. Dependencies point inward: `web` → `service` → `domain`, with
//! `db` the only place SQL lives.

pub mod audit;
pub mod bench;
pub mod bench_insights;
pub mod bench_publish;
pub mod bench_review;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod ingest;
pub mod insights;
pub mod jobs;
pub mod keys;
pub mod lint;
pub mod mail;
pub mod media;
pub mod mockplatforms;
pub mod platforms;
pub mod server;
pub mod service;
pub mod state;
pub mod storage;
pub mod subprocess;
pub mod web;
pub mod worker;
