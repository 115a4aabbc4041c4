use super::csv::{parse as parse_csv, CsvBatch};
use super::json::{deployments, incidents, BatchError};
use super::*;

fn refused(body: &str) -> (Option<usize>, String) {
    match deployments(body.as_bytes()) {
        Err(BatchError::Item { index, field, .. }) => (index, field),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

const OK: &str = r#"{"id":"d1","service":"api","status":"success","finished_at":"2026-11-20T10:00:00Z"}"#;

#[test]
fn one_deployment_takes_defaults() {
    let d = deployments(OK.as_bytes()).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].environment, "production");
    assert_eq!(d[0].status, Status::Success);
    assert_eq!(d[0].finished_at, 1_795_168_800_000);
    assert!(d[0].commits.is_empty() && d[0].started_at.is_none());
}

#[test]
fn a_batch_with_commits_and_stages_parses_and_offsets_are_honoured() {
    let body = r#"{"deployments":[{"id":"d1","service":"api","environment":"staging","status":"failure",
        "started_at":"2026-11-20T11:50:00+02:00","finished_at":"2026-11-20T10:00:00Z",
        "commits":[{"sha":"abc","committed_at":"2026-11-19T10:00:00Z"},{"sha":"abc","committed_at":"2026-11-19T10:00:00Z"}],
        "stages":[{"name":"build","started_at":"2026-11-20T09:50:00Z","finished_at":"2026-11-20T09:55:00Z"}]}]}"#;
    let d = &deployments(body.as_bytes()).unwrap()[0];
    assert_eq!(d.started_at, Some(d.finished_at - 10 * 60_000));
    assert_eq!(d.commits.len(), 1, "a sha listed twice is one change");
    assert_eq!(d.stages[0].name, "build");
    assert_eq!(d.status, Status::Failure);
}

