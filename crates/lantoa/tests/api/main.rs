//! Black-box tests of the whole application over HTTP, on SQLite by default and on
//! PostgreSQL with `LANTOA_TEST_DB=postgres`.

mod audit;
mod auth;
mod calendar;
mod cli;
mod clip_list;
mod comment_drawing;
mod crash_publish;
mod desk;
mod english;
mod hardening_config;
mod hardening_insights;
mod hardening_media;
mod hardening_openapi;
mod hardening_permissions;
mod hardening_review;
mod hardening_security;
mod hardening_text;
mod helpers;
mod ingest;
mod insights;
mod isolation;
mod jobs;
mod lint_cli;
mod members;
mod ops;
mod platforms;
mod profile;
mod publish;
mod recovery;
mod review;
mod rng;
mod shared_writes;
mod tokens;
mod uploads;
mod youtube_categories;
