//! A channel's access token after a refresh: the refreshed one is used at
//! once, and concurrent users of a channel whose token died spend its
//! rotating refresh token once between them (TikTok and Zalo refuse a
//! refresh token used twice).

use crate::publish::{bare_env, channel_list, consent};
use lantoa::clock::Clock;
use lantoa::platforms::ErrorClass;
use lantoa::service::channels;

#[tokio::test]
async fn concurrent_refreshes_of_a_rotating_token_spend_it_once_and_all_use_the_new_token() {
    let e = bare_env().await;
    let admin = e.app.login("a.admin").await;
    for p in ["tiktok", "zalo"] {
        assert_eq!(consent(&admin, e.n.a, p, "1").await.status(), 303, "{p}");
    }
    for ch in channel_list(&e.app, e.n.a).await {
        let before = channels::open(&e.app.st, &ch).unwrap();
        let rt = before
            .refresh_token
            .clone()
            .expect("a rotating refresh token");
        // The platform refused the token in eight jobs at once.
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (st, ch, dead) = (e.app.st.clone(), ch.clone(), before.access_token.clone());
            calls.spawn(async move { channels::access_token(&st, &ch, Some(&dead)).await });
        }
        let mut got = Vec::new();
        while let Some(r) = calls.join_next().await {
            got.push(
                r.unwrap()
                    .unwrap_or_else(|e| panic!("{}: {e}", ch.platform)),
            );
        }
        got.dedup();
        assert_eq!(
            got.len(),
            1,
            "{}: one new token for all: {got:?}",
            ch.platform
        );
        assert_ne!(got[0], before.access_token, "{}", ch.platform);
        let after = channels::open(
            &e.app.st,
            &channel_list(&e.app, e.n.a)
                .await
                .into_iter()
                .find(|x| x.id == ch.id)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(after.access_token, got[0]);
        assert_ne!(
            after.refresh_token.as_deref(),
            Some(rt.as_str()),
            "rotated and kept"
        );
        // The token read afterwards, without a refusal, is the new one.
        assert_eq!(
            channels::access_token(&e.app.st, &ch, None).await.unwrap(),
            got[0]
        );
        // The old refresh token was spent once: using it again is refused.
        let app = channels::app(
            &e.app.st,
            lantoa::platforms::Platform::parse(&ch.platform).unwrap(),
        );
        let again = lantoa::platforms::oauth::refresh(
            lantoa::platforms::Platform::parse(&ch.platform).unwrap(),
            &app,
            &rt,
            e.app.clock.now_ms(),
        )
        .await
        .unwrap_err();
        assert_eq!(
            again.class,
            ErrorClass::Reconnect,
            "{}: {again}",
            ch.platform
        );
    }
    assert!(
        channel_list(&e.app, e.n.a)
            .await
            .iter()
            .all(|c| c.status == "active"),
        "no channel needs reconnecting"
    );
}