#[test]
fn each_refused_deployment_input_names_its_item_and_field() {
    // The second item of a batch, with `change` applied to a valid deployment.
    let second = |change: &dyn Fn(&mut serde_json::Map<String, serde_json::Value>)| {
        let mut item: serde_json::Map<String, serde_json::Value> = serde_json::from_str(OK).unwrap();
        change(&mut item);
        refused(&format!(
            r#"{{"deployments":[{OK},{}]}}"#,
            serde_json::Value::Object(item)
        ))
    };
    let set = |key: &'static str, value: serde_json::Value| {
        move |o: &mut serde_json::Map<String, serde_json::Value>| {
            o.insert(key.to_string(), value.clone());
        }
    };
    use serde_json::json;
    assert_eq!(second(&set("id", json!(""))), (Some(1), "id".into()));
    assert_eq!(second(&set("id", json!("   "))), (Some(1), "id".into()));
    assert_eq!(
        second(&|o| {
            o.remove("id");
        }),
        (Some(1), "id".into())
    );
    assert_eq!(second(&set("id", json!("x".repeat(201)))), (Some(1), "id".into()));
    assert_eq!(second(&set("service", json!(7))), (Some(1), "service".into()));
    assert_eq!(second(&set("status", json!("ok"))), (Some(1), "status".into()));
    assert_eq!(
        second(&set("finished_at", json!("yesterday"))),
        (Some(1), "finished_at".into())
    );
    assert_eq!(
        second(&set("finished_at", json!("2026-11-20 10:00"))),
        (Some(1), "finished_at".into())
    );
    assert_eq!(
        second(&set("started_at", json!("2026-11-20T10:00:01Z"))),
        (Some(1), "started_at".into())
    );
    assert_eq!(
        second(&set(
            "commits",
            json!([{"sha": "a", "committed_at": "2026-11-20T10:00:01Z"}])
        )),
        (Some(1), "commits[0].committed_at".into())
    );
    assert_eq!(
        second(&set("commits", json!([{"committed_at": "2026-11-20T09:00:00Z"}]))),
        (Some(1), "commits[0].sha".into())
    );
    assert_eq!(
        second(&set(
            "stages",
            json!([{"name": "b", "started_at": "2026-11-20T10:00:00Z", "finished_at": "2026-11-20T09:00:00Z"}])
        )),
        (Some(1), "stages[0].started_at".into())
    );
    assert_eq!(refused(r#"{"deployments":[]}"#), (None, "deployments".into()));
    assert_eq!(refused(r#"{"deployments":{}}"#), (None, "deployments".into()));
    let many = format!(r#"{{"deployments":[{}]}}"#, vec![OK; MAX_BATCH + 1].join(","));
    assert_eq!(refused(&many), (None, "deployments".into()));
    let most = format!(r#"{{"deployments":[{}]}}"#, vec![OK; MAX_BATCH].join(","));
    assert_eq!(deployments(most.as_bytes()).unwrap().len(), MAX_BATCH);
}

#[test]
fn a_body_that_is_not_a_json_object_is_malformed() {
    assert!(matches!(deployments(b"{"), Err(BatchError::Malformed(_))));
    assert!(matches!(deployments(b"[1]"), Err(BatchError::Malformed(_))));
    assert!(matches!(incidents(b"\"x\""), Err(BatchError::Malformed(_))));
}

#[test]
fn incidents_refuse_resolution_before_opening_or_start() {
    let base = r#""id":"i1","service":"api","opened_at":"2026-11-20T10:00:00Z""#;
    let ok = incidents(format!("{{{base}}}").as_bytes()).unwrap();
    assert_eq!(ok[0].resolved_at, None, "absent while open");
    let field = |extra: &str| match incidents(format!(r#"{{"incidents":[{{{base}{extra}}}]}}"#).as_bytes()) {
        Err(BatchError::Item {
            index: Some(0), field, ..
        }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(r#","resolved_at":"2026-11-20T09:59:59Z""#), "resolved_at");
    assert_eq!(
        field(r#","started_at":"2026-11-20T10:30:00Z","resolved_at":"2026-11-20T10:10:00Z""#),
        "resolved_at"
    );
    assert_eq!(field(r#","opened_at":"soon""#), "opened_at");
    let started_before_opening = incidents(
        format!(r#"{{{base},"started_at":"2026-11-20T09:00:00Z","resolved_at":"2026-11-20T11:00:00Z"}}"#).as_bytes(),
    )
    .unwrap();
    assert_eq!(
        started_before_opening[0].started_at,
        Some(started_before_opening[0].opened_at - 3_600_000)
    );
}

#[test]
fn the_last_copy_of_an_id_in_one_batch_wins() {
    let items = vec![("a", 1), ("b", 2), ("a", 3)];
    assert_eq!(last_of_each(items, |i| i.0), vec![("b", 2), ("a", 3)]);
}

#[test]
fn csv_deployments_and_incidents_import_by_header() {
    let d = parse_csv("id,service,status,finished_at,commits\nd1,api,success,2026-11-20T10:00:00Z,abc@2026-11-19T10:00:00Z def@2026-11-19T11:00:00Z\n").unwrap();
    let CsvBatch::Deployments(d) = d else { panic!() };
    assert_eq!((d[0].environment.as_str(), d[0].commits.len()), ("production", 2));
    let i = parse_csv("ID,Service,Opened_at,Resolved_at\ni1,api,2026-11-20T10:00:00Z,\n").unwrap();
    let CsvBatch::Incidents(i) = i else { panic!() };
    assert_eq!(i[0].resolved_at, None, "an empty cell is an absent value");
}

#[test]
fn a_csv_report_names_every_bad_row_and_column_and_imports_nothing() {
    let text = "id,service,status,finished_at\nd1,api,success,2026-11-20T10:00:00Z\n,api,success,2026-11-20T10:00:00Z\nd3,api,maybe,2026-11-20T10:00:00Z\nd4,api,success,noon\n";
    let report = parse_csv(text).unwrap_err();
    let at: Vec<(usize, &str)> = report.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(at, vec![(3, "id"), (4, "status"), (5, "finished_at")]);
    assert_eq!(report.total, 3);
    let bad_commit =
        parse_csv("id,service,status,finished_at,commits\nd1,api,success,2026-11-20T10:00:00Z,abc\n").unwrap_err();
    assert_eq!(
        (bad_commit.errors[0].row, bad_commit.errors[0].column.as_str()),
        (2, "commits")
    );
    let unknown =
        parse_csv("id,service,status,finished_at,colour\nd1,api,success,2026-11-20T10:00:00Z,red\n").unwrap_err();
    assert_eq!(
        (unknown.errors[0].row, unknown.errors[0].column.as_str()),
        (1, "colour")
    );
    assert_eq!(
        parse_csv("a,b\n1,2\n").unwrap_err().errors[0].row,
        0,
        "a file of neither kind"
    );
    assert_eq!(
        parse_csv("id,service,status,finished_at\n").unwrap_err().errors[0].row,
        0,
        "no events"
    );
    let ragged = parse_csv("id,service,status,finished_at\nd1,api\n").unwrap_err();
    assert_eq!(ragged.errors[0].row, 2);
}

#[test]
fn rework_is_a_json_boolean_defaulting_to_false() {
    assert!(!deployments(OK.as_bytes()).unwrap()[0].rework);
    let marked = OK.replace("\"status\"", "\"rework\":true,\"status\"");
    assert!(deployments(marked.as_bytes()).unwrap()[0].rework);
    let null = OK.replace("\"status\"", "\"rework\":null,\"status\"");
    assert!(!deployments(null.as_bytes()).unwrap()[0].rework);
    for bad in ["\"true\"", "1", "\"yes\""] {
        let body = OK.replace("\"status\"", &format!("\"rework\":{bad},\"status\""));
        assert_eq!(refused(&body), (Some(0), "rework".into()), "{bad}");
    }
}

#[test]
fn the_csv_rework_column_says_true_or_false() {
    let text = "id,service,status,finished_at,rework\nd1,api,success,2026-11-20T10:00:00Z,true\nd2,api,success,2026-11-20T10:00:00Z,FALSE\nd3,api,success,2026-11-20T10:00:00Z,\n";
    let CsvBatch::Deployments(d) = parse_csv(text).unwrap() else {
        panic!()
    };
    assert_eq!(d.iter().map(|d| d.rework).collect::<Vec<_>>(), [true, false, false]);
    let report =
        parse_csv("id,service,status,finished_at,rework\nd1,api,success,2026-11-20T10:00:00Z,yes\n").unwrap_err();
    assert_eq!((report.errors[0].row, report.errors[0].column.as_str()), (2, "rework"));
}
