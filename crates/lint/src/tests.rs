//! The lint, rule by rule, both ways: each error is caught with the right fix,
//! and correct text is left alone. Then the correct corpus (false positives),
//! random garbage (no panics, offsets on char boundaries) and `apply`.

use unicode_normalization::UnicodeNormalization;

use super::*;

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// The seeded rules without the watch list, so only real problems show.
fn rules(style: ToneStyle) -> Rules {
    Rules {
        watch_list: vec![],
        ..Rules::seeded(style)
    }
}

struct Case {
    text: String,
    style: ToneStyle,
    rule: &'static str,
    found: String,
    suggestion: Option<String>,
}

fn old(text: &str, rule: &'static str, found: &str, suggestion: Option<&str>) -> Case {
    Case {
        text: text.into(),
        style: ToneStyle::Old,
        rule,
        found: found.into(),
        suggestion: suggestion.map(str::to_string),
    }
}

fn new(text: &str, rule: &'static str, found: &str, suggestion: Option<&str>) -> Case {
    Case {
        style: ToneStyle::New,
        ..old(text, rule, found, suggestion)
    }
}

/// Every kind of error, with the finding it must produce.
fn caught() -> Vec<Case> {
    let s = Some;
    vec![
        // NFC: one finding over the words that change.
        old(&nfd("Hà Nội"), "nfc", &nfd("Hà Nội"), s("Hà Nội")),
        old(
            &format!("Thủ đô {} đẹp", nfd("Hà")),
            "nfc",
            &nfd("Hà"),
            s("Hà"),
        ),
        old(
            &nfd("Người dân vui mừng."),
            "nfc",
            &nfd("Người dân vui mừng."),
            s("Người dân vui mừng."),
        ),
        old(
            &format!("Hà Nội và {}", nfd("Huế")),
            "nfc",
            &nfd("Huế"),
            s("Huế"),
        ),
        old("Ve\u{301} xe", "nfc", "Ve\u{301}", s("Vé")),
        old(
            &format!("{} và {}", nfd("Đà"), nfd("Huế")),
            "nfc",
            &format!("{} và {}", nfd("Đà"), nfd("Huế")),
            s("Đà và Huế"),
        ),
        // TCVN3 (.VnTime) pasted as Windows-1252.
        old(
            "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
            "legacy_tcvn3",
            "Céng hoµ x· héi chñ nghÜa ViÖt",
            s("Cộng hoà xã hội chủ nghĩa Việt"),
        ),
        old(
            "T«i yªu tiÕng n\u{AD}íc t«i",
            "legacy_tcvn3",
            "T«i yªu tiÕng n\u{AD}íc t«i",
            s("Tôi yêu tiếng nước tôi"),
        ),
        old(
            "Uû ban nh©n d©n tØnh",
            "legacy_tcvn3",
            "Uû ban nh©n d©n tØnh",
            s("Uỷ ban nhân dân tỉnh"),
        ),
        old(
            "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM",
            "legacy_tcvn3",
            "CéNG HOµ X· HéI CHñ NGHÜA VIÖT",
            s("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT"),
        ),
        old(
            "Trích văn bản: Ng\u{AD}êi d©n ®· ®ång t×nh.",
            "legacy_tcvn3",
            "Ng\u{AD}êi d©n ®· ®ång t×nh.",
            s("Người dân đã đồng tình."),
        ),
        old(
            "Së Y tÕ th«ng b¸o",
            "legacy_tcvn3",
            "Së Y tÕ th«ng b¸o",
            s("Sở Y tế thông báo"),
        ),
        // VNI-Windows.
        old(
            "Ngöôøi duøng naøy khoâng toàn taïi.",
            "legacy_vni",
            "Ngöôøi duøng naøy khoâng toàn taïi.",
            s("Người dùng này không tồn tại."),
        ),
        old("Vieät Nam", "legacy_vni", "Vieät", s("Việt")),
        old(
            "HP CHÆ ÑÖÔÏC AÙP DUÏNG",
            "legacy_vni",
            "CHÆ ÑÖÔÏC AÙP DUÏNG",
            s("CHỈ ĐƯỢC ÁP DỤNG"),
        ),
        old("Ñònh nghóa", "legacy_vni", "Ñònh nghóa", s("Định nghĩa")),
        old(
            "Soá ngöôøi ñöôïc caáp theû",
            "legacy_vni",
            "Soá ngöôøi ñöôïc caáp theû",
            s("Số người được cấp thẻ"),
        ),
        // VISCII read as Windows-1252 (generated with iconv -t VISCII).
        old(
            "Ng\u{DF}\u{B6}i Vi\u{AE}t Nam",
            "legacy_viscii",
            "Ng\u{DF}\u{B6}i Vi\u{AE}t",
            s("Người Việt"),
        ),
        old(
            "Ch\u{FC} t\u{B8}ch n\u{DF}\u{BE}c \u{F0}\u{AA}n th\u{E5}m",
            "legacy_viscii",
            "Ch\u{FC} t\u{B8}ch n\u{DF}\u{BE}c \u{F0}\u{AA}n th\u{E5}m",
            s("Chủ tịch nước đến thăm"),
        ),
        old(
            "\u{D0}\u{D5}i h\u{B5}i \u{D0}\u{E4}ng b\u{B5} t\u{EF}nh",
            "legacy_viscii",
            "\u{D0}\u{D5}i h\u{B5}i \u{D0}\u{E4}ng b\u{B5} t\u{EF}nh",
            s("Đại hội Đảng bộ tỉnh"),
        ),
        old(
            "\u{153}y ban nh\u{E2}n d\u{E2}n t\u{EF}nh",
            "legacy_viscii",
            "\u{153}y ban nh\u{E2}n d\u{E2}n t\u{EF}nh",
            s("Ủy ban nhân dân tỉnh"),
        ),
        // VNI keystrokes with the Vietnamese keyboard off.
        old("Vie65t Nam", "vni_keystrokes", "Vie65t", s("Việt")),
        old("to6i ye6u", "vni_keystrokes", "ye6u", s("yêu")),
        old("nguo7i2 da6n", "vni_keystrokes", "nguo7i2", s("người")),
        old("Ha2 No65i", "vni_keystrokes", "No65i", s("Nội")),
        old("Vie6t Nam", "vni_keystrokes", "Vie6t", s("Viêt")),
        // Tone marks out of place.
        old("số lựơng lớn", "tone_placement", "lựơng", s("lượng")),
        old(
            "kết quả thí nghịêm",
            "tone_placement",
            "nghịêm",
            s("nghiệm"),
        ),
        old("bài baỏ", "tone_placement", "baỏ", s("bảo")),
        old("hòan thành", "tone_placement", "hòan", s("hoàn")),
        old("tòan dân", "tone_placement", "tòan", s("toàn")),
        old("đã đựơc duyệt", "tone_placement", "đựơc", s("được")),
        old("tiền cuả dân", "tone_placement", "cuả", s("của")),
        old("qúa đẹp", "tone_placement", "qúa", s("quá")),
        old("Qúy khách", "tone_placement", "Qúy", s("Quý")),
        old("gìa rồi", "tone_placement", "gìa", s("già")),
        old("thủơ ấy", "tone_placement", "thủơ", s("thuở")),
        old("SỐ LỰƠNG", "tone_placement", "LỰƠNG", s("LƯỢNG")),
        old("khủyu tay", "tone_placement", "khủyu", s("khuỷu")),
        old("ngừơi dân", "tone_placement", "ngừơi", s("người")),
        old("nhớ hòai", "tone_placement", "hòai", s("hoài")),
        old("tíêng Việt", "tone_placement", "tíêng", s("tiếng")),
        old("múôn năm", "tone_placement", "múôn", s("muốn")),
        old("khuýên học", "tone_placement", "khuýên", s("khuyến")),
        old("ông Nguỹên", "tone_placement", "Nguỹên", s("Nguyễn")),
        old("kế họach", "tone_placement", "họach", s("hoạch")),
        old("xóay", "tone_placement", "xóay", s("xoáy")),
        new(
            "sức khoẻ tốt, hòan hảo",
            "tone_placement",
            "hòan",
            s("hoàn"),
        ),
        // The other house style.
        old("hoà bình", "tone_style", "hoà", s("hòa")),
        old("sức khoẻ", "tone_style", "khoẻ", s("khỏe")),
        old("thuỷ lợi", "tone_style", "thuỷ", s("thủy")),
        old("Uỷ viên", "tone_style", "Uỷ", s("Ủy")),
        old("văn hoá", "tone_style", "hoá", s("hóa")),
        old("HOÀ BÌNH", "tone_style", "HOÀ", s("HÒA")),
        new("hòa bình", "tone_style", "hòa", s("hoà")),
        new("sức khỏe", "tone_style", "khỏe", s("khoẻ")),
        new("thủy lợi", "tone_style", "thủy", s("thuỷ")),
        new("Tòa án", "tone_style", "Tòa", s("Toà")),
        // Both styles in one text.
        old("hòa bình và văn hoá", "tone_mixed", "hoá", None),
        new("hoà bình, hòa hợp, thuỷ lợi", "tone_mixed", "hòa", None),
        old("Thủy và thuỷ", "tone_mixed", "thuỷ", None),
        // Official names (Decree 30).
        old(
            "ủy ban nhân dân tỉnh họp.",
            "capitalisation",
            "ủy ban nhân dân tỉnh",
            s("Ủy ban nhân dân tỉnh"),
        ),
        old(
            "Hôm nay, Ủy Ban Nhân Dân Tỉnh họp.",
            "capitalisation",
            "Ủy Ban Nhân Dân Tỉnh",
            s("Ủy ban nhân dân tỉnh"),
        ),
        old(
            "Theo ý kiến của bộ chính trị.",
            "capitalisation",
            "bộ chính trị",
            s("Bộ Chính trị"),
        ),
        old(
            "Đồng chí tổng bí thư phát biểu.",
            "capitalisation",
            "tổng bí thư",
            s("Tổng Bí thư"),
        ),
        old(
            "Ông gặp chủ tịch nước.",
            "capitalisation",
            "chủ tịch nước",
            s("Chủ tịch nước"),
        ),
        old(
            "Phiên họp của quốc hội.",
            "capitalisation",
            "quốc hội",
            s("Quốc hội"),
        ),
        old(
            "Theo Sở văn hóa, thể thao và du lịch.",
            "capitalisation",
            "Sở văn hóa, thể thao và du lịch",
            s("Sở Văn hóa, Thể thao và Du lịch"),
        ),
        old(
            "Theo Bộ thông tin và truyền thông.",
            "capitalisation",
            "Bộ thông tin và truyền thông",
            s("Bộ Thông tin và Truyền thông"),
        ),
        old(
            "Ban tuyên giáo và dân vận tỉnh ủy họp.",
            "capitalisation",
            "Ban tuyên giáo và dân vận tỉnh ủy",
            s("Ban Tuyên giáo và Dân vận Tỉnh ủy"),
        ),
        new(
            "Hôm nay Uỷ Ban Nhân Dân tỉnh họp.",
            "capitalisation",
            "Uỷ Ban Nhân Dân tỉnh",
            s("Uỷ ban nhân dân tỉnh"),
        ),
        old(
            "Người dân Thành Phố Hồ Chí Minh",
            "capitalisation",
            "Thành Phố Hồ Chí Minh",
            s("Thành phố Hồ Chí Minh"),
        ),
        old(
            "Cán bộ phục vụ nhân dân.",
            "capitalisation",
            "nhân dân",
            s("Nhân dân"),
        ),
        old(
            "Dịp Tết Nguyên Đán năm nay.",
            "capitalisation",
            "Tết Nguyên Đán",
            s("tết Nguyên đán"),
        ),
        old(
            "Theo Bộ luật hình sự.",
            "capitalisation",
            "Bộ luật hình sự",
            s("Bộ luật Hình sự"),
        ),
        old(
            "Văn bản của Thủ Tướng Chính Phủ.",
            "capitalisation",
            "Thủ Tướng Chính Phủ",
            s("Thủ tướng Chính phủ"),
        ),
        old(
            "Sự lãnh đạo của đảng cộng sản việt nam.",
            "capitalisation",
            "đảng cộng sản việt nam",
            s("Đảng Cộng sản Việt Nam"),
        ),
        old(
            "Tăng thu Ngân sách Nhà nước.",
            "capitalisation",
            "Ngân sách Nhà nước",
            s("ngân sách nhà nước"),
        ),
        old(
            "Theo luật, Cơ quan nhà nước phải trả lời.",
            "capitalisation",
            "Cơ quan nhà nước",
            s("cơ quan nhà nước"),
        ),
        old(
            "Năm 2025 Ngân sách nhà nước tăng.",
            "capitalisation",
            "Ngân sách nhà nước",
            s("ngân sách nhà nước"),
        ),
        old(
            "Theo Bộ lao động - thương binh và xã hội.",
            "capitalisation",
            "Bộ lao động - thương binh và xã hội",
            s("Bộ Lao động - Thương binh và Xã hội"),
        ),
        old(
            "Kỷ niệm ngày quốc khánh.",
            "capitalisation",
            "ngày quốc khánh",
            s("ngày Quốc khánh"),
        ),
        old(
            "Bí thư tỉnh ủy dự.",
            "capitalisation",
            "Bí thư tỉnh ủy",
            s("Bí thư Tỉnh ủy"),
        ),
        // Sentence starts.
        old("hôm nay trời đẹp.", "sentence_start", "hôm", s("Hôm")),
        old(
            "Trời mưa. người dân ở nhà.",
            "sentence_start",
            "người",
            s("Người"),
        ),
        old(
            "Thật sao? tôi không tin.",
            "sentence_start",
            "tôi",
            s("Tôi"),
        ),
        old(
            "Tuyệt vời! mọi người vỗ tay.",
            "sentence_start",
            "mọi",
            s("Mọi"),
        ),
        old(
            "Đoạn một.\n\nđoạn hai.",
            "sentence_start",
            "đoạn",
            s("Đoạn"),
        ),
        old("“ai đến đó?”", "sentence_start", "ai", s("Ai")),
        old(
            "Năm 2024. tiếp theo là năm mới.",
            "sentence_start",
            "tiếp",
            s("Tiếp"),
        ),
        // Eth for Đ.
        old("Ðà Nẵng", "eth", "Ð", s("Đ")),
        old("Ðảng viên", "eth", "Ð", s("Đ")),
        old("Hà Nội ðẹp", "eth", "ð", s("đ")),
        // Invisible and control characters, no-break spaces.
        old("Hà\u{200B}Nội", "invisible", "\u{200B}", s("")),
        old("Hà Nội\u{FEFF}", "invisible", "\u{FEFF}", s("")),
        old("tin\u{AD}tức", "invisible", "\u{AD}", s("")),
        old("Hà\u{200D}Nội", "invisible", "\u{200D}", s("")),
        old("\u{200E}Tin tức", "invisible", "\u{200E}", s("")),
        old(
            "Hà\u{200B}\u{200B}Nội",
            "invisible",
            "\u{200B}\u{200B}",
            s(""),
        ),
        old("Hà\u{A0}Nội", "nbsp", "\u{A0}", s(" ")),
        old("Dài 10\u{202F}km", "nbsp", "\u{202F}", s(" ")),
        old("Tin\u{7} tức", "control", "\u{7}", s("")),
        // Doubled words.
        old("Tiền của của dân", "doubled_word", "của của", s("của")),
        old("Bộ trưởng đã đã ký", "doubled_word", "đã đã", s("đã")),
        old("Cái cái bàn", "doubled_word", "Cái cái", s("Cái")),
        old("Anh và\nvà em", "doubled_word", "và\nvà", s("và")),
        // Spacing and punctuation.
        old("Hà  Nội", "doubled_space", "  ", s(" ")),
        old("tin   tức", "doubled_space", "   ", s(" ")),
        old("Hà Nội , Huế", "punct_space", " ", s("")),
        old("Xong rồi .", "punct_space", " ", s("")),
        old("Thật sao ?", "punct_space", " ", s("")),
        old("Lưu ý : mang theo", "punct_space", " ", s("")),
        old("Tuyệt vời !", "punct_space", " ", s("")),
        old("Thứ nhất ; thứ hai", "punct_space", " ", s("")),
        old("Hà Nội,Huế", "punct_missing_space", ",", s(", ")),
        old("Đã xong.Sau đó về", "punct_missing_space", ".", s(". ")),
        old("Ảnh:Minh Hòa", "punct_missing_space", ":", s(": ")),
        old(
            "Thật sao?Tôi không tin",
            "punct_missing_space",
            "?",
            s("? "),
        ),
        old("Thứ nhất;thứ hai", "punct_missing_space", ";", s("; ")),
        old("Hay quá!Tuyệt", "punct_missing_space", "!", s("! ")),
        old("Ghi chú ( nội dung)", "bracket_space", " ", s("")),
        old("Ghi chú (nội dung )", "bracket_space", " ", s("")),
        old("Khẩu hiệu “ nội dung”", "bracket_space", " ", s("")),
        old("Ghi chú [ nội dung]", "bracket_space", " ", s("")),
        old("Chờ… rồi chờ... và chờ...", "ellipsis_mixed", "…", s("...")),
        // Look-alike letters from other scripts.
        old("Hà Nộі", "lookalike", "і", s("i")),
        old("tоàn dân", "lookalike", "о", s("o")),
        old("Việt Nаm", "lookalike", "а", s("a")),
        old("Τin tức", "lookalike", "Τ", s("T")),
        old("Сhủ tịch", "lookalike", "С", s("C")),
        // Administrative units and detached marks (issue 11, point 15).
        old(
            "Đoàn công tác thăm Tỉnh Thái Nguyên.",
            "admin_unit",
            "Tỉnh Thái Nguyên",
            s("tỉnh Thái Nguyên"),
        ),
        old(
            "Chủ tịch UBND Tỉnh phát biểu.",
            "admin_unit",
            "UBND Tỉnh",
            s("UBND tỉnh"),
        ),
        old(
            "Tiếng Việ\u{323}t",
            "detached_mark",
            "Việ\u{323}t",
            s("Việt"),
        ),
    ]
}

