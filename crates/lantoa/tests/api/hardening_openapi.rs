//! Issue 11, point 14: the OpenAPI document says what the server does. The
//! schemathesis run in `scripts/api-conformance.sh` checks generated requests
//! against it; this checks the document's shape where a reader relies on it.

use serde_json::Value;

use crate::helpers::spawn_app;
use lantoa::web::{Scope, route_table};

#[tokio::test]
async fn p14_the_openapi_document_lists_every_route_with_its_answers_and_types() {
    let app = spawn_app().await;
    let doc: Value = app.get_json_anon("/api/v1/openapi.json").await;
    for r in route_table()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
    {
        let op = &doc["paths"][r.path.as_str()][r.method.to_lowercase()];
        assert!(op.is_object(), "{} {} is not documented", r.method, r.path);
        let codes: Vec<&str> = op["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut must = vec!["401", "503"];
        if r.scope != Scope::Public {
            must.push("403");
        }
        if r.path.contains('{') {
            must.extend(["400", "404"]);
        }
        if op["requestBody"].is_object() {
            must.extend(["400", "413"]);
        }
        for c in must {
            assert!(
                codes.contains(&c),
                "{} {} does not document {c}: {codes:?}",
                r.method,
                r.path
            );
        }
    }
    // Report rows are arrays of text, numbers and nulls, not objects.
    let rows = &doc["components"]["schemas"]["InsightsTable"]["properties"]["rows"];
    let cell = rows["items"]["items"].to_string();
    assert!(!cell.contains("\"object\""), "{rows}");
    let named = &doc["components"]["schemas"]["InsightsCell"];
    assert!(named.to_string().contains("\"string\"") && named.to_string().contains("\"number\""));
    // Closed sets are enums, limits are stated.
    let action = &doc["paths"]["/api/v1/agencies/{aid}/clips/{cid}/actions/{action}"]["post"]["parameters"]
        [2]["schema"]["$ref"];
    assert_eq!(action, "#/components/schemas/ClipAction");
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["ClipAction"]["enum"].as_array().unwrap().len() >= 9);
    assert_eq!(schemas["Edit"]["properties"]["title"]["maxLength"], 200);
    assert_eq!(
        schemas["NewComment"]["properties"]["body"]["maxLength"],
        5000
    );
    // A comment's drawing is a list of shapes inside the picture, both ways.
    for drawing in [
        &schemas["NewComment"]["properties"]["drawing"],
        &schemas["Comment"]["properties"]["drawing"],
    ] {
        assert_eq!(drawing["items"]["$ref"], "#/components/schemas/Shape");
    }
    assert_eq!(
        schemas["NewComment"]["properties"]["drawing"]["maxItems"],
        20
    );
    assert_eq!(schemas["Shape"]["properties"]["x1"]["maximum"], 1);
    assert_eq!(
        schemas["ShapeKind"]["enum"],
        serde_json::json!(["rect", "arrow"])
    );
    assert_eq!(
        schemas["ConnectRequest"]["properties"]["platform"]["$ref"],
        "#/components/schemas/PlatformCode"
    );
    assert_eq!(
        schemas["PlatformCode"]["enum"],
        serde_json::json!(["facebook", "youtube", "tiktok", "zalo"])
    );
    assert_eq!(
        schemas["Clip"]["properties"]["state"]["$ref"],
        "#/components/schemas/ClipState"
    );
}
