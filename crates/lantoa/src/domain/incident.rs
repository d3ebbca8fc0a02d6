//! Incidents reported to the coordinating body: their types, severities and
//! states, and which step each side may take from which state.

use super::Invalid;
use super::codes::code_enum;

code_enum! {
    /// What happened.
    pub enum IncidentKind {
        /// Published in error and taken down (opened by the takedown itself).
        Takedown = "takedown",
        /// A correction was issued.
        Correction = "correction",
        /// A channel was taken over or is impersonated.
        ChannelCompromised = "channel_compromised",
        /// A platform removed a post or gave the channel a strike.
        PlatformRemoval = "platform_removal",
        /// Harmful or false content about the agency circulates.
        HarmfulContent = "harmful_content",
        Other = "other",
    }
}

code_enum! {
    /// How serious it is; sets the time the body must answer within.
    pub enum Severity {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
}

code_enum! {
    /// Where an incident stands.
    pub enum IncidentState {
        /// Reported, not yet acknowledged by the body.
        Open = "open",
        /// The body has it.
        Acknowledged = "acknowledged",
        /// The body asked the agency for more; the agency's turn.
        MoreInfo = "more_info",
        /// Closed by the body with a conclusion.
        Closed = "closed",
    }
}

code_enum! {
    /// One entry of an incident's timeline.
    pub enum EventKind {
        Opened = "opened",
        /// A note by the agency (what was done), possibly with a file.
        Note = "note",
        Acknowledged = "acknowledged",
        /// The body asks the agency for more.
        MoreAsked = "more_asked",
        /// The agency answers the body's question.
        Answered = "answered",
        Closed = "closed",
        /// The body reopens a closed incident.
        Reopened = "reopened",
    }
}

/// A step taken on an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The agency adds to the timeline.
    Note,
    /// The agency answers the body's question.
    Answer,
    Acknowledge,
    AskMore,
    Close,
    Reopen,
}

impl Step {
    /// Whether the body takes this step (the agency takes the others).
    pub fn by_body(self) -> bool {
        matches!(
            self,
            Step::Acknowledge | Step::AskMore | Step::Close | Step::Reopen
        )
    }

    /// The state after the step from `from`, or none when the step does not
    /// apply there.
    pub fn next(self, from: IncidentState) -> Option<IncidentState> {
        use IncidentState::*;
        match (self, from) {
            (Step::Note, Open | Acknowledged | MoreInfo) => Some(from),
            (Step::Answer, MoreInfo) => Some(Acknowledged),
            (Step::Acknowledge, Open) => Some(Acknowledged),
            (Step::AskMore, Open | Acknowledged) => Some(MoreInfo),
            (Step::Close, Open | Acknowledged | MoreInfo) => Some(Closed),
            (Step::Reopen, Closed) => Some(Acknowledged),
            _ => None,
        }
    }

    /// The timeline entry the step writes.
    pub fn event(self) -> EventKind {
        match self {
            Step::Note => EventKind::Note,
            Step::Answer => EventKind::Answered,
            Step::Acknowledge => EventKind::Acknowledged,
            Step::AskMore => EventKind::MoreAsked,
            Step::Close => EventKind::Closed,
            Step::Reopen => EventKind::Reopened,
        }
    }

    /// Whether the step needs words (a question, an answer, a conclusion).
    pub fn needs_text(self) -> bool {
        !matches!(self, Step::Acknowledge)
    }
}

/// The hours within which the body must acknowledge an incident of each
/// severity, from the `incident_response_hours` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHours {
    pub low: i64,
    pub medium: i64,
    pub high: i64,
    pub critical: i64,
}

impl ResponseHours {
    /// Reads `critical=2,high=8,medium=24,low=72` (every severity once,
    /// whole hours from 1 to 720).
    pub fn parse(s: &str) -> Result<ResponseHours, String> {
        let mut got = [None; 4];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: expected severity=hours"))?;
            let sev = Severity::parse(k.trim())
                .ok_or_else(|| format!("{k:?}: not one of low, medium, high, critical"))?;
            let h: i64 = v
                .trim()
                .parse()
                .ok()
                .filter(|h| (1..=720).contains(h))
                .ok_or_else(|| format!("{v:?}: hours from 1 to 720"))?;
            let slot = &mut got[sev as usize];
            if slot.is_some() {
                return Err(format!("{k} given twice"));
            }
            *slot = Some(h);
        }
        match got {
            [Some(low), Some(medium), Some(high), Some(critical)] => Ok(ResponseHours {
                low,
                medium,
                high,
                critical,
            }),
            _ => Err("give hours for each of low, medium, high, critical".into()),
        }
    }

    pub fn of(&self, s: Severity) -> i64 {
        match s {
            Severity::Low => self.low,
            Severity::Medium => self.medium,
            Severity::High => self.high,
            Severity::Critical => self.critical,
        }
    }
}

/// An incident's title: one line, 5 to 200 characters.
pub fn title(s: &str) -> Result<String, Invalid> {
    super::one_line(s, 5..=200, "title", "incident-title-invalid")
}

/// What a person writes in a step or a report: 1 to 5,000 characters.
pub fn text(s: &str, field: &'static str) -> Result<String, Invalid> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 5000 {
        return Err(Invalid::new(field, "incident-text-invalid"));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_side_steps_only_where_it_may() {
        use IncidentState::*;
        assert_eq!(Step::Acknowledge.next(Open), Some(Acknowledged));
        assert_eq!(Step::Acknowledge.next(Acknowledged), None);
        assert_eq!(Step::AskMore.next(Acknowledged), Some(MoreInfo));
        assert_eq!(Step::Answer.next(MoreInfo), Some(Acknowledged));
        assert_eq!(Step::Answer.next(Acknowledged), None);
        assert_eq!(Step::Close.next(MoreInfo), Some(Closed));
        assert_eq!(
            Step::Note.next(Closed),
            None,
            "a closed incident takes no notes"
        );
        assert_eq!(Step::Reopen.next(Closed), Some(Acknowledged));
        assert!(Step::Close.by_body() && !Step::Answer.by_body());
    }

    #[test]
    fn response_hours_need_every_severity_once() {
        let h = ResponseHours::parse("critical=2, high=8,medium=24,low=72").unwrap();
        assert_eq!(h.of(Severity::Critical), 2);
        assert_eq!(h.of(Severity::Low), 72);
        assert!(ResponseHours::parse("critical=2,high=8,medium=24").is_err());
        assert!(ResponseHours::parse("critical=2,critical=3,high=8,medium=24,low=1").is_err());
        assert!(ResponseHours::parse("critical=0,high=8,medium=24,low=72").is_err());
        assert!(ResponseHours::parse("urgent=2,high=8,medium=24,low=72").is_err());
    }
}
