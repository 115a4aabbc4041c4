//! CSV import: a header row names the columns; the kind of event is told by
//! the header (`finished_at` → deployments, `opened_at` → incidents). Every
//! error is reported with its row (the header is row 1) and column, and a file
//! with any error imports nothing.
//!
//! Deployment columns: `id, service, environment, status, started_at,
//! finished_at, commits, rework` where `commits` lists `sha@committed_at`
//! separated by spaces and `rework` is `true` or `false` (any case). Incident columns: `id, service, title, opened_at, started_at,
//! resolved_at, deployment_id, commit_sha`. Empty cells are absent values.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{deployment, incident, parse_instant, CommitEvent, DeploymentEvent, Fields, IncidentEvent, ItemError};

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 100_000;
/// The most errors a report lists (the count is always exact).
pub const MAX_REPORTED: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvError {
    /// 1-based, the header being row 1; 0 when the file as a whole is refused.
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsvBatch {
    Deployments(Vec<DeploymentEvent>),
    Incidents(Vec<IncidentEvent>),
}

impl CsvBatch {
    pub fn len(&self) -> usize {
        match self {
            CsvBatch::Deployments(d) => d.len(),
            CsvBatch::Incidents(i) => i.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn kind(&self) -> &'static str {
        match self {
            CsvBatch::Deployments(_) => "deployments",
            CsvBatch::Incidents(_) => "incidents",
        }
    }
}

/// The refusal: the first `MAX_REPORTED` errors and how many there were.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvReport {
    pub errors: Vec<CsvError>,
    pub total: usize,
}

const DEPLOYMENT_COLUMNS: &[&str] = &[
    "id",
    "service",
    "environment",
    "status",
    "started_at",
    "finished_at",
    "commits",
    "rework",
];
const INCIDENT_COLUMNS: &[&str] = &[
    "id",
    "service",
    "title",
    "opened_at",
    "started_at",
    "resolved_at",
    "deployment_id",
    "commit_sha",
];

struct Row<'a> {
    columns: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl Fields for Row<'_> {
    fn text(&self, field: &str) -> Result<Option<String>, ItemError> {
        Ok(self
            .columns
            .get(field)
            .and_then(|i| self.record.get(*i))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string))
    }
}

fn file_error(message: impl Into<String>) -> CsvReport {
    CsvReport {
        errors: vec![CsvError {
            row: 0,
            column: String::new(),
            message: message.into(),
        }],
        total: 1,
    }
}

/// `sha@committed_at sha@committed_at ...`
fn commits(cell: Option<String>) -> Result<Vec<CommitEvent>, ItemError> {
    let Some(cell) = cell else { return Ok(Vec::new()) };
    cell.split_whitespace()
        .map(|pair| {
            let (sha, at) = pair
                .split_once('@')
                .ok_or_else(|| ItemError::new("commits", "each commit must be written sha@committed_at"))?;
            if sha.is_empty() || sha.chars().count() > 100 {
                return Err(ItemError::new("commits", "a commit sha must be 1 to 100 characters"));
            }
            Ok(CommitEvent {
                sha: sha.to_string(),
                committed_at: parse_instant("commits", at)?,
            })
        })
        .collect()
}

pub fn parse(text: &str) -> Result<CsvBatch, CsvReport> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| file_error(format!("cannot read the header row: {e}")))?
        .clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
        .collect();
    let columns: HashMap<String, usize> = names.iter().enumerate().map(|(i, h)| (h.clone(), i)).collect();
    let is_deployments = columns.contains_key("finished_at");
    if !is_deployments && !columns.contains_key("opened_at") {
        return Err(file_error(
            "the header row must name the columns: finished_at for deployments, opened_at for incidents",
        ));
    }
    let known = if is_deployments {
        DEPLOYMENT_COLUMNS
    } else {
        INCIDENT_COLUMNS
    };
    let mut errors = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if !known.contains(&name.as_str()) {
            errors.push(CsvError {
                row: 1,
                column: name.clone(),
                message: format!("unknown column; expected: {}", known.join(", ")),
            });
        } else if names[..i].contains(name) {
            errors.push(CsvError {
                row: 1,
                column: name.clone(),
                message: "this column is named twice".into(),
            });
        }
    }
    let mut deployments = Vec::new();
    let mut incidents = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        if i >= MAX_ROWS {
            errors.push(CsvError {
                row,
                column: String::new(),
                message: format!("at most {MAX_ROWS} rows per file"),
            });
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(CsvError {
                    row,
                    column: String::new(),
                    message: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let fields = Row {
            columns: &columns,
            record: &record,
        };
        let parsed = if is_deployments {
            fields
                .text("commits")
                .and_then(commits)
                .and_then(|c| deployment(&fields, c, Vec::new()))
                .map(|d| deployments.push(d))
        } else {
            incident(&fields).map(|d| incidents.push(d))
        };
        if let Err(e) = parsed {
            // `commits[2].committed_at` is the `commits` column.
            let column = e.field.split(['[', '.']).next().unwrap_or_default().to_string();
            errors.push(CsvError {
                row,
                column,
                message: e.message,
            });
        }
    }
    if errors.is_empty() && deployments.is_empty() && incidents.is_empty() {
        return Err(file_error("the file has a header row but no events"));
    }
    if !errors.is_empty() {
        let total = errors.len();
        errors.truncate(MAX_REPORTED);
        return Err(CsvReport { errors, total });
    }
    Ok(if is_deployments {
        CsvBatch::Deployments(deployments)
    } else {
        CsvBatch::Incidents(incidents)
    })
}
