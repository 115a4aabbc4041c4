//! The summary and its exports (Markdown, JSON, HTML, CSV): who may read
//! them, what they say, and revisions once finalised.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_summary_exports_as_markdown_json_and_html_to_readers_of_the_squad_only() {
    let app = spawn_app().await;
    let (id, code) = app.checkpoint().await;
    app.join(&code, "Ana").await;
    let export = |format: &str, token: Option<&str>, client: &reqwest::Client| {
        let mut req = client.get(format!("{}/api/v1/checkpoints/{id}/export?format={format}", app.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let res = export("md", None, &app.client).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/markdown; charset=utf-8");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"payments-2026-11-22.md\""
    );
    let md = res.text().await.unwrap();
    assert!(md.starts_with("# DevOps Checkpoint: Payments, 2026-11-22\n"), "{md}");
    // Ana, and the facilitator (in the room from the start).
    assert!(
        md.contains("Draft (not finalised)") && md.contains("Participants: 2"),
        "{md}"
    );

    let json: Value = export("json", None, &app.client).await.unwrap().json().await.unwrap();
    assert_eq!(
        (
            json["schema"].as_str(),
            json["revision"].clone(),
            json["checkpoint"]["tribe"].as_str()
        ),
        (Some("devops-checkpoint/summary/1"), Value::Null, Some("Money"))
    );
    // A new checkpoint is in the 2025 edition, which asks five questions.
    assert_eq!(json["checkpoint"]["benchmark"], "2025");
    assert_eq!(json["answers"].as_array().unwrap().len(), 5);
    let html = export("html", None, &app.client).await.unwrap();
    assert!(
        html.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'"),
        "the page may run nothing"
    );
    assert!(html.text().await.unwrap().contains("@media print"));

    let csv = export("csv&of=actions", None, &app.client).await.unwrap();
    assert_eq!(
        csv.headers()["content-disposition"],
        "attachment; filename=\"payments-2026-11-22.actions.csv\""
    );
    assert_eq!(
        csv.text().await.unwrap(),
        "title,owner,due,capability,status\r\n",
        "no actions yet: the header alone"
    );
    assert!(export("csv&of=notes", None, &app.client)
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .starts_with("step,position,kind,text"));
    let mut refusals = Vec::new();
    for query in ["format=pdf", "format=", "format=md&revision=0", "format=csv"] {
        let res = app
            .client
            .get(format!("{}/api/v1/checkpoints/{id}/export?{query}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        refusals.push(json!({"query": query, "body": res.json::<Value>().await.unwrap()}));
    }
    insta::assert_json_snapshot!(refusals, @r#"
    [
      {
        "body": {
          "error": "unknown format \"pdf\"; expected md, json, html or csv",
          "field": "format"
        },
        "query": "format=pdf"
      },
      {
        "body": {
          "error": "format is required: md, json, html or csv",
          "field": "format"
        },
        "query": "format="
      },
      {
        "body": {
          "error": "revision is a whole number from 1",
          "field": "revision"
        },
        "query": "format=md&revision=0"
      },
      {
        "body": {
          "error": "a CSV export is of=actions or of=notes",
          "field": "of"
        },
        "query": "format=csv"
      }
    ]
    "#);
    assert_eq!(
        export("md", None, &reqwest::Client::new()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // A token reads its own squad's checkpoints, and another squad's token finds nothing.
    let own = app
        .store
        .create_api_token(None, "payments", "wiki")
        .await
        .unwrap()
        .secret;
    assert_eq!(
        export("md", Some(&own), &reqwest::Client::new())
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let other = app.pipeline("Search").await;
    assert_eq!(
        export("md", Some(&other.token), &reqwest::Client::new())
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    // Finalised: the export says so, the draft form is refused, a correction makes revision 2.
    let res = app
        .form(
            "finalise_summary",
            &[("id", &id), ("highlights", "Shipped the pipeline.")],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let md = export("md", None, &app.client).await.unwrap().text().await.unwrap();
    assert!(
        md.contains("Revision 1, finalised") && md.contains("Shipped the pipeline."),
        "{md}"
    );
    let refused = app
        .form("save_summary_highlights", &[("id", &id), ("highlights", "changed")])
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let res = app
        .form(
            "correct_summary",
            &[
                ("id", &id),
                ("highlights", "Shipped the pipeline, twice."),
                ("reason", "typo"),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let first: Value = app
        .client
        .get(format!(
            "{}/api/v1/checkpoints/{id}/export?format=json&revision=1",
            app.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let latest: Value = export("json", None, &app.client).await.unwrap().json().await.unwrap();
    assert_eq!(
        (
            first["highlights"].as_str(),
            latest["highlights"].as_str(),
            latest["revision"].as_i64()
        ),
        (
            Some("Shipped the pipeline."),
            Some("Shipped the pipeline, twice."),
            Some(2)
        )
    );
}
