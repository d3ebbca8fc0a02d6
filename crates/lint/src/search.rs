//! Text as search compares it: Vietnamese with and without tone marks alike,
//! so that "thai nguyen" finds "Thái Nguyên" and "Thái" finds "thai".

use unicode_normalization::UnicodeNormalization;

/// `text` lowercased, without tone or vowel marks (đ as d), in words split by
/// single spaces. Apply the same to the text searched and to the query.
pub fn search_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfd() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_alphanumeric() || c == '#' || c == '@' {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::search_key;

    #[test]
    fn marks_case_and_punctuation_fall_away() {
        assert_eq!(search_key("Thái Nguyên"), "thai nguyen");
        assert_eq!(search_key("ĐẮK LẮK, Đồng Hỷ!"), "dak lak dong hy");
        // Precomposed and decomposed input alike.
        assert_eq!(search_key("Thu\u{301}y"), search_key("Thúy"));
        assert_eq!(search_key("  #TinhNha  lễ—ra quân "), "#tinhnha le ra quan");
        assert_eq!(search_key(""), "");
    }
}
