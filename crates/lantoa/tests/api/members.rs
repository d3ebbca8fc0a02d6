//! An agency admin manages the agency's people; every change is audited.

use crate::helpers::{
    PASSWORD, any_item, assert_says, extract, form, send_expect, spawn_signed_in, spawn_with_token,
};
use lantoa::db::users;
use lantoa::domain::Role;

#[tokio::test]
async fn admin_creates_a_member_who_must_change_the_temporary_password() {
    let (app, n, b) = spawn_signed_in("a.admin").await;
    let r = b
        .post_form(
            &format!("/a/{}/members", n.a),
            &form("username=Nguyen.Hoa&display_name=Nguyễn Thị Hoa&roles=reporter&roles=editor"),
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let pw = extract(&html, "id=\"temp-password\">", "<").expect("temporary password shown");
    assert_eq!(pw.len(), 14);
    let mut tx = app.st.db.read().await.unwrap();
    let u = users::by_username(&mut tx, "nguyen.hoa")
        .await
        .unwrap()
        .expect("created, lower-cased");
    assert!(u.must_change_password);
    assert_eq!(u.display_name, "Nguyễn Thị Hoa");
    assert_eq!(
        users::roles_in(&mut tx, u.id, n.a).await.unwrap(),
        vec![Role::Editor, Role::Reporter]
    );
    drop(tx);
    let nb = app.browser();
    assert_eq!(nb.login("nguyen.hoa", &pw).await.status(), 303);
    assert_eq!(
        nb.get(&format!("/a/{}", n.a)).await.headers()["location"],
        "/profile?force=1"
    );
    // The audit trail says it in words and names who did it (the login
    // beside the name, for the filter).
    let audit = b
        .get_text(&format!("/a/{}/audit?object_type=user", n.a))
        .await;
    assert!(
        audit.contains("Tạo tài khoản")
            && audit.contains("user.create")
            && audit.contains("a.admin")
            && audit.contains("nguyen.hoa")
    );
    assert!(
        !audit.contains("audit-object-"),
        "an object type without a name"
    );
}

#[tokio::test]
async fn bad_member_input_is_explained_and_the_form_kept() {
    let (_app, n, b) = spawn_signed_in("a.admin").await;
    let path = format!("/a/{}/members", n.a);
    let r = b
        .post_form(
            &path,
            &form("username=có dấu&display_name=Hoa&roles=editor"),
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Tên đăng nhập phải dài 3–40 ký tự"), "{html}");
    assert!(
        html.contains("value=\"Hoa\""),
        "the form keeps what was typed"
    );
    let r = b
        .post_form(&path, &[("username", "hoa.n"), ("display_name", "Hoa")])
        .await;
    assert_says(r, 400, "Hãy chọn ít nhất một vai trò.").await;
    let r = b
        .post_form(
            &path,
            &form("username=a.editor&display_name=Dup&roles=editor"),
        )
        .await;
    assert_says(r, 409, "Tên đăng nhập này đã có người dùng.").await;
    // A missing field is named.
    let r = b.post_form(&path, &[("display_name", "Hoa")]).await;
    assert_says(r, 400, "username").await;
}

#[tokio::test]
async fn roles_change_and_the_last_agency_admin_is_protected() {
    let (app, n, b) = spawn_signed_in("a.admin").await;
    let r = b
        .post_form(
            &format!("/a/{}/members/{}/roles", n.a, n.a_editor),
            &[("roles", "analyst"), ("roles", "editor")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mut tx = app.st.db.read().await.unwrap();
    // (Head and deputy are the system administrator's to give: issue 11, point 5.)
    assert_eq!(
        users::roles_in(&mut tx, n.a_editor, n.a).await.unwrap(),
        vec![Role::Analyst, Role::Editor]
    );
    drop(tx);
    let r = b
        .post_form(
            &format!("/a/{}/members/{}/roles", n.a, n.a_admin),
            &[("roles", "editor")],
        )
        .await;
    assert_says(r, 409, "ít nhất một quản trị cơ quan").await;
    // Removing every role removes the person from the agency.
    let r = b
        .post_form(&format!("/a/{}/members/{}/roles", n.a, n.a_reporter), &[])
        .await;
    assert_eq!(r.status(), 303);
    b.expect_get(&format!("/a/{}/members/{}", n.a, n.a_reporter), 404)
        .await;
}

#[tokio::test]
async fn password_reset_signs_the_user_out_everywhere() {
    let (app, n, editor) = spawn_signed_in("a.editor").await;
    let token = app.token_for("a.editor").await;
    let admin = app.login("a.admin").await;
    let reset = |u| format!("/a/{}/members/{u}/password-reset", n.a);
    let r = admin.post_expect(&reset(n.a_editor), &[], 200).await;
    let pw = extract(&r.text().await.unwrap(), "id=\"temp-password\">", "<").unwrap();
    assert_eq!(
        editor.get(&format!("/a/{}", n.a)).await.status(),
        303,
        "old session ended"
    );
    let r = app.get_api("/api/v1/me", &token).await;
    assert_eq!(r.status(), 401, "tokens revoked");
    assert_eq!(
        app.browser().login("a.editor", PASSWORD).await.status(),
        401
    );
    assert_eq!(app.browser().login("a.editor", &pw).await.status(), 303);
    // Nobody resets their own password this way.
    admin.post_expect(&reset(n.a_admin), &[], 409).await;
}

#[tokio::test]
async fn the_api_manages_members_with_a_token_and_names_bad_fields() {
    let (app, n, token) = spawn_with_token("a.admin").await;
    let c = app.client();
    let path = format!("/api/v1/agencies/{}/members", n.a);
    let url = app.url(&path);
    let r = app
        .post_json(&path, &token, &serde_json::json!({"username": "api.made", "display_name": "Qua API", "roles": ["analyst"]}))
        .await;
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["member"]["roles"], serde_json::json!(["analyst"]));
    assert!(v["temporary_password"].as_str().unwrap().len() == 14);
    // Malformed JSON: 400 naming the field.
    let r = app
        .post_json(
            &path,
            &token,
            &serde_json::json!({"username": "x.y", "display_name": 5, "roles": []}),
        )
        .await;
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["code"], "malformed_request");
    assert_eq!(v["field"], "display_name");
    let r = app
        .post_json(&path, &token, &serde_json::json!({"display_name": "X"}))
        .await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["field"], "username");
    send_expect(
        c.post(&url)
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body("{not json"),
        400,
    )
    .await;
    // Invalid value: stable code, message in the caller's language.
    let r = c
        .post(&url)
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&serde_json::json!({"username": "x", "display_name": "X", "roles": ["editor"]}))
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["code"], "invalid_input");
    assert_eq!(v["field"], "username");
    let listed = app.get_json(&path, &token).await;
    assert!(any_item(&listed, |m| m["username"] == "api.made"));
}
