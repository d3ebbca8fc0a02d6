//! Clips: one story for social video, with versions (one per upload).

use super::{Invalid, one_line, str_values};
use serde::{Deserialize, Serialize};

/// Topic categories from the directive. The first two always follow the strict
/// (political) approval path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Messages of Party, State, provincial and local leaders.
    LeadershipMessage,
    /// Important events of the Party, State and local government.
    OfficialEvent,
    /// Political, economic, cultural and social events.
    CurrentAffairs,
    /// Good people and good deeds.
    GoodDeeds,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::LeadershipMessage,
        Category::OfficialEvent,
        Category::CurrentAffairs,
        Category::GoodDeeds,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::LeadershipMessage => "leadership_message",
            Category::OfficialEvent => "official_event",
            Category::CurrentAffairs => "current_affairs",
            Category::GoodDeeds => "good_deeds",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Category, Invalid> {
        Category::ALL
            .into_iter()
            .find(|c| c.code() == s.trim())
            .ok_or(Invalid::new("category", "invalid-category"))
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Category::LeadershipMessage => "category-leadership_message",
            Category::OfficialEvent => "category-official_event",
            Category::CurrentAffairs => "category-current_affairs",
            Category::GoodDeeds => "category-good_deeds",
            Category::Other => "category-other",
        }
    }

    /// Whether clips of this category are political by nature.
    pub fn is_political(self) -> bool {
        matches!(self, Category::LeadershipMessage | Category::OfficialEvent)
    }
}

/// A clip's title: 1–200 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipTitle(String);

impl ClipTitle {
    pub fn parse(s: &str) -> Result<ClipTitle, Invalid> {
        one_line(s, 1..=200, "title", "invalid-clip-title").map(ClipTitle)
    }
}

/// A caption: up to 5000 characters; line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption(String);

impl Caption {
    pub fn parse(s: &str) -> Result<Caption, Invalid> {
        let t = s.trim();
        if t.chars().count() > 5000
            || t.chars()
                .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(Invalid::new("caption", "invalid-caption"));
        }
        Ok(Caption(t.to_string()))
    }
}

str_values!(ClipTitle, Caption);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_round_trip_and_the_first_two_are_political() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Ok(c));
        }
        assert!(
            Category::LeadershipMessage.is_political() && Category::OfficialEvent.is_political()
        );
        assert!(!Category::GoodDeeds.is_political());
        assert!(Category::parse("gossip").is_err());
    }

    #[test]
    fn titles_and_captions() {
        assert_eq!(
            ClipTitle::parse("  Lễ hội đền Hùng ").unwrap().as_str(),
            "Lễ hội đền Hùng"
        );
        assert!(ClipTitle::parse("").is_err());
        assert!(ClipTitle::parse(&"a".repeat(201)).is_err());
        assert!(Caption::parse("Dòng 1\nDòng 2").is_ok());
        assert!(Caption::parse("bad\u{7}bell").is_err());
    }
}
