//! The words people wrote in a survey's short answers, counted: Vietnamese
//! written in syllables, each counted once per answer, without the small
//! words that carry no subject. The list of those is kept here and only here.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

/// Words too common to say anything about what people want.
pub const STOP_WORDS: &[&str] = &[
    "và", "của", "là", "có", "không", "những", "được", "các", "cho", "với", "một", "này", "để",
    "trong", "thì", "rất", "cũng", "nhưng", "khi", "đã", "ở", "về", "ra", "vào", "lại", "như",
    "nữa", "nhé", "ạ", "hơn", "đó", "hay", "hoặc", "mà", "nên", "sẽ", "đang", "tôi", "mình", "em",
    "anh", "chị", "bạn", "chúng", "ta", "thêm", "nhiều", "hãy", "muốn", "the", "and", "of", "to",
    "a",
];

/// The `top` most frequent words of `texts`, most frequent first (ties in
/// alphabetical order), with the number of answers that use each.
pub fn frequent_words<'a>(
    texts: impl Iterator<Item = &'a str>,
    top: usize,
) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for t in texts {
        let lower: String = t.nfc().flat_map(char::to_lowercase).collect();
        let mut seen: Vec<&str> = Vec::new();
        for w in lower.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().count() < 2
                || w.chars().all(|c| c.is_ascii_digit())
                || STOP_WORDS.contains(&w)
                || seen.contains(&w)
            {
                continue;
            }
            seen.push(w);
            *counts.entry(w.to_string()).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(top);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_dropped_and_each_answer_counts_a_word_once() {
        let texts = [
            "Tôi muốn xem thêm video về du lịch và ẩm thực",
            "Du lịch, du lịch và DU LỊCH của tỉnh",
            "Nông nghiệp và du lịch",
        ];
        let top = frequent_words(texts.iter().copied(), 3);
        assert_eq!(top[0], ("du".to_string(), 3));
        assert_eq!(top[1], ("lịch".to_string(), 3));
        for (w, _) in frequent_words(texts.iter().copied(), 50) {
            assert!(!STOP_WORDS.contains(&w.as_str()), "{w} is a stop word");
        }
    }

    #[test]
    fn decomposed_and_composed_letters_are_one_word() {
        let decomposed: String = "lịch".nfd().collect();
        let texts = [decomposed.as_str(), "lịch"];
        assert_eq!(
            frequent_words(texts.iter().copied(), 5),
            vec![("lịch".to_string(), 2)]
        );
    }
}
