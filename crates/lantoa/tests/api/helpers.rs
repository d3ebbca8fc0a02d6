//! The test harness: every test gets its own application on a free port, its own
//! database (a fresh SQLite file, or a fresh PostgreSQL database when
//! `LANTOA_TEST_DB=postgres`), and helpers to act as a browser or an API client.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use lantoa::clock::{Clock, ManualClock};
use lantoa::config::Config;
use lantoa::crypto::hash_password;
use lantoa::db::{Db, clips, orgs, users};
use lantoa::domain::{ClipId, OrgId, Role, UserId};
use lantoa::keys::Keys;
use lantoa::server::{Application, open_database};
use lantoa::state::AppState;
use reqwest::redirect::Policy;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery";
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| hash_password(PASSWORD));

/// Which engine this run tests.
pub fn engine() -> &'static str {
    match std::env::var("LANTOA_TEST_DB").as_deref() {
        Ok("postgres") => "postgres",
        _ => "sqlite",
    }
}

/// Which object storage this run tests: `local` (default) or `s3` (an in-process
/// S3 server, s3s-fs), with `LANTOA_TEST_STORAGE=s3`.
pub fn storage_mode() -> &'static str {
    match std::env::var("LANTOA_TEST_STORAGE").as_deref() {
        Ok("s3") => "s3",
        _ => "local",
    }
}

pub const S3_BUCKET: &str = "lantoa-media";
const S3_KEY: &str = "lantoa-test-key";
const S3_SECRET: &str = "lantoa-test-secret";

/// Starts an S3-compatible server inside the test process, storing under `root`.
/// Returns its endpoint; it stops when the test's runtime ends.
pub async fn start_s3(root: &std::path::Path) -> String {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use hyper_util::server::conn::auto::Builder as ConnBuilder;
    std::fs::create_dir_all(root.join(S3_BUCKET)).unwrap();
    let fs = s3s_fs::FileSystem::new(root).unwrap();
    let mut b = s3s::service::S3ServiceBuilder::new(fs);
    b.set_auth(s3s::auth::SimpleAuth::from_single(S3_KEY, S3_SECRET));
    let service = b.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let http = ConnBuilder::new(TokioExecutor::new());
        while let Ok((socket, _)) = listener.accept().await {
            let conn = http
                .serve_connection(TokioIo::new(socket), service.clone())
                .into_owned();
            tokio::spawn(async move {
                let _ = conn.await;
            });
        }
    });
    format!("http://{addr}")
}

fn pg_admin_url() -> String {
    std::env::var("LANTOA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Drops the test's PostgreSQL database when the test ends.
pub struct PgDatabase {
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // A separate runtime: Drop may run while the test's runtime is shutting down.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(db) = Db::connect(&pg_admin_url()).await
                    && let Db::Postgres(p, _) = &db
                {
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(p).await;
                }
            });
        })
        .join();
    }
}

#[allow(dead_code)]
pub struct TestApp {
    pub addr: String,
    pub st: AppState,
    pub clock: ManualClock,
    pub data_dir: tempfile::TempDir,
    pub database_url: String,
    /// The in-process S3 endpoint when media are stored in S3.
    pub s3: Option<String>,
    /// The extra settings the app was started with (kept over restarts).
    pub extra: Vec<(String, String)>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _pg: Option<PgDatabase>,
}

/// [`spawn_network`], with `username` signed in through the login form.
pub async fn spawn_signed_in(username: &str) -> (TestApp, Network, Browser) {
    let (app, n) = spawn_network().await;
    let b = app.login(username).await;
    (app, n, b)
}

/// [`spawn_network`], with an access token for `username`.
pub async fn spawn_with_token(username: &str) -> (TestApp, Network, String) {
    let (app, n) = spawn_network().await;
    let token = app.token_for(username).await;
    (app, n, token)
}

