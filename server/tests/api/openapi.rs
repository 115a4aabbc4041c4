//! The OpenAPI document served at `/api/v1/openapi.json` and the routes it
//! describes.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_openapi_document_describes_every_api_endpoint_and_each_answers() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/json");
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut documented: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    documented.sort();
    // Every route the API router serves (server/src/api*.rs).
    let served = [
        "GET /checkpoints/{id}/export",
        "GET /metrics",
        "GET /openapi.json",
        "POST /assess",
        "POST /checkpoints",
        "POST /deployments",
        "POST /incidents",
        "POST /join",
    ];
    assert_eq!(documented, served);
    for route in served {
        let (method, path) = route.split_once(' ').unwrap();
        let url = format!("{}/api/v1{path}", app.base);
        let res = if method == "GET" {
            app.client.get(url)
        } else {
            app.client.post(url).body("{}")
        }
        .send()
        .await
        .unwrap();
        let status = res.status();
        let body = res.text().await.unwrap();
        assert!(
            !(status == StatusCode::NOT_FOUND && body.contains("no such API endpoint")),
            "{route} is documented but not served"
        );
    }
}
