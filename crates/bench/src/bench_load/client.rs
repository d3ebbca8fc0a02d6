//! A person at the desk as the load plays them: signed in through the login
//! form (the pre-session cookie's CSRF token), the session cookie sent on
//! every request, and uploads over tus as the browser's uploader sends them
//! (the session cookie and the page's CSRF token in `X-CSRF-Token`).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine as _;
use reqwest::header::{self, HeaderMap};
use reqwest::{Client, Method, StatusCode};

use super::stats::Tally;

/// A phone or desktop browser's compression: pages come compressed, as
/// they do to people (the driver counts the bytes, it never reads them).
const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// One HTTP client for the whole load: keep-alive connections, no
/// redirects followed (a redirect to the login is an error to count).
pub fn http() -> anyhow::Result<Client> {
    Ok(Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .pool_idle_timeout(Duration::from_secs(90))
        .build()?)
}

/// A signed-in person.
#[derive(Clone)]
pub struct Session {
    pub base: String,
    pub username: String,
    cookie: String,
    /// The CSRF token a page of theirs carries (masked; any page's will do).
    csrf: String,
}

/// The value of the cookie `name` among a response's `Set-Cookie` headers.
fn set_cookie(h: &HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().to_string())
}

/// The text between `start` and the next `end` in `hay`.
pub fn between<'a>(hay: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = hay.find(start)? + start.len();
    let len = hay[from..].find(end)?;
    Some(&hay[from..from + len])
}

impl Session {
    /// Signs `username` in through the login form.
    pub async fn login(
        c: &Client,
        base: &str,
        username: &str,
        password: &str,
    ) -> anyhow::Result<Session> {
        let r = c.get(format!("{base}/login")).send().await?;
        let pre = set_cookie(r.headers(), "lantoa_pre").context("no pre-session cookie")?;
        let form = [
            ("username", username),
            ("password", password),
            ("_csrf", pre.as_str()),
        ];
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let r = c
            .post(format!("{base}/login"))
            .header(header::COOKIE, format!("lantoa_pre={pre}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await?;
        let Some(session) = set_cookie(r.headers(), "lantoa_session") else {
            bail!("{username} could not sign in ({})", r.status());
        };
        let mut s = Session {
            base: base.to_string(),
            username: username.to_string(),
            cookie: format!("lantoa_session={session}"),
            csrf: String::new(),
        };
        let (status, page) = s.text(c, "/profile").await?;
        s.csrf = between(&page, "\"X-CSRF-Token\": \"", "\"")
            .with_context(|| format!("no CSRF token on {username}'s profile ({status})"))?
            .to_string();
        Ok(s)
    }

    fn request(&self, c: &Client, m: Method, path: &str) -> reqwest::RequestBuilder {
        c.request(m, format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
    }

    /// A page's status and text (uncompressed: for finding links at setup).
    pub async fn text(&self, c: &Client, path: &str) -> anyhow::Result<(StatusCode, String)> {
        let r = self.request(c, Method::GET, path).send().await?;
        let status = r.status();
        let location = r
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = r.text().await?;
        Ok((status, location.unwrap_or(text)))
    }

    /// Reads the page at `path` as a browser would, counted under `page`.
    pub async fn read(&self, c: &Client, t: &mut Tally, page: &'static str, path: &str) {
        let started = Instant::now();
        let r = self
            .request(c, Method::GET, path)
            .header(header::ACCEPT_ENCODING, ACCEPT_ENCODING)
            .send()
            .await;
        let outcome = match r {
            Ok(r) => {
                let status = r.status();
                let to_login = r
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|l| l.starts_with("/login"));
                match r.bytes().await {
                    Err(e) => Err(("transport".to_string(), e.to_string())),
                    Ok(_) if to_login => Err(("login redirect".into(), status.to_string())),
                    Ok(_) if status.is_success() || status.is_redirection() => Ok(()),
                    Ok(_) => Err((status.as_u16().to_string(), status.to_string())),
                }
            }
            Err(e) => Err(("transport".to_string(), e.to_string())),
        };
        match outcome {
            Ok(()) => t.page(page).ok(started.elapsed().as_micros()),
            Err((kind, detail)) => {
                let who = &self.username;
                t.page(page)
                    .error(&kind, format!("{who} GET {path}: {detail}"));
            }
        }
    }

    /// A tus request of the uploader, counted under `page`; the response
    /// when it has the status wanted.
    async fn tus(
        &self,
        t: &mut Tally,
        page: &'static str,
        rb: reqwest::RequestBuilder,
        want: StatusCode,
    ) -> Option<reqwest::Response> {
        let started = Instant::now();
        let rb = rb
            .header("tus-resumable", "1.0.0")
            .header("x-csrf-token", &self.csrf);
        match rb.send().await {
            Ok(r) if r.status() == want => {
                t.page(page).ok(started.elapsed().as_micros());
                Some(r)
            }
            Ok(r) => {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                let who = &self.username;
                let detail = format!("{who} {page}: {status} {}", body.trim());
                t.page(page).error(&status.as_u16().to_string(), detail);
                None
            }
            Err(e) => {
                let who = &self.username;
                t.page(page)
                    .error("transport", format!("{who} {page}: {e}"));
                None
            }
        }
    }

    /// Uploads `bytes` as a new clip of `agency` titled `title`, in PATCHes
    /// of `chunk` bytes. Counts a finished upload; an upload cut short is
    /// ended (DELETE) so it does not count against the user's open uploads.
    /// Stops between chunks once `deadline` has passed.
    pub async fn upload(
        &self,
        c: &Client,
        t: &mut Tally,
        up: Upload<'_>,
        deadline: Instant,
    ) -> bool {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let meta = format!(
            "filename {},title {},category {},agency_id {}",
            b64("load.mp4"),
            b64(up.title),
            b64("current_affairs"),
            b64(&up.agency.to_string())
        );
        let create = self
            .request(c, Method::POST, "/api/v1/uploads")
            .header("upload-length", up.bytes.len().to_string())
            .header("upload-metadata", meta);
        let Some(r) = self
            .tus(t, "upload: create", create, StatusCode::CREATED)
            .await
        else {
            return false;
        };
        let Some(loc) = r
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
        else {
            t.page("upload: create").error("no location", String::new());
            return false;
        };
        let mut offset = 0;
        while offset < up.bytes.len() {
            if Instant::now() >= deadline {
                let end = self.request(c, Method::DELETE, &loc);
                let _ = end
                    .header("tus-resumable", "1.0.0")
                    .header("x-csrf-token", &self.csrf)
                    .send()
                    .await;
                return false;
            }
            let end = (offset + up.chunk).min(up.bytes.len());
            let patch = self
                .request(c, Method::PATCH, &loc)
                .header("upload-offset", offset.to_string())
                .header(header::CONTENT_TYPE, "application/offset+octet-stream")
                .body(up.bytes[offset..end].to_vec());
            let ok = self.tus(t, "upload: patch", patch, StatusCode::NO_CONTENT);
            if ok.await.is_none() {
                let end = self.request(c, Method::DELETE, &loc);
                let _ = end
                    .header("tus-resumable", "1.0.0")
                    .header("x-csrf-token", &self.csrf)
                    .send()
                    .await;
                return false;
            }
            offset = end;
        }
        t.uploads += 1;
        t.upload_bytes += up.bytes.len() as u64;
        true
    }
}

/// What one upload sends.
pub struct Upload<'a> {
    pub agency: i64,
    pub title: &'a str,
    pub bytes: &'a [u8],
    pub chunk: usize,
}
