//! The ready survey "nhu cầu và thói quen xem video ngắn": what platforms
//! people use, how long and when they watch, the length and topics they
//! like, their device and sound; age group and area last and optional. Its
//! words are in the `.ftl` files (`survey-tpl-…`), so an agency gets it in
//! the language of the person who makes it. The options about times,
//! lengths and topics say what they stand for in the measured figures, for
//! the comparison card.

use crate::domain::survey::{Choice, Form, Kind, Measure, Question};
use crate::i18n::Tr;

/// (option message suffix, what it maps to)
type Opt = (&'static str, Option<&'static str>);

struct Q {
    key: &'static str,
    section: &'static str,
    kind: Kind,
    required: bool,
    demographic: bool,
    measure: Option<Measure>,
    options: &'static [Opt],
}

const fn q(key: &'static str, section: &'static str, kind: Kind, options: &'static [Opt]) -> Q {
    Q {
        key,
        section,
        kind,
        required: true,
        demographic: false,
        measure: None,
        options,
    }
}

const QUESTIONS: &[Q] = &[
    q(
        "platforms",
        "habits",
        Kind::Multiple,
        &[
            ("facebook", None),
            ("youtube", None),
            ("tiktok", None),
            ("zalo", None),
            ("other", None),
        ],
    ),
    q(
        "hours",
        "habits",
        Kind::Single,
        &[
            ("lt30m", None),
            ("30m-1h", None),
            ("1-2h", None),
            ("2-3h", None),
            ("gt3h", None),
        ],
    ),
    Q {
        measure: Some(Measure::Time),
        ..q(
            "when",
            "habits",
            Kind::Multiple,
            &[
                ("morning", Some("6-9")),
                ("noon", Some("11-13")),
                ("afternoon", Some("17-19")),
                ("evening", Some("19-22")),
                ("night", Some("22-24")),
            ],
        )
    },
    Q {
        measure: Some(Measure::Length),
        ..q(
            "length",
            "habits",
            Kind::Single,
            &[
                ("lt15", Some("0")),
                ("15-30", Some("1")),
                ("30-60", Some("2")),
                ("1-3m", Some("3,4")),
                ("gt3m", Some("5")),
            ],
        )
    },
    q(
        "sound",
        "habits",
        Kind::Single,
        &[("always", None), ("sometimes", None), ("muted", None)],
    ),
    q(
        "device",
        "habits",
        Kind::Single,
        &[
            ("phone", None),
            ("tablet", None),
            ("computer", None),
            ("tv", None),
        ],
    ),
    Q {
        measure: Some(Measure::Topics),
        ..q(
            "topics",
            "content",
            Kind::Multiple,
            &[
                ("local-news", Some("current_affairs")),
                ("leaders", Some("leadership_message")),
                ("events", Some("official_event")),
                ("good-deeds", Some("good_deeds")),
                ("culture", Some("other")),
            ],
        )
    },
    q(
        "rank",
        "content",
        Kind::Ranking,
        &[
            ("fast", None),
            ("accurate", None),
            ("short", None),
            ("engaging", None),
        ],
    ),
    Q {
        required: false,
        ..q("rating", "content", Kind::Rating, &[])
    },
    Q {
        required: false,
        ..q("wish", "content", Kind::Text, &[])
    },
    Q {
        required: false,
        demographic: true,
        ..q(
            "age",
            "about",
            Kind::Single,
            &[
                ("u18", None),
                ("18-24", None),
                ("25-34", None),
                ("35-44", None),
                ("45-54", None),
                ("55", None),
            ],
        )
    },
    Q {
        required: false,
        demographic: true,
        ..q(
            "area",
            "about",
            Kind::Single,
            &[
                ("city", None),
                ("town", None),
                ("rural", None),
                ("highland", None),
            ],
        )
    },
];

/// The template's title, introduction and form in `tr`'s language.
pub fn short_video(tr: &Tr) -> (String, String, Form) {
    let questions = QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, t)| Question {
            key: format!("q{}", i + 1),
            kind: t.kind,
            text: tr.t(&format!("survey-tpl-{}", t.key)),
            help: String::new(),
            section: tr.t(&format!("survey-tpl-section-{}", t.section)),
            options: t
                .options
                .iter()
                .enumerate()
                .map(|(j, (o, maps))| Choice {
                    key: format!("o{}", j + 1),
                    label: tr.t(&format!("survey-tpl-{}-{o}", t.key)),
                    maps: maps.map(str::to_string),
                })
                .collect(),
            required: t.required,
            demographic: t.demographic,
            measure: t.measure,
        })
        .collect();
    (
        tr.t("survey-tpl-title"),
        tr.t("survey-tpl-intro"),
        Form { questions },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Locale;

    #[test]
    fn the_template_has_every_word_in_both_languages() {
        for locale in Locale::ALL {
            let (title, intro, form) = short_video(&Tr::new(locale));
            let mut words = vec![title, intro];
            for q in &form.questions {
                words.push(q.text.clone());
                words.push(q.section.clone());
                words.extend(q.options.iter().map(|c| c.label.clone()));
            }
            for w in words {
                assert!(!w.starts_with("survey-tpl"), "{locale:?} lacks {w}");
            }
            assert!(
                form.questions
                    .iter()
                    .filter(|q| q.demographic)
                    .all(|q| !q.required)
            );
        }
    }
}
