//! How Graph reads a request's parameters: the query string together with a
//! body that is a URL-encoded form (what Meta's Python SDK sends, non-string
//! values JSON-encoded), a multipart form (Meta's curl samples, `-F`) or a
//! JSON object (Graph's documented alternative). A parameter holding a list
//! comes as a JSON array string (`["a","b"]`, the SDK) or comma-separated.

use std::collections::HashMap;

use axum::http::HeaderMap;

/// The request's parameters, the body's winning over the query string's.
/// `Err` says why the body could not be read.
pub(crate) fn params(
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<HashMap<String, String>, String> {
    let mut p = query.clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if body.is_empty() {
        return Ok(p);
    }
    match mime {
        "application/json" => {
            let v: serde_json::Value = serde_json::from_slice(body)
                .map_err(|e| format!("the JSON body could not be parsed: {e}"))?;
            let serde_json::Value::Object(o) = v else {
                return Err("the JSON body must be an object".into());
            };
            for (k, v) in o {
                // Strings as they are; anything else as its JSON text, as
                // a form would carry it.
                let text = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                p.insert(k, text);
            }
        }
        "multipart/form-data" => {
            // From the raw header: the boundary's case matters.
            let boundary = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .split(';')
                .find_map(|x| {
                    let (k, v) = x.trim().split_once('=')?;
                    k.eq_ignore_ascii_case("boundary")
                        .then(|| v.trim_matches('"'))
                })
                .ok_or("a multipart body without a boundary")?;
            p.extend(multipart(body, boundary)?);
        }
        _ => {
            for (k, v) in form_urlencoded::parse(body) {
                p.insert(k.into_owned(), v.into_owned());
            }
        }
    }
    Ok(p)
}

/// The text fields of a `multipart/form-data` body (file parts are skipped:
/// reels take their bytes through rupload).
fn multipart(body: &[u8], boundary: &str) -> Result<Vec<(String, String)>, String> {
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    for part in text.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let (head, value) = part
            .split_once("\r\n\r\n")
            .ok_or("a multipart part without headers")?;
        let disposition = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
            .ok_or("a multipart part without Content-Disposition")?;
        if disposition.contains("filename=") {
            continue;
        }
        let name = disposition
            .split(';')
            .filter_map(|x| x.trim().strip_prefix("name="))
            .next()
            .map(|n| n.trim_matches('"').to_string())
            .ok_or("a multipart part without a name")?;
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        out.push((name, value.to_string()));
    }
    Ok(out)
}

/// A list parameter (`metric`): a JSON array of strings, as Meta's SDK sends
/// it, or comma-separated names.
pub(crate) fn list(s: &str) -> Result<Vec<String>, String> {
    let s = s.trim();
    if s.starts_with('[') {
        let v: Vec<String> =
            serde_json::from_str(s).map_err(|_| format!("{s} is not a JSON array of strings"))?;
        return Ok(v.into_iter().map(|x| x.trim().to_string()).collect());
    }
    Ok(s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("content-type", content_type.parse().unwrap());
        h
    }

    #[test]
    fn form_json_and_multipart_bodies_give_the_same_parameters() {
        let q: HashMap<String, String> = [("access_token".to_string(), "EAAq".to_string())].into();
        let want = |p: HashMap<String, String>| {
            assert_eq!(p["access_token"], "EAAq");
            assert_eq!(p["video_state"], "PUBLISHED");
            assert_eq!(p["description"], "Lễ ra quân #tin");
            p
        };
        let form = "video_state=PUBLISHED&description=L%E1%BB%85+ra+qu%C3%A2n+%23tin";
        want(
            params(
                &q,
                &headers("application/x-www-form-urlencoded"),
                form.as_bytes(),
            )
            .unwrap(),
        );
        let json =
            r#"{"video_state":"PUBLISHED","description":"Lễ ra quân #tin","published":true}"#;
        let p = want(params(&q, &headers("application/json"), json.as_bytes()).unwrap());
        assert_eq!(p["published"], "true");
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"video_state\"\r\n\r\nPUBLISHED\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nLễ ra quân #tin\r\n--XyZ--\r\n";
        want(
            params(
                &q,
                &headers("multipart/form-data; boundary=XyZ"),
                body.as_bytes(),
            )
            .unwrap(),
        );
        assert!(params(&q, &headers("application/json"), b"[1]").is_err());
        assert!(params(&q, &headers("application/json"), b"{").is_err());
    }

    #[test]
    fn a_list_is_a_json_array_or_comma_separated() {
        let both = ["a_b".to_string(), "c".to_string()];
        assert_eq!(list(r#"["a_b","c"]"#).unwrap(), both);
        assert_eq!(list("a_b, c").unwrap(), both);
        assert_eq!(list("").unwrap(), Vec::<String>::new());
        assert!(list("[a_b]").is_err());
    }
}
