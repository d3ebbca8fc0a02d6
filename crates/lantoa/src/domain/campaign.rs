//! A campaign of the coordinating body: what it asks of its agencies, checked
//! once as it comes in.

use super::{Invalid, one_line};

/// A campaign as its overseer writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignSpec {
    pub name: String,
    pub theme: String,
    pub brief: String,
    /// With '#', without repeats (as a clip's).
    pub hashtags: Vec<String>,
    /// UTC milliseconds: the first day's start and the last day's end.
    pub starts_at: i64,
    pub ends_at: i64,
}

/// Clips one agency may be asked for at most.
pub const MAX_EXPECTED: i64 = 500;

impl CampaignSpec {
    pub fn parse(
        name: &str,
        theme: &str,
        brief: &str,
        hashtags: &str,
        starts_at: i64,
        ends_at: i64,
    ) -> Result<CampaignSpec, Invalid> {
        let name = one_line(name, 1..=150, "name", "campaign-name-invalid")?;
        let theme = one_line(theme, 0..=300, "theme", "campaign-theme-invalid")?;
        let brief = brief.trim().replace("\r\n", "\n");
        if brief.chars().count() > 20_000 {
            return Err(Invalid::new("brief", "campaign-brief-invalid"));
        }
        let hashtags = super::approval::parse_hashtags(hashtags)?;
        if ends_at < starts_at {
            return Err(Invalid::new("ends_on", "campaign-dates-invalid"));
        }
        Ok(CampaignSpec {
            name,
            theme,
            brief,
            hashtags,
            starts_at,
            ends_at,
        })
    }
}

/// The clips expected of one agency, 0 to [`MAX_EXPECTED`].
pub fn expected(n: i64) -> Result<i64, Invalid> {
    if (0..=MAX_EXPECTED).contains(&n) {
        Ok(n)
    } else {
        Err(Invalid::new("expected", "campaign-expected-invalid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_needs_a_name_and_dates_in_order() {
        let ok = CampaignSpec::parse(" Ngày hội ", "", "Bài viết", "#a b", 10, 20).unwrap();
        assert_eq!(ok.name, "Ngày hội");
        assert_eq!(ok.hashtags, vec!["#a", "#b"]);
        assert_eq!(
            CampaignSpec::parse("", "", "", "", 10, 20)
                .unwrap_err()
                .field,
            "name"
        );
        assert_eq!(
            CampaignSpec::parse("x", "", "", "", 20, 10)
                .unwrap_err()
                .field,
            "ends_on"
        );
        assert!(expected(501).is_err() && expected(3).is_ok());
    }
}
