# Vietnamese text lint (`lantoa lint`).
# Arguments: $found — the text pointed at; $suggestion — the proposed fix; $codepoint — a character code.

lint-nfc = The accented letters here are built from several characters (NFD, common in text copied from a Mac). They look the same but search and matching fail; normalise to precomposed form (NFC).
lint-legacy_tcvn3 = “{ $found }” is text typed in the TCVN3 (ABC, .VnTime fonts) encoding and pasted, so it shows garbled. Proposed Unicode: “{ $suggestion }”. Read it before accepting.
lint-legacy_vni = “{ $found }” is text typed in the VNI encoding (VNI-Times fonts) and pasted, so it shows garbled. Proposed Unicode: “{ $suggestion }”. Read it before accepting.
lint-legacy_viscii = “{ $found }” is text in the VISCII encoding pasted as is, so it shows garbled. Proposed Unicode: “{ $suggestion }”. Read it before accepting.
lint-vni_keystrokes = “{ $found }” was typed with VNI keystrokes while the Vietnamese keyboard was off (digits for marks). Probably “{ $suggestion }”.
lint-tone_placement = The tone mark in “{ $found }” is on the wrong vowel; it is spelled “{ $suggestion }”.
lint-tone_style = “{ $found }” places the tone mark in the other house style; in the agency's style it is “{ $suggestion }”.
lint-tone_mixed = The text mixes both tone-mark styles (old “hòa, thủy” and new “hoà, thuỷ”), e.g. “{ $found }”. Use one.
lint-capitalisation = “{ $found }” is not capitalised as the rules require (Decree 30/2020/NĐ-CP); write “{ $suggestion }”.
lint-sentence_start = A sentence starts with a capital: “{ $suggestion }”.
lint-eth = “{ $found }” is the Icelandic eth (Ð, { $codepoint }), which looks like but is not the Vietnamese Đ; search will miss it. Replace it with “{ $suggestion }”.
lint-invisible = An invisible character ({ $codepoint }) breaks search and line breaking; remove it.
lint-nbsp = A no-break space ({ $codepoint }); use an ordinary space.
lint-control = A control character ({ $codepoint }) in the text; remove it.
lint-doubled_word = Repeated word: “{ $found }”. Unless it is a deliberate reduplication, write “{ $suggestion }”.
lint-doubled_space = More than one space between words; one is enough.
lint-punct_space = No space before , . ; : ! ?
lint-punct_missing_space = A space is missing after “{ $found }”.
lint-bracket_space = Brackets and quotes hug their content; remove the space.
lint-lookalike = “{ $found }” ({ $codepoint }) is a Cyrillic or Greek letter that looks Latin; search will miss this word. Replace it with “{ $suggestion }”.
lint-watch_term = “{ $found }” is on the agency's watch list; check the content and its sources carefully before publishing.
lint-ellipsis_mixed = The ellipsis is written two ways (“…” and “...”) in one text; use one.
lint-admin_unit = An administrative unit before a place name is written in lower case (Decree 30/2020): “{ $suggestion }”, not “{ $found }”. It takes a capital only at a sentence start, before a number (Quận 1) or a person's or event's name (Phường Lê Lợi), and in names such as Tỉnh ủy, Tỉnh đoàn, Thành phố Hồ Chí Minh.
lint-detached_mark = “{ $found }” holds a separately typed mark that cannot join the letter before it, so it shows askew or detached. Write “{ $suggestion }”.

# Each platform's text rules (data/platform-text.toml), checked before approval.
lint-platform_length = { $platform } takes a { $part } of at most { $limit } { $unit }; this one has { $measured }. The platform would refuse the post: shorten it, or write a variant for { $platform }.
lint-platform_char = { $platform } does not accept “{ $found }” in the { $part }; the platform would refuse the post.
lint-platform_required = { $platform } needs a { $part }; it is empty.
platform-part-title = title
platform-part-description = description (the caption with its hashtags)
platform-part-tags = tags (the hashtags without #)
platform-unit-chars = characters
platform-unit-utf16 = characters (an emoji counts 2)
platform-unit-bytes = bytes (a letter with diacritics counts 2 or 3)

lint-severity-error = error
lint-severity-warning = warning
lint-severity-info = info
lint-remove = remove
lint-cli-unreadable = Cannot read { $path }: { $error }
lint-cli-not-utf8 = The file is not UTF-8 text, so it cannot be checked. Save it as Unicode (UTF-8) and run again.
lint-cli-not-utf8-legacy = The file is not UTF-8 text; it looks like text in the { $encoding } encoding. Convert it to Unicode (UTF-8) and run again, e.g.: { $command }
