//! Publishing an approved clip to the agency's channels: one publication and
//! one job per channel, now or at the approved time; the job re-checks the
//! exact bytes and the approval before anything leaves, saves every platform
//! handle before the bytes it announces, paces itself by the platforms'
//! limits, and resumes after a crash by asking the platform where it stands.
//! Takedown removes the clip everywhere the APIs allow and lists the rest for
//! a person; a correction replaces each post after a new approval.

mod job;
mod outlet;
mod pacing;
mod schedule;
pub mod sending;
mod staging;
mod subtitles;
mod takedown;

pub use job::run;
pub(crate) use schedule::{cancel_pending, check_sendable, create_publications, outside_window};
pub use schedule::{offered, publish_now, retry, status};
pub use staging::purge_staged;
pub(crate) use takedown::{Remover, remove_everywhere};
pub use takedown::{run_removal, take_down, tick_removed};

use crate::domain::PublicationId;

pub const PUBLISH_JOB: &str = "publish";
pub const REMOVE_JOB: &str = "unpublish";

/// A scheduled publication that goes out this much after its time is "late".
pub const LATE_AFTER_MS: i64 = 60_000;

pub fn job_key(p: PublicationId) -> String {
    format!("publish:{p}")
}