/// Point 15 of issue 11: an administrative unit capitalised before a place name
/// in mid-sentence, each with its fix in lower case.
const P15_UNITS: &[(&str, &str, &str)] = &[
    (
        "Đoàn công tác đến thăm Tỉnh Thái Nguyên.",
        "Tỉnh Thái Nguyên",
        "tỉnh Thái Nguyên",
    ),
    (
        "Lễ hội diễn ra tại Huyện Đại Từ từ ngày 2-9.",
        "Huyện Đại Từ",
        "huyện Đại Từ",
    ),
    (
        "Người dân Xã Tân Lập phấn khởi.",
        "Xã Tân Lập",
        "xã Tân Lập",
    ),
    (
        "Đường về Thành phố Thái Nguyên thông xe.",
        "Thành phố Thái Nguyên",
        "thành phố Thái Nguyên",
    ),
    (
        "Đường về Thành Phố Sông Công thông xe.",
        "Thành Phố Sông Công",
        "thành phố Sông Công",
    ),
    (
        "Nhà máy ở Thị Xã Phổ Yên mở rộng.",
        "Thị Xã Phổ Yên",
        "thị xã Phổ Yên",
    ),
    (
        "Trường học của Quận Hoàn Kiếm và Đặc khu Phú Quốc.",
        "Đặc khu Phú Quốc",
        "đặc khu Phú Quốc",
    ),
    (
        "Trường học của Quận Hoàn Kiếm và Đặc khu Phú Quốc.",
        "Quận Hoàn Kiếm",
        "quận Hoàn Kiếm",
    ),
    ("Chủ tịch UBND Tỉnh phát biểu.", "UBND Tỉnh", "UBND tỉnh"),
    (
        "Theo HĐND Huyện, kỳ họp kết thúc.",
        "HĐND Huyện",
        "HĐND huyện",
    ),
    (
        "Công an Tỉnh Quảng Ngãi (Trung Quốc có Tỉnh Quảng Đông).",
        "Tỉnh Quảng Đông",
        "tỉnh Quảng Đông",
    ),
];