/// Settings for a test instance with extra `LANTOA_*` variables.
pub fn test_config_with(
    data_dir: &std::path::Path,
    database_url: &str,
    s3: Option<&str>,
    extra: &[(&str, &str)],
) -> Config {
    let env = test_env(data_dir, database_url, s3, extra);
    Config::from_sources(None, &env).expect("test config")
}

/// The `LANTOA_*` variables of a test instance (what a `lantoa` child process
/// of the test needs to share its database, storage and settings).
pub fn test_env(
    data_dir: &std::path::Path,
    database_url: &str,
    s3: Option<&str>,
    extra: &[(&str, &str)],
) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = [
        ("LANTOA_DATA_DIR", data_dir.display().to_string()),
        ("LANTOA_LISTEN", "127.0.0.1:0".to_string()),
        ("LANTOA_DATABASE_URL", database_url.to_string()),
        ("LANTOA_LOG", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(endpoint) = s3 {
        for (k, v) in [
            ("LANTOA_STORAGE_URL", format!("s3://{S3_BUCKET}/test")),
            ("LANTOA_S3_ENDPOINT", endpoint.to_string()),
            ("LANTOA_S3_ACCESS_KEY_ID", S3_KEY.to_string()),
            ("LANTOA_S3_SECRET_ACCESS_KEY", S3_SECRET.to_string()),
            ("LANTOA_S3_PATH_STYLE", "true".to_string()),
        ] {
            env.insert(k.to_string(), v);
        }
    }
    for (k, v) in extra {
        env.insert(k.to_string(), v.to_string());
    }
    env
}

/// A fresh database URL for one test (and the guard that drops it).
pub async fn fresh_database(data_dir: &std::path::Path) -> (String, Option<PgDatabase>) {
    if engine() == "postgres" {
        let name = format!(
            "lantoa_t_{}",
            hex::encode(lantoa::crypto::random_bytes::<6>())
        );
        let admin = Db::connect(&pg_admin_url())
            .await
            .expect("PostgreSQL reachable for tests");
        if let Db::Postgres(p, _) = &admin {
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(p)
                .await
                .expect("create test database");
        }
        admin.close().await;
        let base = pg_admin_url();
        let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
        (url, Some(PgDatabase { name }))
    } else {
        (lantoa::db::sqlite_url_for(data_dir), None)
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// An application with the usual organisations and people ([`TestApp::network`]).
pub async fn spawn_network() -> (TestApp, Network) {
    let app = spawn_app().await;
    let n = app.network().await;
    (app, n)
}

/// An application with extra settings (`LANTOA_*` name, value).
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    let mut app = state_with(extra).await;
    app.serve().await;
    app
}

/// The application's state on `config`, with `clock`.
async fn app_state(config: Config, clock: &ManualClock) -> AppState {
    let keys = Keys::load_or_create(&config).unwrap();
    let db = open_database(&config, clock).await.expect("database");
    let store = lantoa::storage::Store::from_config(&config).unwrap();
    AppState::new(
        db,
        config,
        keys,
        Arc::new(clock.clone()) as Arc<dyn Clock>,
        store,
    )
}

/// The application's state (database, storage, keys) with extra settings, but
/// no server and no in-process worker: jobs wait for a `lantoa worker` the test
/// starts itself. `addr` is empty.
pub async fn state_with(extra: &[(&str, &str)]) -> TestApp {
    // Warnings and errors of the app show in a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_test_writer()
        .try_init();
    let data_dir = tempfile::tempdir().unwrap();
    let (database_url, pg) = fresh_database(data_dir.path()).await;
    let s3 = match storage_mode() {
        "s3" => Some(start_s3(&data_dir.path().join("s3")).await),
        _ => None,
    };
    let config = test_config_with(data_dir.path(), &database_url, s3.as_deref(), extra);
    let clock = ManualClock::new(jiff::Timestamp::now().as_millisecond());
    let st = app_state(config, &clock).await;
    TestApp {
        addr: String::new(),
        st,
        clock,
        data_dir,
        database_url,
        s3,
        extra: extra
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        stop: None,
        server: None,
        _pg: pg,
    }
}

impl TestApp {
    /// Stops the server and starts a new one on the same database and data folder
    /// (a new port), as after a crash or a deploy.
    pub async fn restart(&mut self) {
        self.stop().await;
        let config = test_config_with(
            self.data_dir.path(),
            &self.database_url,
            self.s3.as_deref(),
            &self.extra_settings(),
        );
        self.st = app_state(config, &self.clock).await;
        self.serve().await;
    }

    /// Another web process of the same installation: the same database,
    /// storage and keys, its own data folder and memory, at its own port.
    pub async fn sibling(&self) -> TestApp {
        let data_dir = tempfile::tempdir().unwrap();
        let secrets = self.data_dir.path().join("secrets.toml");
        if secrets.exists() {
            std::fs::copy(&secrets, data_dir.path().join("secrets.toml")).unwrap();
        }
        let config = test_config_with(
            data_dir.path(),
            &self.database_url,
            self.s3.as_deref(),
            &self.extra_settings(),
        );
        let st = app_state(config, &self.clock).await;
        let mut app = TestApp {
            addr: String::new(),
            st,
            clock: self.clock.clone(),
            data_dir,
            database_url: self.database_url.clone(),
            s3: self.s3.clone(),
            extra: self.extra.clone(),
            stop: None,
            server: None,
            _pg: None,
        };
        app.serve().await;
        app
    }

    /// Starts a server on `self.st` at a free port.
    async fn serve(&mut self) {
        let app = Application::bind(self.st.clone()).await.unwrap();
        self.addr = format!("http://{}", app.addr);
        let (tx, rx) = oneshot::channel::<()>();
        self.server = Some(tokio::spawn(async move {
            let _ = app
                .run(async move {
                    let _ = rx.await;
                })
                .await;
        }));
        self.stop = Some(tx);
    }

    /// The extra settings as (name, value) pairs.
    fn extra_settings(&self) -> Vec<(&str, &str)> {
        self.extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    /// Stops the server and closes the database (the data stays for inspection).
    pub async fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.server.take() {
            let _ = h.await;
        }
    }

    /// The `LANTOA_*` variables this instance runs with.
    pub fn env_vars(&self) -> BTreeMap<String, String> {
        test_env(
            self.data_dir.path(),
            &self.database_url,
            self.s3.as_deref(),
            &self.extra_settings(),
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.addr)
    }

    /// A client with no cookies that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// A GET with no cookies and no token, as a stranger's first request.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client().get(self.url(path)).send().await.unwrap()
    }

    /// The body of a GET with no cookies and no token, as text.
    pub async fn get_page(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// The body of a GET with no cookies and no token, read as JSON.
    pub async fn get_json_anon(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.unwrap()
    }

    /// A GET to the API with a bearer token.
    pub async fn get_api(&self, path: &str, token: &str) -> reqwest::Response {
        self.client()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// A GET to the API with a bearer token, its body read as JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        self.get_api(path, token).await.json().await.unwrap()
    }

    /// A POST of a JSON body to the API with a bearer token.
    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: &(impl serde::Serialize + ?Sized),
    ) -> reqwest::Response {
        self.client()
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// A POST of a JSON body to the API with a bearer token; checks the
    /// answer's status and returns its JSON body.
    pub async fn post_json_expect(
        &self,
        path: &str,
        token: &str,
        body: &serde_json::Value,
        status: u16,
    ) -> serde_json::Value {
        json_of(self.post_json(path, token, body).await, status).await
    }

    /// Creates an organisation directly in the database.
    pub async fn org(&self, kind: &str, parent: Option<OrgId>, slug: &str, name: &str) -> OrgId {
        let mut tx = self.st.db.write().await.unwrap();
        let id = orgs::insert(
            &mut tx,
            orgs::NewOrg {
                kind,
                parent_id: parent,
                slug,
                name,
                time_zone: "Asia/Ho_Chi_Minh",
                now: self.clock.now_ms(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// Creates a clip directly in the database, now, with no version yet.
    pub async fn insert_clip(
        &self,
        (agency, author): (OrgId, UserId),
        title: &str,
        caption: &str,
        category: &str,
        political: bool,
    ) -> ClipId {
        let mut tx = self.st.db.write().await.unwrap();
        let new = clips::NewClip {
            agency_id: agency,
            author_id: author,
            title,
            caption,
            category,
            political,
            now: self.clock.now_ms(),
        };
        let id = clips::insert(&mut tx, new).await.unwrap();
        // As an upload readies a new clip: the agency's default platforms and
        // publish window.
        lantoa::service::review::prepare_new_clip(&mut tx, id, self.clock.now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// Creates a user with the shared test password and the given memberships.
    pub async fn user(&self, username: &str, sysadmin: bool, roles: &[(OrgId, Role)]) -> UserId {
        self.user_with(username, sysadmin, false, roles).await
    }

    pub async fn user_with(
        &self,
        username: &str,
        sysadmin: bool,
        must_change: bool,
        roles: &[(OrgId, Role)],
    ) -> UserId {
        let mut tx = self.st.db.write().await.unwrap();
        let now = self.clock.now_ms();
        let id = users::insert(
            &mut tx,
            users::NewUser {
                username,
                display_name: &format!("Người dùng {username}"),
                password_hash: &PASSWORD_HASH,
                must_change_password: must_change,
                is_system_admin: sysadmin,
                locale: "vi",
                now,
            },
        )
        .await
        .unwrap();
        let mut by_org: BTreeMap<OrgId, Vec<Role>> = BTreeMap::new();
        for (o, r) in roles {
            by_org.entry(*o).or_default().push(*r);
        }
        for (o, rs) in by_org {
            users::set_roles(&mut tx, id, o, &rs, now).await.unwrap();
        }
        tx.commit().await.unwrap();
        id
    }

    /// A body with agencies A and B, and people in several roles in each.
    pub async fn network(&self) -> Network {
        let body = self.org("body", None, "btg", "Ban Tuyên giáo").await;
        let a = self.org("agency", Some(body), "bao-a", "Báo A").await;
        let b = self.org("agency", Some(body), "dai-b", "Đài B").await;
        let other_body = self.org("body", None, "btg-khac", "Tỉnh khác").await;
        let c = self.org("agency", Some(other_body), "bao-c", "Báo C").await;
        Network {
            body,
            a,
            b,
            c,
            a_reporter: self.user("a.reporter", false, &[(a, Role::Reporter)]).await,
            a_editor: self.user("a.editor", false, &[(a, Role::Editor)]).await,
            a_head: self.user("a.head", false, &[(a, Role::Head)]).await,
            a_admin: self.user("a.admin", false, &[(a, Role::AgencyAdmin)]).await,
            b_admin: self.user("b.admin", false, &[(b, Role::AgencyAdmin)]).await,
            b_reporter: self.user("b.reporter", false, &[(b, Role::Reporter)]).await,
            overseer: self
                .user("overseer", false, &[(body, Role::Overseer)])
                .await,
            sysadmin: self.user("root", true, &[]).await,
        }
    }

    /// Signs in through the login form, as a browser does.
    pub async fn login(&self, username: &str) -> Browser {
        let b = self.browser();
        let resp = b.login(username, PASSWORD).await;
        assert_eq!(resp.status(), 303, "login of {username} failed");
        b.refresh_csrf("/profile").await;
        b
    }

    pub fn browser(&self) -> Browser {
        Browser {
            base: self.addr.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
            csrf: std::sync::Mutex::new(String::new()),
        }
    }

    /// A personal access token for the user, made through the service.
    pub async fn token_for(&self, username: &str) -> String {
        let b = self.login(username).await;
        let r = b.post_form("/profile/tokens", &[("name", "test")]).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        extract(&html, "id=\"new-token\">", "<").expect("token on page")
    }

    /// The audit log's latest entries (up to 1000).
    pub async fn audit_entries(&self) -> Vec<lantoa::audit::Entry> {
        let mut tx = self.st.db.read().await.unwrap();
        lantoa::db::audit::list(
            &mut tx,
            &lantoa::db::audit::Filter {
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap()
    }

    pub async fn audit_count(&self) -> i64 {
        let mut tx = self.st.db.read().await.unwrap();
        lantoa::on_tx!(&mut tx, c => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log").fetch_one(c).await).unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

#[allow(dead_code)]
pub struct Network {
    pub body: OrgId,
    pub a: OrgId,
    pub b: OrgId,
    /// An agency of another body.
    pub c: OrgId,
    pub a_reporter: UserId,
    pub a_editor: UserId,
    pub a_head: UserId,
    pub a_admin: UserId,
    pub b_admin: UserId,
    pub b_reporter: UserId,
    pub overseer: UserId,
    pub sysadmin: UserId,
}

/// Sends a request, checks that it answers `status`, and returns the response.
pub async fn send_expect(req: reqwest::RequestBuilder, status: u16) -> reqwest::Response {
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), status, "{}", r.url());
    r
}

/// Sends a request and reads the answer as JSON, whatever its status.
pub async fn send_json(req: reqwest::RequestBuilder) -> serde_json::Value {
    req.send().await.unwrap().json().await.unwrap()
}

/// Checks that a response has `status` and returns its body as text.
pub async fn text_of(r: reqwest::Response, status: u16) -> String {
    assert_eq!(r.status(), status, "{}", r.url());
    r.text().await.unwrap()
}

/// Checks that a response has `status` and that its body says `needle`.
pub async fn assert_says(r: reqwest::Response, status: u16, needle: &str) {
    let body = text_of(r, status).await;
    assert!(body.contains(needle), "{needle:?} not in {body}");
}

/// Checks that a JSON response has `status` and returns its body.
pub async fn json_of(r: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(r.status(), status, "{}", r.url());
    r.json().await.unwrap()
}

/// Whether any item of a JSON array satisfies `f`.
pub fn any_item(v: &serde_json::Value, f: impl FnMut(&serde_json::Value) -> bool) -> bool {
    v.as_array().unwrap().iter().any(f)
}

/// A response header as text.
pub fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()[name].to_str().unwrap()
}

/// Form fields written as `name=value&name=value` (as typed, not encoded; a
/// name or value never holds `&` or `=`).
pub fn form(fields: &str) -> Vec<(&str, &str)> {
    fields
        .split('&')
        .map(|f| f.split_once('=').expect("name=value"))
        .collect()
}

/// Text between `start` and the next `end`.
pub fn extract(html: &str, start: &str, end: &str) -> Option<String> {
    let i = html.find(start)? + start.len();
    let j = html[i..].find(end)?;
    Some(html[i..i + j].to_string())
}

/// A browser: keeps cookies, sends the CSRF token with every form.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub csrf: std::sync::Mutex<String>,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Checks the status a GET of `path` answers.
    pub async fn expect_get(&self, path: &str, status: u16) {
        assert_eq!(self.get(path).await.status(), status, "GET {path}");
    }

    /// A page's body as text.
    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// Reads the CSRF token from a page's forms.
    pub async fn refresh_csrf(&self, path: &str) {
        let html = self.get(path).await.text().await.unwrap();
        if let Some(t) = extract(&html, "name=\"_csrf\" value=\"", "\"") {
            *self.csrf.lock().unwrap() = t;
        }
    }

    /// Opens a page, checks that it shows `needle` (`why` it should), and takes
    /// the CSRF token of its forms.
    pub async fn open_showing(&self, path: &str, needle: &str, why: &str) {
        let html = self.get_text(path).await;
        assert!(html.contains(needle), "{why}");
        self.refresh_csrf(path).await;
    }

    pub fn csrf(&self) -> String {
        self.csrf.lock().unwrap().clone()
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.refresh_csrf("/login").await;
        self.post_form("/login", &[("username", username), ("password", password)])
            .await
    }

    /// Posts a form with the CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let csrf = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form with a file (`multipart/form-data`), the CSRF token as
    /// its first field as the pages put it (`csrf: false` leaves it out).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
        csrf: bool,
    ) -> reqwest::Response {
        let boundary = "----lantoa-test-boundary-7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        let token = self.csrf();
        let mut all: Vec<(&str, &str)> = Vec::new();
        if csrf {
            all.push(("_csrf", token.as_str()));
        }
        all.extend_from_slice(fields);
        for (k, v) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((name, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.client
            .post(self.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts the password change form.
    pub async fn change_password(
        &self,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> reqwest::Response {
        let fields = [
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", confirm),
        ];
        self.post_form("/profile/password", &fields).await
    }

    /// Posts a form and checks the answer's status.
    pub async fn post_expect(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        status: u16,
    ) -> reqwest::Response {
        let r = self.post_form(path, fields).await;
        assert_eq!(r.status(), status, "POST {path}");
        r
    }

    /// Posts a form without any CSRF token (as a forged cross-site request would).
    pub async fn post_form_without_csrf(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }
}

/// Whether a server on `port` answers `/readyz` with 200 within `tries` tries,
/// `pause` apart.
pub async fn wait_ready(port: u16, tries: usize, pause: std::time::Duration) -> bool {
    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/readyz");
    for _ in 0..tries {
        let r = client.get(&url).send().await;
        if r.is_ok_and(|r| r.status() == 200) {
            return true;
        }
        tokio::time::sleep(pause).await;
    }
    false
}

/// The `lantoa` command line that adds the body `btg` (with no parent) named `name`.
pub fn add_body_btg(name: &str) -> [&str; 7] {
    [
        "agency",
        "add",
        "--body-only",
        "--slug",
        "btg",
        "--name",
        name,
    ]
}

/// Base64 of `s`, as tus metadata values are written.
pub fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// The tus `Upload-Metadata` of a clip for `agency`.
pub fn upload_meta(agency: i64) -> String {
    format!(
        "filename {},title {},category {},agency_id {}",
        b64("clip.mp4"),
        b64("Lễ hội đền Hùng"),
        b64("current_affairs"),
        b64(&agency.to_string())
    )
}

/// ffmpeg's output options for a quick H.264 video stream that every player takes.
#[rustfmt::skip]
pub const H264: [&str; 6] = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"];

/// Runs ffmpeg with `args` (inputs, codecs) writing `out`.
pub async fn ffmpeg(out: &std::path::Path, args: &[&str]) {
    let st = tokio::process::Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .await
        .expect("ffmpeg runs");
    assert!(st.success(), "ffmpeg could not make {}", out.display());
}

/// Makes an H.264/AAC test clip at `out` from ffmpeg's lavfi sources: `video`
/// (e.g. `testsrc2=size=180x320:rate=25:duration=3`) and `audio` (e.g. a `sine`
/// source); `extra` output options follow (e.g. `-movflags +faststart`).
pub async fn lavfi(out: &std::path::Path, video: &str, audio: &str, extra: &[&str]) {
    let inputs = ["-f", "lavfi", "-i", video, "-f", "lavfi", "-i", audio];
    let audio_out = ["-c:a", "aac", "-shortest"];
    ffmpeg(out, &[&inputs[..], &H264, &audio_out, extra].concat()).await;
}

/// The caller context a service sees when `a` (acting as `p`) works in `org`.
pub(crate) fn caller_of(
    st: &AppState,
    a: &lantoa::service::Actor,
    p: &lantoa::service::accounts::Principal,
    org: &orgs::Org,
) -> lantoa::service::Caller {
    lantoa::service::Caller {
        st: st.clone(),
        actor: a.clone(),
        principal: Arc::new(p.clone()),
        agency: org.clone(),
    }
}
