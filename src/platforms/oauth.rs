//! PLACEHOLDER (replaced by the OAuth flows branch): the signatures only.
#![allow(unused)]
use super::{ErrorClass, Platform, PlatformError};

pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: String,
    pub authorize_base: String,
    pub token_base: String,
    pub api_base: String,
    pub graph_version: String,
}
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at_ms: Option<i64>,
    pub refresh_expires_at_ms: Option<i64>,
    pub scope: Option<String>,
}
pub struct Account {
    pub external_id: String,
    pub name: String,
    pub tokens: Tokens,
}
pub fn pkce() -> (String, String) {
    (String::new(), String::new())
}
pub fn authorize_url(
    p: Platform,
    app: &OAuthApp,
    redirect_uri: &str,
    state: &str,
    code_challenge: Option<&str>,
) -> String {
    String::new()
}
fn todo_err() -> PlatformError {
    PlatformError {
        class: ErrorClass::Permanent,
        status: None,
        code: "todo".into(),
        message: "todo".into(),
    }
}
pub async fn exchange_code(
    p: Platform,
    app: &OAuthApp,
    code: &str,
    redirect_uri: &str,
    code_verifier: Option<&str>,
    now_ms: i64,
) -> Result<Tokens, PlatformError> {
    Err(todo_err())
}
pub async fn accounts(
    p: Platform,
    app: &OAuthApp,
    user: &Tokens,
    now_ms: i64,
) -> Result<Vec<Account>, PlatformError> {
    Err(todo_err())
}
pub async fn refresh(
    p: Platform,
    app: &OAuthApp,
    refresh_token: &str,
    now_ms: i64,
) -> Result<Tokens, PlatformError> {
    Err(todo_err())
}