#[test]
fn p15_a_capitalised_unit_before_a_place_is_caught_with_its_fix() {
    let r = rules(ToneStyle::Old);
    let mut failures = Vec::new();
    for (text, found, fix) in P15_UNITS {
        let fs = lint(text, &r);
        let hit = fs
            .iter()
            .find(|f| f.rule == "admin_unit" && f.found == *found);
        match hit {
            Some(f) if f.suggestion.as_deref() == Some(*fix) => {
                assert_eq!(f.severity, Severity::Warning);
                let fixed = apply(text, f).expect("applies");
                assert!(
                    !lint(&fixed, &r)
                        .iter()
                        .any(|g| g.rule == "admin_unit" && g.start == f.start),
                    "{fixed}"
                );
            }
            _ => failures.push(format!(
                "{text:?}: want {found:?}→{fix:?}; got {}",
                describe(&fs)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A two-word unit is one finding, and its second word alone is still seen.
    let units = |t: &str| -> Vec<String> {
        lint(t, &r)
            .into_iter()
            .filter(|f| f.rule == "admin_unit")
            .map(|f| f.found)
            .collect()
    };
    assert_eq!(
        units("Nhà máy ở Thị Xã Phổ Yên mở rộng."),
        ["Thị Xã Phổ Yên"]
    );
    assert_eq!(units("Nhà máy ở thị Xã Phổ Yên mở rộng."), ["Xã Phổ Yên"]);
    // In capitals, as a headline, is left to the editor.
    assert!(
        !lint("LỄ HỘI TẠI TỈNH THÁI NGUYÊN", &r)
            .iter()
            .any(|f| f.rule == "admin_unit")
    );
}

/// Where the unit word rightly keeps its capital.
const P15_UNITS_CORRECT: &[&str] = &[
    // Names of bodies that begin with the unit word.
    "Ban Thường vụ Tỉnh ủy, Tỉnh đoàn, Thành ủy, Thành đoàn và Huyện ủy Đại Từ cùng dự.",
    "Đại diện Huyện đoàn, Quận ủy, Thị ủy và Tỉnh hội Người mù tham gia.",
    "Bí thư Tỉnh ủy làm việc với Ban Tuyên giáo và Dân vận Tỉnh ủy.",
    // Fixed forms and listed names.
    "Đoàn về thăm Thủ đô Hà Nội và Thành phố Hồ Chí Minh.",
    "Ủy ban nhân dân Thành phố Hồ Chí Minh và Ủy ban nhân dân tỉnh họp.",
    // Before a number or a person's or event's name.
    "Cửa hàng ở Quận 1, Phường 3 và Quận 10 đều mở cửa.",
    "Nhà văn hóa Phường Lê Lợi, Phường Nguyễn Trãi và Quận Hai Bà Trưng.",
    "Người dân Phường Điện Biên Phủ và Phường Quang Trung vui mừng.",
    // At a sentence start.
    "Tỉnh Thái Nguyên có 9 đơn vị hành chính cấp huyện.",
    "Năm nay mưa nhiều. Huyện Đại Từ chủ động phòng chống lũ.",
    "Ảnh: Minh Hòa\nXã Tân Lập đón Tết.",
    // In lower case, as it should be.
    "Theo UBND tỉnh, người dân tỉnh Thái Nguyên, huyện Đại Từ, xã Tân Lập đều vui.",
    "Giảng viên khoa học xã hội và nhân văn; Bộ Lao động – Thương binh và Xã hội.",
    // Agencies named after the province keep their own name.
    "Phóng viên Báo Tỉnh đưa tin.",
];

#[test]
fn p15_official_names_numbers_people_and_sentence_starts_keep_the_unit_capital() {
    let r = rules(ToneStyle::Old);
    let mut failures = Vec::new();
    for text in P15_UNITS_CORRECT {
        let fs = lint(text, &r);
        if !fs.is_empty() {
            failures.push(format!("{text:?}: {}", describe(&fs)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn p15_a_detached_tone_mark_is_caught_with_its_fix() {
    let r = rules(ToneStyle::Old);
    let cases = [
        // A second dot below on a letter that has one.
        ("Tiếng Việ\u{323}t", "Việ\u{323}t", "Việt"),
        // The same tone twice.
        ("Tỉnh Quảng Ngã\u{303}i", "Ngã\u{303}i", "Ngãi"),
        // A tone on a vowel that has another: the one it shows stays, the
        // stray one goes.
        ("Bánh chưng xanh ngà\u{301}y Tết", "ngà\u{301}y", "ngày"),
        // The tone typed before the vowel's hat: NFC puts the tone on "e" and
        // leaves the hat hanging.
        ("Tiếng Vie\u{301}\u{302}t", "Vie\u{301}\u{302}t", "Viết"),
        ("Tiếng Vié\u{302}t", "Vié\u{302}t", "Viết"),
        // A mark on a consonant or after a space cannot be placed: it goes.
        ("Chúng tôi đ\u{301}i làm", "đ\u{301}i", "đi"),
        ("Hà Nội \u{309}mùa thu", "\u{309}mùa", "mùa"),
    ];
    let mut failures = Vec::new();
    for (text, found, fix) in cases {
        let fs = lint(text, &r);
        match fs.iter().find(|f| f.rule == "detached_mark") {
            Some(f) if f.found == found && f.suggestion.as_deref() == Some(fix) => {
                assert_eq!(f.severity, Severity::Error);
                let fixed = apply(text, f).expect("applies");
                assert!(
                    !lint(&fixed, &r).iter().any(|g| g.rule == "detached_mark"),
                    "{fixed:?}"
                );
            }
            _ => failures.push(format!(
                "{text:?}: want {found:?}→{fix:?}; got {}",
                describe(&fs)
            )),
        }
        // Text not in NFC is also fixed whole, marks included.
        if let Some(f) = fs.iter().find(|f| f.rule == "nfc") {
            let fixed = apply(text, f).expect("applies");
            assert!(
                !lint(&fixed, &r)
                    .iter()
                    .any(|g| g.rule == "detached_mark" || g.rule == "nfc"),
                "{text:?} → {fixed:?}"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn p15_marks_that_compose_are_not_detached() {
    let r = rules(ToneStyle::Old);
    for text in [
        nfd("Tiếng Việt, Hà Nội, Quảng Ngãi, người, được."),
        // Typed with an IME that sends the base letter then the marks.
        "Vie\u{302}\u{323}t Nam".to_string(),
        "Ông ấy uống café ở Zürich.".to_string(),
        "Thủ đô Москва của Nga và 東京.".to_string(),
    ] {
        let fs = lint(&text, &r);
        assert!(
            !fs.iter().any(|f| f.rule == "detached_mark"),
            "{text:?}: {}",
            describe(&fs)
        );
    }
}

fn describe(fs: &[Finding]) -> String {
    fs.iter()
        .map(|f| format!("{}[{:?}→{:?}]", f.rule, f.found, f.suggestion))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn every_error_is_caught_with_its_fix() {
    let mut failures = Vec::new();
    let cases = caught();
    for c in &cases {
        let fs = lint(&c.text, &rules(c.style));
        let hit = fs.iter().find(|f| f.rule == c.rule && f.found == c.found);
        match hit {
            Some(f) if f.suggestion == c.suggestion => {}
            _ => failures.push(format!(
                "{:?}: want {} {:?}→{:?}; got {}",
                c.text,
                c.rule,
                c.found,
                c.suggestion,
                describe(&fs)
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_code_has_a_caught_case_or_is_contextual() {
    let cases = caught();
    for rule in RULES {
        assert!(
            cases.iter().any(|c| c.rule == rule) || rule == "watch_term",
            "no test case for {rule}"
        );
    }
}

#[test]
fn applying_a_suggestion_removes_its_finding() {
    let mut failures = Vec::new();
    for c in caught() {
        let r = rules(c.style);
        for f in lint(&c.text, &r).iter().filter(|f| f.suggestion.is_some()) {
            let Some(fixed) = apply(&c.text, f) else {
                failures.push(format!("{:?}: {} did not apply", c.text, f.rule));
                continue;
            };
            let again = lint(&fixed, &r);
            if again
                .iter()
                .any(|g| g.rule == f.rule && g.start == f.start && g.found == f.found)
            {
                failures.push(format!("{:?} → {fixed:?}: {} still there", c.text, f.rule));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Correct text for each rule, that must produce no finding at all.
const CLEAN: &[(&str, ToneStyle, &str)] = &[
    ("nfc", ToneStyle::Old, "Hà Nội mùa thu, phố Huế đẹp."),
    ("nfc", ToneStyle::Old, "Ông ấy uống café ở Zürich."),
    (
        "legacy",
        ToneStyle::Old,
        "Tôi yêu tiếng nước tôi từ khi mới ra đời.",
    ),
    ("legacy", ToneStyle::Old, "Cà phê sữa đá giá 25.000 đồng."),
    (
        "legacy",
        ToneStyle::Old,
        "Nhiệt độ cao nhất 38°C, độ ẩm 70%.",
    ),
    (
        "legacy",
        ToneStyle::Old,
        "Huấn luyện viên José Mourinho đến Malmö và São Paulo.",
    ),
    (
        "legacy",
        ToneStyle::Old,
        "© 2025 Báo Tỉnh. Giá 1½ triệu đồng, kích thước 30×40 cm.",
    ),
    (
        "legacy",
        ToneStyle::Old,
        "Cầu thủ Mesut Özil và Thomas Müller.",
    ),
    (
        "legacy",
        ToneStyle::Old,
        "Điểm số đạt 7,5 ± 0,2 theo thang đo.",
    ),
    (
        "legacy",
        ToneStyle::Old,
        "Bóng đá Tây Ban Nha: đội Atlético và Sevilla hòa 1-1.",
    ),
    (
        "vni_keystrokes",
        ToneStyle::Old,
        "Khổ giấy A4 và A3 đều được.",
    ),
    (
        "vni_keystrokes",
        ToneStyle::Old,
        "Công thức H2O và khí CO2, NO2.",
    ),
    (
        "vni_keystrokes",
        ToneStyle::Old,
        "Đội U23 Việt Nam, bệnh nhân F0, mạng 5G.",
    ),
    (
        "vni_keystrokes",
        ToneStyle::Old,
        "Tiêm vitamin B12, tải tệp mp4 và mp3.",
    ),
    (
        "vni_keystrokes",
        ToneStyle::Old,
        "Kênh VTV1 và VTV3 phát sóng trận đấu.",
    ),
    (
        "vni_keystrokes",
        ToneStyle::Old,
        "Máy bay Su30 và tiêm kích MiG21.",
    ),
    (
        "tone",
        ToneStyle::Old,
        "Hòa bình, thủy lợi, khỏe mạnh, Tòa án, văn hóa, Ủy viên.",
    ),
    (
        "tone",
        ToneStyle::New,
        "Hoà bình, thuỷ lợi, khoẻ mạnh, Toà án, văn hoá, Uỷ viên.",
    ),
    (
        "tone",
        ToneStyle::Old,
        "Quý, quyết, quyền, giữ gìn, già, giặt, thuở, khuỷu tay.",
    ),
    (
        "tone",
        ToneStyle::Old,
        "Người, rượu, hoài, ngoẹo, khuya, xoong nồi, oải, hoạch, hoặc.",
    ),
    (
        "tone",
        ToneStyle::Old,
        "Ông Nguyễn Huỳnh, bà Quỳnh suýt ngã, tuần sau khuấy bột.",
    ),
    (
        "tone",
        ToneStyle::Old,
        "Giường, giếng, giữa, quốc, quả, cửa, mía, múa, cái.",
    ),
    (
        "tone",
        ToneStyle::New,
        "Khuyến học, tiếng Việt, muốn, được, lượng, nghiệm.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Ủy ban nhân dân tỉnh Thái Nguyên họp.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Ngân sách nhà nước năm 2025 tăng.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Tết Nguyên đán năm nay đến sớm.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Doanh nghiệp nhà nước phải công khai.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Xem baotinh.vn/tin. Cơ quan nhà nước vào cuộc.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Trời mưa... Cơ quan nhà nước vào cuộc.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Xem video #baotinh Cơ quan nhà nước vào cuộc.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Từ tháng 8. Ngân sách nhà nước tăng.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Đường dây nóng 1900 1234\nCơ quan nhà nước trực 24/24.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Tỉnh đẩy mạnh xây dựng chính phủ điện tử.",
    ),
    (
        "capitalisation",
        ToneStyle::New,
        "Uỷ ban nhân dân tỉnh họp phiên thường kỳ.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "ỦY BAN NHÂN DÂN TỈNH THÔNG BÁO",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Hội đồng nhân dân tỉnh và Tòa án nhân dân tỉnh.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Đồng chí Bí thư Tỉnh ủy dự Đại hội Đảng bộ tỉnh.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Nghệ sĩ Nhân dân và Nhà giáo Ưu tú được vinh danh.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Giá 100 nhân dân tệ một chiếc.",
    ),
    (
        "capitalisation",
        ToneStyle::Old,
        "Quân đội nhân dân Việt Nam và Công an nhân dân.",
    ),
    (
        "sentence_start",
        ToneStyle::Old,
        "Rau, củ, quả v.v. đều tăng giá.",
    ),
    (
        "sentence_start",
        ToneStyle::Old,
        "Anh hỏi: “Sao vậy?” rồi đi.",
    ),
    (
        "sentence_start",
        ToneStyle::Old,
        "Xem tại baotinh.vn để biết thêm.",
    ),
    (
        "sentence_start",
        ToneStyle::Old,
        "iPhone 16 ra mắt tại TP. Hồ Chí Minh.",
    ),
    (
        "sentence_start",
        ToneStyle::Old,
        "a) Nội dung thứ nhất; b) nội dung thứ hai.",
    ),
    ("sentence_start", ToneStyle::Old, "Ông nói... rồi im lặng."),
    (
        "sentence_start",
        ToneStyle::Old,
        "Hôm nay Ủy ban nhân dân tỉnh\nđã tổ chức hội nghị.",
    ),
    (
        "sentence_start",
        ToneStyle::Old,
        "Giá tăng 1.000 đồng. Người dân lo lắng.",
    ),
    ("eth", ToneStyle::Old, "Guðmundsson ghi bàn thắng."),
    (
        "invisible",
        ToneStyle::Old,
        "Cả nhà 👨\u{200D}👩\u{200D}👧 đi chơi.",
    ),
    (
        "doubled_word",
        ToneStyle::Old,
        "Ngày ngày đến trường, từ từ mà đi.",
    ),
    (
        "doubled_word",
        ToneStyle::Old,
        "Xanh xanh màu lá, người người thi đua.",
    ),
    ("doubled_word", ToneStyle::Old, "Hà Nội, Hà Nội mùa thu."),
    (
        "doubled_word",
        ToneStyle::Old,
        "Nhiều nhiều lắm, đời đời nhớ ơn.",
    ),
    (
        "doubled_space",
        ToneStyle::Old,
        "Dòng một\n  dòng hai thụt đầu dòng.",
    ),
    (
        "punct",
        ToneStyle::Old,
        "Có 1.000 người, tăng 2,5% lúc 10:30.",
    ),
    (
        "punct",
        ToneStyle::Old,
        "Xem https://baotinh.vn/tin-tuc?id=1&p=2 ngay.",
    ),
    ("punct", ToneStyle::Old, "Liên hệ: toasoan@baotinh.vn."),
    ("punct", ToneStyle::Old, "Chờ đã... Rồi sao nữa?"),
    ("punct", ToneStyle::Old, "Tại TP.HCM, giá tăng."),
    ("punct", ToneStyle::Old, "Vui quá :)"),
    (
        "punct",
        ToneStyle::Old,
        "Tỷ số chung cuộc 2 : 1 nghiêng về đội khách.",
    ),
    ("punct", ToneStyle::Old, "Đọc thêm tại baotinh.vn."),
    (
        "brackets",
        ToneStyle::Old,
        "Ghi chú (nội dung) và “khẩu hiệu” [tạm dịch].",
    ),
    ("lookalike", ToneStyle::Old, "Thủ đô Москва của Nga."),
    ("lookalike", ToneStyle::Old, "Phương trình α + β = γ."),
    ("ellipsis", ToneStyle::Old, "Chờ... rồi chờ... mãi."),
    ("nbsp", ToneStyle::Old, "Khoảng trắng thường giữa các từ."),
];

#[test]
fn correct_text_is_left_alone() {
    let mut failures = Vec::new();
    for (rule, style, text) in CLEAN {
        let fs = lint(text, &rules(*style));
        if !fs.is_empty() {
            failures.push(format!("[{rule}] {text:?}: {}", describe(&fs)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {}:\n{}",
        failures.len(),
        CLEAN.len(),
        failures.join("\n")
    );
}

#[test]
fn the_correct_corpus_has_no_false_positives() {
    let mut fp = Vec::new();
    for text in corpus::CORRECT {
        for f in lint(text, &Rules::seeded(ToneStyle::Old)) {
            if !f.political {
                fp.push(format!("{} {:?}→{:?}", f.rule, f.found, f.suggestion));
            }
        }
    }
    assert!(
        fp.is_empty(),
        "{} false positives:\n{}",
        fp.len(),
        fp.join("\n")
    );
}

#[test]
fn every_listed_name_is_consistent_with_the_list() {
    let r = rules(ToneStyle::Old);
    let mut failures = Vec::new();
    for name in default_official_names() {
        let text = format!("Theo {name} cho biết");
        let fs = lint(&text, &r);
        if !fs.is_empty() {
            failures.push(format!("{name}: {}", describe(&fs)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_seeded_lists_are_data_of_the_right_size() {
    let names = default_official_names();
    let watch = default_watch_list();
    assert!((80..=250).contains(&names.len()), "{} names", names.len());
    assert!((10..=100).contains(&watch.len()), "{} terms", watch.len());
    for e in names.iter().chain(&watch) {
        assert!(!e.starts_with('#') && e.trim() == e && !e.is_empty());
        assert_eq!(e.nfc().collect::<String>(), *e, "{e} is not NFC");
    }
    assert_eq!(parse_list("# c\n\n a \nb\n"), vec!["a", "b"]);
}

#[test]
fn watch_terms_are_political_information_without_a_fix() {
    let r = Rules::seeded(ToneStyle::Old);
    for (text, term) in [
        ("Tổng Bí thư phát biểu.", "Tổng Bí thư"),
        ("Bảo vệ chủ quyền biển đảo.", "chủ quyền"),
        ("Tình hình Biển Đông căng thẳng.", "Biển Đông"),
        ("Cuộc bầu cử diễn ra.", "bầu cử"),
        ("Bí thư Tỉnh uỷ dự họp.", "Bí thư Tỉnh uỷ"),
        ("Quần đảo HOÀNG SA của Việt Nam.", "HOÀNG SA"),
    ] {
        let fs = lint(text, &r);
        let w: Vec<_> = fs.iter().filter(|f| f.rule == "watch_term").collect();
        assert_eq!(w.len(), 1, "{text}: {}", describe(&fs));
        assert_eq!(w[0].found, term);
        assert!(w[0].political && w[0].suggestion.is_none());
        assert_eq!(w[0].severity, Severity::Info);
        assert!(
            fs.iter()
                .filter(|f| f.rule != "watch_term")
                .all(|f| !f.political)
        );
    }
    // Whole words only: "chủ quyền" is not inside "chủ quyềnx", "bầu" alone is not "bầu cử".
    let r2 = Rules {
        watch_list: vec!["bầu cử".into()],
        ..rules(ToneStyle::Old)
    };
    assert!(lint("Bầu trời xanh, cử tri đi bầu.", &r2).is_empty());
    // Corpus: watch terms are the only findings there.
    let hits: usize = corpus::CORRECT.iter().map(|t| lint(t, &r).len()).sum();
    assert!(hits > 0, "the corpus mentions watched terms");
}

#[test]
fn tone_marks_go_where_the_algorithm_says() {
    // (word without tone in the right place, old style, new style)
    let table = [
        ("hoà", "hòa", "hoà"),
        ("khỏe", "khỏe", "khoẻ"),
        ("thủy", "thủy", "thuỷ"),
        ("hoàn", "hoàn", "hoàn"),
        ("người", "người", "người"),
        ("thuở", "thuở", "thuở"),
        ("quý", "quý", "quý"),
        ("già", "già", "già"),
        ("gìn", "gìn", "gìn"),
        ("khuỷu", "khuỷu", "khuỷu"),
        ("hoài", "hoài", "hoài"),
        ("mía", "mía", "mía"),
        ("múa", "múa", "múa"),
        ("tuấn", "tuấn", "tuấn"),
        ("huế", "huế", "huế"),
        ("suýt", "suýt", "suýt"),
        ("huỳnh", "huỳnh", "huỳnh"),
        ("lượng", "lượng", "lượng"),
        ("nghiệm", "nghiệm", "nghiệm"),
        ("ủy", "ủy", "uỷ"),
        ("Ủy", "Ủy", "Uỷ"),
        ("TÒA", "TÒA", "TOÀ"),
    ];
    for (word, want_old, want_new) in table {
        let chars: Vec<char> = word.chars().collect();
        let s = syllable::parse(&chars).unwrap_or_else(|| panic!("{word} parses"));
        assert_eq!(
            s.placed(&chars, false).iter().collect::<String>(),
            want_old,
            "{word} old"
        );
        assert_eq!(
            s.placed(&chars, true).iter().collect::<String>(),
            want_new,
            "{word} new"
        );
    }
}

#[test]
fn only_real_syllables_are_valid() {
    for ok in [
        "người", "nghiêng", "quốc", "giữ", "khuya", "xoong", "oải", "yêu", "anh", "ếch", "Việt",
    ] {
        assert!(syllable::all_runs_valid(ok), "{ok}");
    }
    for bad in [
        "tØnh", "cafộ", "hàt", "ngi", "ôhà", "trớch", "x·", "Zürich", "José", "ă",
    ] {
        assert!(!syllable::all_runs_valid(bad), "{bad}");
    }
    assert!(!syllable::all_runs_valid("kà"), "k only before i, e, ê, y");
    assert!(!syllable::all_runs_valid("ghà"), "gh only before i, e, ê");
    assert!(!syllable::all_runs_valid("ngè"), "ngh before e");
    assert!(
        !syllable::all_runs_valid("hàt"),
        "a stop final takes sắc or nặng"
    );
}

#[test]
fn tcvn3_round_trips_through_the_lint() {
    for text in [
        "người dân đã đồng tình với chủ trương của tỉnh.",
        "ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm.",
        "trời mưa to, nước sông dâng cao, các hộ dân được di dời an toàn.",
    ] {
        let pasted = legacy::encode_tcvn3(text);
        assert_ne!(pasted, text);
        let fs: Vec<_> = lint(&pasted, &rules(ToneStyle::Old))
            .into_iter()
            .filter(|f| f.rule == "legacy_tcvn3")
            .collect();
        assert!(!fs.is_empty(), "{pasted}");
        let mut fixed = pasted.clone();
        for f in fs.iter().rev() {
            fixed = apply(&fixed, f).expect("applies");
        }
        assert_eq!(fixed, text);
    }
}

#[test]
fn a_legacy_paste_silences_the_other_rules_inside_it() {
    // In TCVN3 "­" (U+00AD) is ư, not a soft hyphen; "Uû" is no tone error.
    let fs = lint("T«i yªu tiÕng n\u{AD}íc t«i", &rules(ToneStyle::Old));
    assert_eq!(fs.len(), 1, "{}", describe(&fs));
    assert_eq!(fs[0].rule, "legacy_tcvn3");
    assert_eq!(fs[0].severity, Severity::Error);
}

#[test]
fn a_tcvn3_line_and_a_vni_line_are_both_found() {
    let text = "Céng hoµ x· héi chñ nghÜa ViÖt Nam\nNgöôøi duøng naøy khoâng toàn taïi.";
    let rules_found: Vec<_> = lint(text, &rules(ToneStyle::Old))
        .into_iter()
        .map(|f| f.rule)
        .collect();
    assert_eq!(rules_found, ["legacy_tcvn3", "legacy_vni"]);
}

#[test]
fn a_lone_eth_is_the_eth_rule_not_viscii() {
    let fs = lint("Ðà Nẵng", &rules(ToneStyle::Old));
    assert_eq!(describe(&fs), "eth[\"Ð\"→Some(\"Đ\")]");
}

#[test]
fn offsets_are_bytes_and_chars() {
    let text = "Đà Nẵng  và Huế";
    let fs = lint(text, &rules(ToneStyle::Old));
    let f = fs
        .iter()
        .find(|f| f.rule == "doubled_space")
        .expect("found");
    assert_eq!((f.start, f.end), (11, 13));
    assert_eq!((f.char_start, f.char_end), (7, 9));
    assert_eq!(&text[f.start..f.end], f.found);
}

#[test]
fn findings_are_sorted_by_start() {
    let text = "ủy ban nhân dân tỉnh , số lựơng  lớn của của dân\u{200B}.";
    let fs = lint(text, &rules(ToneStyle::Old));
    assert!(fs.len() >= 5, "{}", describe(&fs));
    assert!(fs.windows(2).all(|w| w[0].start <= w[1].start));
}

#[test]
fn apply_only_replaces_what_is_still_there() {
    let text = "số lựơng lớn";
    let fs = lint(text, &rules(ToneStyle::Old));
    let f = fs
        .iter()
        .find(|f| f.rule == "tone_placement")
        .expect("found");
    assert_eq!(apply(text, f).as_deref(), Some("số lượng lớn"));
    assert_eq!(apply("số lượng lớn", f), None, "already fixed");
    assert_eq!(apply("số", f), None, "text too short");
    let mut bad = (*f).clone();
    bad.start = 1;
    assert_eq!(apply(text, &bad), None, "not a char boundary");
    bad.suggestion = None;
    assert_eq!(apply(text, &bad), None, "no suggestion");
}

#[test]
fn invisible_characters_are_spelled_out_in_messages() {
    assert_eq!(visible("a\u{200B}b", 10), "a<U+200B>b");
    assert_eq!(visible("abcdef", 3), "abc…");
}

#[test]
fn styles_and_severities_parse_and_serialise() {
    assert_eq!(ToneStyle::parse("old"), Some(ToneStyle::Old));
    assert_eq!(ToneStyle::parse(" NEW "), Some(ToneStyle::New));
    assert_eq!(ToneStyle::parse("mới"), None);
    assert_eq!("new".parse::<ToneStyle>(), Ok(ToneStyle::New));
    assert!("x".parse::<ToneStyle>().is_err());
    assert_eq!(ToneStyle::default(), ToneStyle::Old);
    assert_eq!(
        serde_json::to_string(&ToneStyle::New).ok().as_deref(),
        Some("\"new\"")
    );
    assert_eq!(
        serde_json::to_string(&Severity::Warning).ok().as_deref(),
        Some("\"warning\"")
    );
    assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
    let f = &lint("hòan", &rules(ToneStyle::Old))[0];
    let back: Finding =
        serde_json::from_str(&serde_json::to_string(f).unwrap_or_default()).expect("round trip");
    assert_eq!(&back, f);
}

#[test]
fn empty_and_whitespace_text_is_clean() {
    for t in ["", " ", "\n\n", "\t", "123", "..."] {
        assert!(lint(t, &rules(ToneStyle::Old)).is_empty(), "{t:?}");
    }
}

/// xorshift64*, enough to shake the lint without a property-testing crate.
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Characters the rules care about, and some they should not.
const ALPHABET: &str = "aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐbcdghklmnpqrstvxàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ\
ÀÁẢÃẠỲÝỶỸỴ \u{A0}\u{200B}\u{200D}\u{FEFF}\u{AD}\u{301}\u{300}\u{309}\u{303}\u{323}\u{302}\u{306}\u{31B}\
.,;:!?…()[]“”\"'-–—/@0123456789\n\t\r«»©®°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßäåæçëîïðñö÷øüþÿ€‚ƒ„†‡ˆ‰Š‹ŒŽ‘’•˜™š›œžŸ\
аеорсухіАВЕКМНОРСТХУαοτΑΤ👨👩\u{1}\u{2}\u{5}\u{14}\u{1E}\u{7F}\u{80}\u{9D}ﬁǅİ";

fn check_invariants(text: &str, r: &Rules) {
    let fs = lint(text, r);
    for f in &fs {
        assert!(f.start <= f.end && f.end <= text.len(), "{text:?}: {f:?}");
        assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{text:?}: {f:?}"
        );
        assert_eq!(text[f.start..f.end], f.found, "{text:?}");
        assert_eq!(
            text[..f.start].chars().count(),
            f.char_start,
            "{text:?}: {f:?}"
        );
        assert_eq!(text[..f.end].chars().count(), f.char_end, "{text:?}: {f:?}");
        if f.suggestion.is_some() {
            assert!(apply(text, f).is_some(), "{text:?}: {f:?}");
        }
    }
    assert!(fs.windows(2).all(|w| w[0].start <= w[1].start));
}

#[test]
fn random_text_never_panics_and_offsets_stay_on_char_boundaries() {
    let alphabet: Vec<char> = ALPHABET.chars().collect();
    let words: Vec<&str> = corpus::CORRECT.iter().flat_map(|t| t.split(' ')).collect();
    let old_rules = Rules::seeded(ToneStyle::Old);
    let new_rules = Rules::seeded(ToneStyle::New);
    let mut rng = Prng(0x5EED_1234_ABCD_0001);
    for round in 0..3000 {
        let len = rng.below(60);
        let text: String = if round % 3 == 0 {
            // Real words with random characters spliced in.
            (0..len / 4 + 1)
                .map(|_| {
                    let w = words[rng.below(words.len())];
                    if rng.below(3) == 0 {
                        format!("{w}{}", alphabet[rng.below(alphabet.len())])
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(if rng.below(2) == 0 { " " } else { "  " })
        } else {
            (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect()
        };
        let r = if round % 2 == 0 {
            &old_rules
        } else {
            &new_rules
        };
        check_invariants(&text, r);
    }
    // Arbitrary bytes, as a lossy decoder would hand them over.
    for _ in 0..500 {
        let bytes: Vec<u8> = (0..rng.below(80)).map(|_| rng.next() as u8).collect();
        check_invariants(&String::from_utf8_lossy(&bytes), &old_rules);
        let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
        check_invariants(&latin1, &old_rules);
    }
}

#[test]
fn odd_rules_still_work() {
    // Empty lists, a name with only symbols, a huge name list entry.
    let r = Rules {
        style: ToneStyle::Old,
        official_names: vec![
            "".into(),
            "—".into(),
            "#".into(),
            "Ủy ban".into(),
            "x".repeat(500),
        ],
        watch_list: vec![", ,".into(), "".into()],
    };
    check_invariants("ủy ban, , x", &r);
    let fs = lint("Họp ủy ban.", &r);
    assert!(
        fs.iter()
            .any(|f| f.rule == "capitalisation" && f.suggestion.as_deref() == Some("Ủy ban"))
    );
}
