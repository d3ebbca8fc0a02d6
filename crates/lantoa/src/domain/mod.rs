//! Domain types: checked once at the edge, trusted inside. No HTTP, no SQL here.

pub mod account;
pub mod approval;
pub mod campaign;
pub mod clip;
mod codes;
pub mod drawing;
pub mod ids;
pub mod incident;
pub mod outlet;
pub mod policy;
pub mod publication;
pub mod sharing;
pub mod subtitles;
pub mod survey;
pub mod survey_words;
pub mod workflow;

pub use account::{DisplayName, Locale, OrgName, Password, Slug, Username};
pub use approval::FieldFinding;
pub use clip::{Caption, Category, ClipTitle};
pub use drawing::{Drawing, Shape, ShapeKind};
pub use ids::{ChannelId, ClipId, OrgId, PublicationId, SurveyId, TokenId, UserId, VersionId};
pub use policy::{Action, Role};
pub use publication::{JobState, PublicationState, VersionStatus};
pub use workflow::{ClipAction, ClipState};

/// Why a value from outside was refused: the field it came in and a message id
/// in the `.ftl` files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub message_id: &'static str,
}

impl Invalid {
    pub fn new(field: &'static str, message_id: &'static str) -> Self {
        Invalid { field, message_id }
    }
}

/// `s` trimmed, when it has `chars` characters and no control character;
/// otherwise refused for `field` with `message_id`.
fn one_line(
    s: &str,
    chars: std::ops::RangeInclusive<usize>,
    field: &'static str,
    message_id: &'static str,
) -> Result<String, Invalid> {
    let s = s.trim();
    if !chars.contains(&s.chars().count()) || s.chars().any(char::is_control) {
        return Err(Invalid::new(field, message_id));
    }
    Ok(s.to_string())
}

/// `as_str` for values that wrap a checked `String`.
macro_rules! str_values {
    ($($t:ident),+) => {
        $(impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        })+
    };
}
use str_values;
