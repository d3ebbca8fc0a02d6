//! CSV and XLSX exports of Insights tables.
//!
//! Both formats are written here by hand: CSV is a few rules (RFC 4180), and
//! a valid `.xlsx` needs only six small XML parts in a ZIP container, which
//! we store uncompressed rather than pull in a compression crate. A missing
//! metric (`Cell::Empty`) stays missing in both: an empty CSV field, an
//! absent spreadsheet cell, never a zero.

use crate::insights::xml_entity;
use std::collections::HashSet;
use std::fmt::Write as _;

/// One value of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Num(f64),
    Int(i64),
    /// The metric is absent ("không có"); exported as nothing, not 0.
    Empty,
}

/// A titled table; the title names the XLSX sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// CSV (RFC 4180, CRLF, UTF-8 with BOM so Excel opens Vietnamese correctly).
/// `Empty` → empty field; numbers with `.` decimal and no thousands
/// separators.
///
/// Text that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading `'`, so a post title such as `=HYPERLINK(...)` cannot run as a
/// formula when the file is opened in a spreadsheet (CSV injection).
pub fn csv(t: &Table) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    let header: Vec<String> = t
        .headers
        .iter()
        .map(|h| csv_field(&defuse_formula(h)))
        .collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &t.rows {
        let fields: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Cell::Text(s) => csv_field(&defuse_formula(s)),
                Cell::Num(v) => number(*v).unwrap_or_default(),
                Cell::Int(v) => v.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn defuse_formula(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// A number as spreadsheets read it: `.` decimal, no grouping, exponent only
/// for extremes. `None` for NaN and infinities, which are written as missing.
fn number(v: f64) -> Option<String> {
    if !v.is_finite() {
        return None;
    }
    let v = v + 0.0; // no "-0"
    let magnitude = v.abs();
    Some(if magnitude == 0.0 || (1e-6..1e15).contains(&magnitude) {
        format!("{v}")
    } else {
        format!("{v:e}")
    })
}

// ---------------------------------------------------------------------------
// XLSX
// ---------------------------------------------------------------------------

/// Excel's sheet limits; past them Excel refuses or "repairs" the file.
const MAX_ROWS: usize = 1_048_576;
const MAX_COLS: usize = 16_384;
const MAX_CELL_CHARS: usize = 32_767;
const MAX_SHEET_NAME: usize = 31;
/// Style indices in `xl/styles.xml`.
const STYLE_HEADER: u8 = 1;
const STYLE_INT: u8 = 2;

const NS_MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// A minimal valid `.xlsx` with one sheet per table: sheet name from the
/// title (sanitised to Excel's rules, unique), a bold frozen header row,
/// numbers as numeric cells, text as inline strings, `Empty` as a missing
/// cell, column widths roughly fitted. With no tables, one empty sheet.
///
/// Rows and columns past Excel's limits (1 048 576 × 16 384) are dropped, and
/// text past 32 767 characters is cut, as Excel would refuse the file.
pub fn xlsx(tables: &[Table]) -> Vec<u8> {
    let placeholder = [Table {
        title: String::new(),
        headers: Vec::new(),
        rows: Vec::new(),
    }];
    let tables = if tables.is_empty() {
        &placeholder[..]
    } else {
        tables
    };
    let names = sheet_names(tables.iter().map(|t| t.title.as_str()));

    let mut zip = ZipWriter::default();
    zip.add(
        "[Content_Types].xml",
        content_types(tables.len()).as_bytes(),
    );
    zip.add("_rels/.rels", root_rels().as_bytes());
    zip.add("xl/workbook.xml", workbook(&names).as_bytes());
    zip.add(
        "xl/_rels/workbook.xml.rels",
        workbook_rels(tables.len()).as_bytes(),
    );
    zip.add("xl/styles.xml", STYLES.as_bytes());
    for (i, table) in tables.iter().enumerate() {
        zip.add(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            worksheet(table).as_bytes(),
        );
    }
    zip.finish()
}

/// Sheet names by Excel's rules: at most 31 UTF-16 units, none of
/// `[]:*?/\`, not starting or ending with `'`, not "History", unique
/// ignoring case. Empty titles become "Trang tính N".
fn sheet_names<'a>(titles: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut names = Vec::new();
    for (i, title) in titles.enumerate() {
        let cleaned: String = xml_chars(title)
            .map(|c| if "[]:*?/\\\t\r\n".contains(c) { ' ' } else { c })
            .collect();
        let mut base = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
        base = base.trim_matches('\'').trim().to_owned();
        if base.is_empty() || base.eq_ignore_ascii_case("history") {
            base = format!("Trang tính {}", i + 1);
        }
        let mut name = fit_sheet_name(&base, "");
        let mut n = 2;
        while taken.contains(&name.to_lowercase()) {
            name = fit_sheet_name(&base, &format!(" ({n})"));
            n += 1;
        }
        taken.insert(name.to_lowercase());
        names.push(name);
    }
    names
}

/// `base` cut to fit 31 UTF-16 units with `suffix`, preferably at a word
/// boundary, without trailing spaces, dashes or apostrophes.
fn fit_sheet_name(base: &str, suffix: &str) -> String {
    let budget = MAX_SHEET_NAME - suffix.encode_utf16().count();
    if base.encode_utf16().count() <= budget {
        return format!("{base}{suffix}");
    }
    let mut cut = String::new();
    let mut units = 0;
    for ch in base.chars() {
        units += ch.len_utf16();
        if units > budget {
            break;
        }
        cut.push(ch);
    }
    let next_is_space = base[cut.len()..].starts_with(' ');
    if !next_is_space {
        // Back off to the last whole word, unless that loses too much.
        if let Some(space) = cut.rfind(' ').filter(|&at| cut[..at].chars().count() >= 12) {
            cut.truncate(space);
        }
    }
    let trimmed = cut.trim_end_matches([' ', '-', '–', '—', ',', '\'']);
    format!("{trimmed}{suffix}")
}

fn content_types(sheets: usize) -> String {
    let mut s = format!(
        r#"{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
    );
    for i in 1..=sheets {
        let _ = write!(
            s,
            r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        );
    }
    s.push_str("</Types>");
    s
}

fn root_rels() -> String {
    format!(
        r#"{XML_DECL}<Relationships xmlns="{NS_PKG_REL}"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    )
}

fn workbook(names: &[String]) -> String {
    let mut s = format!(
        r#"{XML_DECL}<workbook xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><bookViews><workbookView/></bookViews><sheets>"#
    );
    for (i, name) in names.iter().enumerate() {
        let _ = write!(
            s,
            r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
            xml_escape(name),
            n = i + 1
        );
    }
    s.push_str("</sheets></workbook>");
    s
}

fn workbook_rels(sheets: usize) -> String {
    let mut s = format!(r#"{XML_DECL}<Relationships xmlns="{NS_PKG_REL}">"#);
    for i in 1..=sheets {
        let _ = write!(
            s,
            r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#
        );
    }
    let _ = write!(
        s,
        r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
        sheets + 1
    );
    s
}

/// Fonts: 0 regular, 1 bold. Cell formats: 0 general, 1 bold header,
/// 2 integer with grouping (`#,##0`, shown in the reader's locale).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

fn worksheet(t: &Table) -> String {
    let has_header = !t.headers.is_empty();
    let data_rows = &t.rows[..t.rows.len().min(MAX_ROWS - usize::from(has_header))];
    let cols = data_rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(t.headers.len())
        .min(MAX_COLS);

    let mut widths = vec![0usize; cols];
    for (w, h) in widths.iter_mut().zip(&t.headers) {
        // Bold text runs wider.
        *w = h.chars().count() * 11 / 10 + 1;
    }
    for row in data_rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            let len = match cell {
                Cell::Text(s) => s.chars().count(),
                Cell::Num(v) => number(*v).map_or(0, |s| s.len()),
                // Grouping separators take a column every three digits.
                Cell::Int(v) => v.to_string().len() * 4 / 3,
                Cell::Empty => 0,
            };
            *w = (*w).max(len);
        }
    }

    let total_rows = data_rows.len() + usize::from(has_header);
    let dimension = if cols == 0 || total_rows == 0 {
        "A1".to_owned()
    } else {
        format!("A1:{}{total_rows}", column_name(cols - 1))
    };
    let mut s = format!(
        r#"{XML_DECL}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}"><dimension ref="{dimension}"/>"#
    );
    if has_header {
        s.push_str(r#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>"#);
    } else {
        s.push_str(r#"<sheetViews><sheetView workbookViewId="0"/></sheetViews>"#);
    }
    s.push_str(r#"<sheetFormatPr defaultRowHeight="15"/>"#);
    if cols > 0 {
        s.push_str("<cols>");
        for (i, w) in widths.iter().enumerate() {
            let width = (*w + 2).clamp(8, 60);
            let _ = write!(
                s,
                r#"<col min="{n}" max="{n}" width="{width}" customWidth="1"/>"#,
                n = i + 1
            );
        }
        s.push_str("</cols>");
    }
    s.push_str("<sheetData>");
    let mut r = 0;
    if has_header {
        r += 1;
        let _ = write!(s, r#"<row r="{r}">"#);
        for (c, h) in t.headers.iter().take(cols).enumerate() {
            inline_string(&mut s, c, r, h, Some(STYLE_HEADER));
        }
        s.push_str("</row>");
    }
    for row in data_rows {
        r += 1;
        let _ = write!(s, r#"<row r="{r}">"#);
        for (c, cell) in row.iter().take(cols).enumerate() {
            match cell {
                Cell::Text(text) => inline_string(&mut s, c, r, text, None),
                Cell::Num(v) => {
                    if let Some(v) = number(*v) {
                        let _ = write!(s, r#"<c r="{}{r}"><v>{v}</v></c>"#, column_name(c));
                    }
                }
                Cell::Int(v) => {
                    let _ = write!(
                        s,
                        r#"<c r="{}{r}" s="{STYLE_INT}"><v>{v}</v></c>"#,
                        column_name(c)
                    );
                }
                Cell::Empty => {}
            }
        }
        s.push_str("</row>");
    }
    s.push_str("</sheetData></worksheet>");
    s
}

fn inline_string(s: &mut String, col: usize, row: usize, text: &str, style: Option<u8>) {
    let style = style.map(|st| format!(r#" s="{st}""#)).unwrap_or_default();
    let text: String = xml_chars(text).take(MAX_CELL_CHARS).collect();
    let _ = write!(
        s,
        r#"<c r="{}{row}" t="inlineStr"{style}><is><t xml:space="preserve">{}</t></is></c>"#,
        column_name(col),
        xml_escape(&text)
    );
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
fn column_name(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// The characters XML 1.0 allows: no control characters but tab, LF, CR,
/// and no U+FFFE/U+FFFF.
fn xml_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|&c| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    })
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in xml_chars(s) {
        if let Some(entity) = xml_entity(ch) {
            out.push_str(entity);
            continue;
        }
        match ch {
            // Attribute normalisation would turn raw CR/LF/tab into spaces.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// ZIP container (stored entries only)
// ---------------------------------------------------------------------------

/// Writes a ZIP archive of uncompressed ("stored") entries. XLSX parts are
/// small, so compression would buy little and cost a dependency.
#[derive(Default)]
struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
}

/// 1980-01-01 00:00 in MS-DOS format: a fixed date keeps exports reproducible.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

impl ZipWriter {
    fn add(&mut self, name: &str, data: &[u8]) {
        let offset = u32_of(self.out.len());
        let crc = crc32(data);
        let size = u32_of(data.len());
        let name_len = u16::try_from(name.len()).expect("part names are short");

        let out = &mut self.out;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&DOS_TIME.to_le_bytes());
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes()); // compressed
        out.extend_from_slice(&size.to_le_bytes()); // uncompressed
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        let cd = &mut self.central;
        cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        cd.extend_from_slice(&20u16.to_le_bytes()); // version made by
        cd.extend_from_slice(&20u16.to_le_bytes()); // version needed
        cd.extend_from_slice(&0u16.to_le_bytes()); // flags
        cd.extend_from_slice(&0u16.to_le_bytes()); // method
        cd.extend_from_slice(&DOS_TIME.to_le_bytes());
        cd.extend_from_slice(&DOS_DATE.to_le_bytes());
        cd.extend_from_slice(&crc.to_le_bytes());
        cd.extend_from_slice(&size.to_le_bytes());
        cd.extend_from_slice(&size.to_le_bytes());
        cd.extend_from_slice(&name_len.to_le_bytes());
        cd.extend_from_slice(&[0; 2 + 2 + 2 + 2]); // extra, comment, disk, internal attrs
        cd.extend_from_slice(&0u32.to_le_bytes()); // external attrs
        cd.extend_from_slice(&offset.to_le_bytes());
        cd.extend_from_slice(name.as_bytes());
        self.entries += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let cd_offset = u32_of(self.out.len());
        let cd_size = u32_of(self.central.len());
        self.out.append(&mut self.central);
        let out = &mut self.out;
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // this disk, disk with the directory
        out.extend_from_slice(&self.entries.to_le_bytes());
        out.extend_from_slice(&self.entries.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // comment length
        self.out
    }
}

/// Sizes and offsets in a plain (non-ZIP64) archive. An Insights export is
/// far below 4 GiB; crossing it would be a bug upstream, not user input.
fn u32_of(n: usize) -> u32 {
    u32::try_from(n).expect("xlsx export over 4 GiB")
}

/// CRC-32 (IEEE, reflected, as ZIP uses), with the table built at compile time.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !data.iter().fold(!0u32, |crc, &b| {
        TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use std::io::Cursor;

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    fn by_channel() -> Table {
        Table {
            title: "Theo kênh: [Facebook]/YouTube — quá dài để làm tên trang tính".to_owned(),
            headers: vec![
                "Kênh".to_owned(),
                "Lượt xem".to_owned(),
                "Tỷ lệ xem hết".to_owned(),
            ],
            rows: vec![
                vec![
                    text("Thời sự & Đời sống <VTV>"),
                    Cell::Int(1_234_567),
                    Cell::Num(0.4567),
                ],
                vec![text("Thể thao"), Cell::Empty, Cell::Num(-0.25)],
                vec![text("Giải trí"), Cell::Int(0), Cell::Empty],
            ],
        }
    }

    fn by_day() -> Table {
        Table {
            title: "Theo ngày".to_owned(),
            headers: vec!["Ngày".to_owned(), "Bài đăng".to_owned()],
            rows: vec![
                vec![text("01/11"), Cell::Int(3)],
                vec![text("02/11"), Cell::Num(1e20)],
            ],
        }
    }

    fn read_back(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("calamine opens our xlsx")
    }

    #[test]
    fn crc32_matches_the_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn column_names_roll_over_like_excel() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(column_name(MAX_COLS - 1), "XFD");
    }

    #[test]
    fn xlsx_round_trips_through_calamine() {
        let mut wb = read_back(xlsx(&[by_channel(), by_day()]));
        assert_eq!(
            wb.sheet_names(),
            vec!["Theo kênh Facebook YouTube", "Theo ngày"]
        );

        let sheet = wb
            .worksheet_range("Theo kênh Facebook YouTube")
            .expect("first sheet");
        let at = |r: u32, c: u32| sheet.get_value((r, c)).cloned();
        assert_eq!(at(0, 0), Some(Data::String("Kênh".to_owned())));
        assert_eq!(at(0, 2), Some(Data::String("Tỷ lệ xem hết".to_owned())));
        assert_eq!(
            at(1, 0),
            Some(Data::String("Thời sự & Đời sống <VTV>".to_owned()))
        );
        assert_eq!(at(1, 1), Some(Data::Float(1_234_567.0)));
        assert_eq!(at(1, 2), Some(Data::Float(0.4567)));
        assert_eq!(
            at(2, 1),
            Some(Data::Empty),
            "Empty is a missing cell, not 0"
        );
        assert_eq!(at(2, 2), Some(Data::Float(-0.25)));
        assert_eq!(at(3, 1), Some(Data::Float(0.0)));
        assert_eq!(at(3, 2), Some(Data::Empty));
        assert_eq!(sheet.get_size(), (4, 3));

        let sheet = wb.worksheet_range("Theo ngày").expect("second sheet");
        assert_eq!(
            sheet.get_value((1, 0)),
            Some(&Data::String("01/11".to_owned()))
        );
        assert_eq!(sheet.get_value((1, 1)), Some(&Data::Float(3.0)));
        assert_eq!(sheet.get_value((2, 1)), Some(&Data::Float(1e20)));
    }

    #[test]
    fn xlsx_header_is_bold_frozen_and_columns_fitted() {
        let sheet = worksheet(&by_channel());
        assert!(sheet.contains(r#"<c r="A1" t="inlineStr" s="1">"#));
        assert!(sheet.contains(r#"state="frozen""#));
        assert!(sheet.contains(r#"<dimension ref="A1:C4"/>"#));
        assert!(STYLES.contains("<font><b/>"));
        // The long name column is wider than the short numeric one.
        let width = |n: usize| {
            let tag = format!(r#"<col min="{n}" max="{n}" width=""#);
            let at = sheet.find(&tag).expect("col") + tag.len();
            sheet[at..]
                .split('"')
                .next()
                .expect("width")
                .parse::<usize>()
                .expect("number")
        };
        assert!(width(1) > width(3));
        assert!(width(1) >= "Thời sự & Đời sống <VTV>".chars().count());
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let names = sheet_names(
            [
                "Theo kênh: [Facebook]/YouTube — quá dài để làm tên trang tính",
                "Theo ngày",
                "THEO NGÀY",
                "",
                "'Trích dẫn'",
                "History",
                "a*b?c\\d",
                "Mộtchuỗirấtdàikhôngcódấucáchnàocả12345",
            ]
            .into_iter(),
        );
        assert_eq!(
            names,
            vec![
                "Theo kênh Facebook YouTube",
                "Theo ngày",
                "THEO NGÀY (2)",
                "Trang tính 4",
                "Trích dẫn",
                "Trang tính 6",
                "a b c d",
                "Mộtchuỗirấtdàikhôngcódấucáchnào",
            ]
        );
        for name in &names {
            assert!(name.encode_utf16().count() <= MAX_SHEET_NAME, "{name}");
            assert!(!name.contains(['[', ']', ':', '*', '?', '/', '\\']));
        }
    }

    #[test]
    fn duplicate_long_titles_stay_unique_within_31_chars() {
        let title = "Báo cáo tháng mười một theo chuyên mục và kênh";
        let names = sheet_names([title, title, title].into_iter());
        let lower: HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(lower.len(), 3, "{names:?}");
        assert!(
            names
                .iter()
                .all(|n| n.encode_utf16().count() <= MAX_SHEET_NAME)
        );
        let mut wb = read_back(xlsx(&[by_day(), by_day(), by_day()]));
        assert_eq!(
            wb.sheet_names(),
            vec!["Theo ngày", "Theo ngày (2)", "Theo ngày (3)"]
        );
        assert!(wb.worksheet_range("Theo ngày (3)").is_ok());
    }

    #[test]
    fn xlsx_drops_xml_illegal_characters_and_escapes_the_rest() {
        let table = Table {
            title: "Bell\u{7} <&>".to_owned(),
            headers: vec!["Tên\u{0}".to_owned()],
            rows: vec![vec![text("a\u{1}b \"c\" 'd' <e> & f\r\ng")]],
        };
        let mut wb = read_back(xlsx(&[table]));
        assert_eq!(wb.sheet_names(), vec!["Bell <&>"]);
        let sheet = wb.worksheet_range("Bell <&>").expect("sheet");
        assert_eq!(
            sheet.get_value((0, 0)),
            Some(&Data::String("Tên".to_owned()))
        );
        let Some(Data::String(value)) = sheet.get_value((1, 0)) else {
            panic!("text cell")
        };
        assert!(value.starts_with("ab \"c\" 'd' <e> & f"), "{value:?}");
        assert!(value.ends_with('g'));
    }

    #[test]
    fn xlsx_without_tables_still_opens() {
        let mut wb = read_back(xlsx(&[]));
        assert_eq!(wb.sheet_names(), vec!["Trang tính 1"]);
        assert!(
            wb.worksheet_range("Trang tính 1")
                .expect("sheet")
                .is_empty()
        );
    }

    #[test]
    fn xlsx_writes_nan_and_infinity_as_missing_cells() {
        let table = Table {
            title: "x".to_owned(),
            headers: vec!["v".to_owned()],
            rows: vec![
                vec![Cell::Num(f64::NAN)],
                vec![Cell::Num(f64::INFINITY)],
                vec![Cell::Num(2.5)],
            ],
        };
        let sheet = worksheet(&table);
        assert!(!sheet.contains("NaN") && !sheet.contains("inf"));
        let mut wb = read_back(xlsx(&[table]));
        let range = wb.worksheet_range("x").expect("sheet");
        assert_eq!(range.get_value((1, 0)), Some(&Data::Empty));
        assert_eq!(range.get_value((3, 0)), Some(&Data::Float(2.5)));
    }

    #[test]
    fn csv_has_bom_crlf_and_rfc4180_quoting() {
        let table = Table {
            title: "Theo kênh".to_owned(),
            headers: vec!["Kênh".to_owned(), "Lượt xem".to_owned(), "Tỷ lệ".to_owned()],
            rows: vec![
                vec![
                    text("Tin nhanh, nóng"),
                    Cell::Int(1_234_567),
                    Cell::Num(0.5),
                ],
                vec![text("Nói \"không\""), Cell::Empty, Cell::Num(12_345.6)],
                vec![text("Hai\ndòng"), Cell::Int(-3), Cell::Empty],
                vec![Cell::Empty, Cell::Num(f64::NAN), Cell::Num(-0.0)],
            ],
        };
        let bytes = csv(&table);
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
        let body = std::str::from_utf8(&bytes[3..]).expect("utf-8");
        assert_eq!(
            body,
            "Kênh,Lượt xem,Tỷ lệ\r\n\
             \"Tin nhanh, nóng\",1234567,0.5\r\n\
             \"Nói \"\"không\"\"\",,12345.6\r\n\
             \"Hai\ndòng\",-3,\r\n\
             ,,0\r\n"
        );
    }

    #[test]
    fn csv_defuses_formulas_in_text_but_not_numbers() {
        let table = Table {
            title: String::new(),
            headers: vec!["Tiêu đề".to_owned(), "Số".to_owned()],
            rows: vec![
                vec![text("=HYPERLINK(\"http://x\",\"y\")"), Cell::Int(-5)],
                vec![text("@SUM(A1)"), Cell::Num(-1.5)],
                vec![text("Bình thường"), Cell::Int(1)],
            ],
        };
        let body = String::from_utf8(csv(&table)).expect("utf-8");
        assert!(
            body.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-5\r\n"),
            "{body}"
        );
        assert!(body.contains("'@SUM(A1),-1.5\r\n"));
        assert!(body.contains("Bình thường,1\r\n"));
    }

    #[test]
    fn numbers_are_plain_decimal_without_grouping() {
        assert_eq!(number(1_234_567.0).as_deref(), Some("1234567"));
        assert_eq!(number(12_345.6).as_deref(), Some("12345.6"));
        assert_eq!(number(-0.0).as_deref(), Some("0"));
        assert_eq!(number(1e20).as_deref(), Some("1e20"));
        assert_eq!(number(f64::NAN), None);
    }
}
