//! The JSON bodies of `POST /api/v1/deployments` and `/incidents`: one event
//! object, or `{"deployments": [...]}` / `{"incidents": [...]}`.

use serde_json::{Map, Value};

use super::{commit, deployment, incident, stage, DeploymentEvent, Fields, IncidentEvent, ItemError, MAX_BATCH};

/// Why a body was refused. `Malformed` is a 400 (not JSON, not an object);
/// `Item` a 422 naming the item (`index`, when the refusal is about one) and its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BatchError {
    Malformed(String),
    Item {
        index: Option<usize>,
        field: String,
        message: String,
    },
}

impl BatchError {
    fn at(index: usize, e: ItemError) -> BatchError {
        BatchError::Item {
            index: Some(index),
            field: e.field,
            message: e.message,
        }
    }
    fn whole(field: &str, message: impl Into<String>) -> BatchError {
        BatchError::Item {
            index: None,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl Fields for Map<String, Value> {
    fn text(&self, field: &str) -> Result<Option<String>, ItemError> {
        match self.get(field) {
            None | Some(Value::Null) => Ok(None),
            // Trimmed, and empty means absent: as in a CSV cell, so both doors refuse the same things.
            Some(Value::String(s)) => Ok(Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string)),
            Some(_) => Err(ItemError::new(field, format!("{field} must be a string"))),
        }
    }

    fn flag(&self, field: &str) -> Result<Option<bool>, ItemError> {
        match self.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ItemError::new(
                field,
                format!("{field} must be true or false (a JSON boolean)"),
            )),
        }
    }
}

/// The items of a body: the list under `key`, or the body itself as one item.
fn items<'a>(body: &'a Value, key: &str) -> Result<Vec<&'a Value>, BatchError> {
    let Value::Object(object) = body else {
        return Err(BatchError::Malformed(format!(
            "the body must be a JSON object: one event, or {{\"{key}\": [...]}}"
        )));
    };
    let Some(list) = object.get(key) else {
        return Ok(vec![body]);
    };
    let Value::Array(list) = list else {
        return Err(BatchError::whole(key, format!("{key} must be a list")));
    };
    if list.is_empty() {
        return Err(BatchError::whole(key, format!("{key} must hold at least one event")));
    }
    if list.len() > MAX_BATCH {
        return Err(BatchError::whole(
            key,
            format!("at most {MAX_BATCH} events per request; this one has {}", list.len()),
        ));
    }
    Ok(list.iter().collect())
}

fn parse_body(body: &[u8]) -> Result<Value, BatchError> {
    serde_json::from_slice(body).map_err(|e| BatchError::Malformed(format!("malformed JSON: {e}")))
}

fn object(index: usize, item: &Value) -> Result<&Map<String, Value>, BatchError> {
    item.as_object()
        .ok_or_else(|| BatchError::at(index, ItemError::new("", "each event must be a JSON object")))
}

fn list<'a>(o: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], ItemError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(ItemError::new(key, format!("{key} must be a list"))),
    }
}

fn nested<T>(
    o: &Map<String, Value>,
    key: &str,
    parse: impl Fn(&dyn Fields, &str) -> Result<T, ItemError>,
) -> Result<Vec<T>, ItemError> {
    list(o, key)?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let prefix = format!("{key}[{i}]");
            let o = v
                .as_object()
                .ok_or_else(|| ItemError::new(prefix.clone(), format!("{prefix} must be an object")))?;
            parse(o, &prefix)
        })
        .collect()
}

pub fn deployments(body: &[u8]) -> Result<Vec<DeploymentEvent>, BatchError> {
    let body = parse_body(body)?;
    items(&body, "deployments")?
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let o = object(index, item)?;
            let parse = || -> Result<DeploymentEvent, ItemError> {
                let commits = nested(o, "commits", commit)?;
                let stages = nested(o, "stages", stage)?;
                deployment(o, commits, stages)
            };
            parse().map_err(|e| BatchError::at(index, e))
        })
        .collect()
}

pub fn incidents(body: &[u8]) -> Result<Vec<IncidentEvent>, BatchError> {
    let body = parse_body(body)?;
    items(&body, "incidents")?
        .into_iter()
        .enumerate()
        .map(|(index, item)| incident(object(index, item)?).map_err(|e| BatchError::at(index, e)))
        .collect()
}
