//! A clip's comments to take away: CSV for a spreadsheet (UTF-8 with a byte
//! order mark, so that Excel shows Vietnamese as written) or plain text for
//! a message; each with its version, time code, author, text, whether it
//! is resolved and how many shapes were drawn on its frame (the drawing
//! itself is seen on the clip page), replies under their comment.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::db::clips;
use crate::db::review as rdb;
use crate::domain::ClipId;
use crate::error::{Error, Result};
use crate::service::review as svc;
use crate::state::AppState;
use crate::web::extract::{Authz, act};

/// One comment as exported.
struct Line {
    version: i64,
    time: String,
    author: String,
    body: String,
    resolved: bool,
    reply: bool,
    /// Shapes drawn on the frame (0: no drawing).
    shapes: usize,
}

async fn lines(st: &AppState, a: &Authz<act::ViewClips>, cid: i64) -> Result<(String, Vec<Line>)> {
    let mut tx = st.db.read().await?;
    let clip = clips::get(&mut tx, a.agency.id, ClipId(cid))
        .await?
        .ok_or(Error::NotFound)?;
    let versions = clips::versions_of(&mut tx, clip.id).await?;
    let all = rdb::comments(&mut tx, clip.id).await?;
    let line = |c: &rdb::Comment, reply: bool| Line {
        version: versions
            .iter()
            .find(|v| v.id == c.version_id)
            .map_or(0, |v| v.number),
        time: match (c.start_frame, c.end_frame, c.fps) {
            (Some(s), Some(e), Some(f)) => {
                format!("{}–{}", svc::format_frame(s, f), svc::format_frame(e, f))
            }
            (Some(s), None, Some(f)) => svc::format_frame(s, f),
            _ => String::new(),
        },
        author: c.author_name.clone(),
        body: c.body.clone(),
        resolved: c.resolved_at.is_some(),
        reply,
        shapes: c.drawing().map_or(0, |d| d.shapes().len()),
    };
    let mut out = Vec::new();
    for root in all.iter().filter(|c| c.parent_id.is_none()) {
        out.push(line(root, false));
        for r in all.iter().filter(|c| c.parent_id == Some(root.id)) {
            out.push(line(r, true));
        }
    }
    Ok((clip.title, out))
}

/// A CSV cell: quoted when it must be, and a leading `=`, `+`, `-` or `@`
/// made inert so that a spreadsheet never runs a comment as a formula.
fn cell(s: &str) -> String {
    let s = match s.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{s}"),
        _ => s.to_string(),
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub async fn comments_csv(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    let (_, lines) = lines(&st, &a, cid).await?;
    let tr = a.ctx.tr();
    let head = [
        "export-version",
        "export-time",
        "export-author",
        "export-comment",
        "export-resolved",
        "export-drawing",
    ]
    .map(|k| cell(&tr.t(k)))
    .join(",");
    let mut out = format!("\u{feff}{head}\r\n");
    for l in lines {
        let body = if l.reply {
            format!("↳ {}", l.body)
        } else {
            l.body
        };
        let resolved = if l.resolved {
            tr.t("export-yes")
        } else {
            String::new()
        };
        let shapes = match l.shapes {
            0 => String::new(),
            n => n.to_string(),
        };
        let row = [
            l.version.to_string(),
            l.time,
            l.author,
            body,
            resolved,
            shapes,
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok(crate::web::pages::attachment(
        out,
        "text/csv; charset=utf-8",
        &format!("clip-{cid}-comments.csv"),
    ))
}

pub async fn comments_text(
    State(st): State<AppState>,
    a: Authz<act::ViewClips>,
    Path((_, cid)): Path<(i64, i64)>,
) -> Result<Response> {
    let (title, lines) = lines(&st, &a, cid).await?;
    let tr = a.ctx.tr();
    let mut out = format!("{title}\n\n");
    for l in lines {
        let indent = if l.reply { "    " } else { "" };
        let time = if l.time.is_empty() {
            String::new()
        } else {
            format!("[{}] ", l.time)
        };
        let done = if l.resolved {
            format!(" ({})", tr.t("comments-resolved"))
        } else {
            String::new()
        };
        let drawn = match l.shapes {
            0 => String::new(),
            n => format!(" [{}]", tr.count("export-drawing-shapes", n)),
        };
        out.push_str(&format!(
            "{indent}v{} {time}{}: {}{drawn}{done}\n",
            l.version, l.author, l.body
        ));
    }
    Ok(crate::web::pages::attachment(
        out,
        "text/plain; charset=utf-8",
        &format!("clip-{cid}-comments.txt"),
    ))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_made_inert() {
        assert_eq!(cell("Giật hình"), "Giật hình");
        assert_eq!(cell("a, b"), "\"a, b\"");
        assert_eq!(cell("nói \"không\""), "\"nói \"\"không\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
    }
}
