//! Typed text stays text: a break-out payload for each context (title,
//! attribute, textarea, script) in every field a person types is inert on
//! every page and export.

use crate::helpers::*;
use crate::secrecy::{drive, live_at_lead_time};

/// Ends the element it lands in, whichever that is, and tries markup.
const PAYLOAD: &str =
    "x</title></textarea></script>\"'><meta http-equiv=refresh content=\"1;url=/join?code=PHISHED\"><b>bold</b>";
/// The same within a name's 80 characters.
const NAME_PAYLOAD: &str = "x</title></textarea><meta http-equiv=refresh content=1><b>bold</b>";
/// What would show that the payload became markup.
const LIVE_MARKUP: [&str; 3] = ["<meta http-equiv=refresh", "<b>bold</b>", "</textarea></script>"];

#[tokio::test]
async fn a_break_out_payload_in_every_text_field_is_inert_on_every_page_and_export() {
    let app = spawn_app().await;
    let (id, code) = live_at_lead_time(&app).await;
    let slug = "payments";
    let squad_name = format!("Payments {NAME_PAYLOAD}");
    let tribe = format!("Money {NAME_PAYLOAD}");
    let res = app
        .form(
            "update_squad",
            &[("slug", slug), ("name", &squad_name), ("tribe", &tribe)],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "rename: {} {}",
        res.status(),
        res.text().await.unwrap_or_default()
    );
    let participant = app.join(&code, &format!("Ana {NAME_PAYLOAD}")).await.2.expect("joined");
    let welcome: Vec<(&str, String)> = ["purpose", "agenda", "outcome", "principles"]
        .iter()
        .map(|f| (*f, format!("{f} {PAYLOAD}")))
        .collect();
    let mut fields: Vec<(&str, &str)> = vec![("id", id.as_str())];
    fields.extend(welcome.iter().map(|(k, v)| (*k, v.as_str())));
    let res = app.form("edit_welcome", &fields).await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "welcome: {}",
        res.status()
    );
    drive(&app, &id, &[("kind", "go_to"), ("stage", "welcome")]).await;
    for (op, extra) in [
        ("use_template", vec![]),
        (
            "add_note",
            vec![
                ("note", "n1"),
                ("step", "step-1"),
                ("kind", "improvement"),
                ("text", PAYLOAD),
            ],
        ),
        (
            "add_action",
            vec![
                ("action", "a1"),
                ("title", PAYLOAD),
                ("owner", "Ana </textarea><b>bold</b>"),
            ],
        ),
    ] {
        let mut all = vec![("id", id.as_str()), ("op", op)];
        all.extend(extra);
        let res = app.form("board_command", &all).await;
        assert!(
            res.status().is_redirection() || res.status().is_success(),
            "{op}: {} {}",
            res.status(),
            res.text().await.unwrap_or_default()
        );
    }
    let res = app
        .form("save_summary_highlights", &[("id", &id), ("highlights", PAYLOAD)])
        .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "highlights: {}",
        res.status()
    );
    // Three survey answers, so that the comments are shown.
    drive(&app, &id, &[("kind", "go_to"), ("stage", "survey")]).await;
    let mut answerers = vec![participant.clone()];
    for name in ["Bo", "Cy"] {
        answerers.push(app.join(&code, name).await.2.expect("joined"));
    }
    for cookie in &answerers {
        let res = reqwest::Client::new()
            .post(format!("{}/api/answer_survey", app.base))
            .header("cookie", cookie)
            .form(&[
                ("id", id.as_str()),
                ("usefulness", "4"),
                ("went_well", PAYLOAD),
                ("to_improve", PAYLOAD),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "survey: {}",
            res.status()
        );
    }

    let mut texts = Vec::new();
    for path in [
        format!("/squads/{slug}"),
        format!("/squads/{slug}/metrics"),
        format!("/squads/{slug}/trend"),
        format!("/checkpoints/{id}"),
        format!("/checkpoints/{id}/present"),
        format!("/checkpoints/{id}/summary"),
        "/history".to_string(),
        format!("/api/v1/checkpoints/{id}/export?format=html"),
        format!("/api/v1/checkpoints/{id}/export?format=md"),
    ] {
        let res = app.client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        texts.push((path, res.text().await.unwrap()));
    }
    let room = reqwest::Client::new()
        .get(format!("{}/checkpoints/{id}", app.base))
        .header("cookie", &participant)
        .send()
        .await
        .unwrap();
    texts.push(("participant's room".into(), room.text().await.unwrap()));
    for (path, text) in &texts {
        for bad in LIVE_MARKUP {
            assert!(
                !text.contains(bad),
                "{path} carries live markup {bad:?}:\n{}",
                around(text, bad)
            );
        }
    }
    // The escaped text is there, so the test looked where the payload goes.
    let summary = &texts.iter().find(|(p, _)| p.ends_with("/summary")).unwrap().1;
    assert!(
        summary.contains("&lt;meta http-equiv=refresh"),
        "the highlights are shown, escaped"
    );
    let title = summary
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_default();
    assert!(
        title.contains("Payments x&lt;/title&gt;"),
        "the squad's name is in the title, escaped: {title}"
    );
}

fn around<'a>(text: &'a str, needle: &str) -> &'a str {
    let at = text.find(needle).unwrap_or(0);
    text.get(at.saturating_sub(300)..(at + 300).min(text.len()))
        .unwrap_or(text)
}
