//! The demo's campaign of the coordinating body and an incident reported to it.

use super::CLIPS;
use crate::db::{orgs, users};
use crate::domain::OrgId;
use crate::error::Result;
use crate::state::AppState;

/// The body's running campaign (the newspaper's draft clip tagged to it) and
/// an incident the newspaper reported, once.
pub(super) async fn seed_directive(st: &AppState, body: OrgId) -> Result<()> {
    let (overseer, head, agency, body_org, draft) = {
        let mut tx = st.db.read().await?;
        if !crate::db::campaigns::of_body(&mut tx, body)
            .await?
            .is_empty()
        {
            return Ok(());
        }
        let user = |u: Option<users::User>| u.ok_or(crate::error::Error::NotFound);
        let overseer = user(users::by_username(&mut tx, "btg.giamsat").await?)?;
        let head = user(users::by_username(&mut tx, "baotinh.lanhdao").await?)?;
        let agency = orgs::by_slug(&mut tx, "bao-tinh")
            .await?
            .ok_or(crate::error::Error::NotFound)?;
        let body_org = orgs::get(&mut tx, body)
            .await?
            .ok_or(crate::error::Error::NotFound)?;
        let draft = crate::db::clips::list(&mut tx, agency.id, 20)
            .await?
            .into_iter()
            .find(|c| c.title == CLIPS[2].0)
            .map(|c| c.id);
        (overseer, head, agency, body_org, draft)
    };
    let principal = crate::service::accounts::principal_of(st, overseer.id)
        .await?
        .ok_or(crate::error::Error::NotFound)?;
    let for_body =
        crate::service::Caller::new(st, std::sync::Arc::new(principal), body_org, "demo");
    let members = {
        let mut tx = st.db.read().await?;
        orgs::agencies_of_body(&mut tx, body).await?
    };
    let tz = agency.time_zone.clone();
    let day =
        |d: i64| crate::clock::datetime_input(st.now() + d * 86_400_000, &tz)[..10].to_string();
    let form = crate::service::campaigns::CampaignForm {
        name: "Chào mừng Đại hội Đảng bộ tỉnh".into(),
        theme: "Thành tựu nhiệm kỳ, khí thế mới".into(),
        brief:
            "Mỗi cơ quan đăng ít nhất 3 clip ngắn (dưới 60 giây) về công trình, gương điển hình, \
                đời sống Nhân dân; gắn hashtag của chiến dịch."
                .into(),
        hashtags: "#daihoidang #tinhnha".into(),
        starts_on: day(-3),
        ends_on: day(14),
        agencies: members.iter().map(|a| (a.id.0, 3)).collect(),
    };
    let campaign = crate::service::campaigns::create(&for_body, form, None).await?;
    if let Some(c) = draft {
        let mut tx = st.db.write().await?;
        crate::db::clips::set_campaign_of_new(&mut tx, c, campaign).await?;
        tx.commit().await?;
    }
    let for_agency = crate::service::Caller::for_user(st, head.id, agency.id, "demo")
        .await?
        .ok_or(crate::error::Error::NotFound)?;
    let report = crate::service::incidents::Report {
        kind: "channel_compromised".into(),
        severity: "high".into(),
        title: "Trang Facebook giả mạo Báo Tỉnh".into(),
        description: "Một trang dùng tên và logo của Báo Tỉnh đăng lại clip kèm quảng cáo. \
                      Đã báo cáo trang với Facebook."
            .into(),
        clips: Vec::new(),
        channels: Vec::new(),
    };
    crate::service::incidents::report(&for_agency, report, None).await?;
    Ok(())
}

/// A clip the newspaper shares with the province (one of its published
/// history clips, with the default credit line), once. The history clips
/// carry figures but no media: the library says it has no preview, and the
/// demo leaves taking it to the person walking through.
pub(super) async fn seed_sharing(st: &AppState, body: OrgId) -> Result<()> {
    let (editor, source, published) = {
        let mut tx = st.db.read().await?;
        let none = crate::db::sharing::LibraryFilter {
            body,
            viewer: None,
            terms: vec![],
            category: String::new(),
            campaign: 0,
            source: 0,
            open_only: false,
            now: st.now(),
            limit: 1,
            offset: 0,
        };
        if crate::db::sharing::count(&mut tx, &none).await? > 0 {
            return Ok(());
        }
        let user = |u: Option<users::User>| u.ok_or(crate::error::Error::NotFound);
        let editor = user(users::by_username(&mut tx, "baotinh.bientap").await?)?;
        let org = |o: Option<orgs::Org>| o.ok_or(crate::error::Error::NotFound);
        let source = org(orgs::by_slug(&mut tx, "bao-tinh").await?)?;
        let published = crate::db::clips::in_states(&mut tx, source.id, &["published"], 1)
            .await?
            .into_iter()
            .next()
            .map(|c| c.id);
        (editor, source, published)
    };
    let Some(clip) = published else {
        return Ok(());
    };
    let as_source = crate::service::Caller::for_user(st, editor.id, source.id, "demo")
        .await?
        .ok_or(crate::error::Error::NotFound)?;
    crate::service::sharing::offer(
        &as_source,
        clip,
        crate::service::sharing::OfferInput {
            may_adapt: true,
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}
