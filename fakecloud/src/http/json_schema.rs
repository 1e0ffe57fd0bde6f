//! Upstream JSON Schemas checked the way Python's jsonschema checks them: the `jsonschema` crate
//! (Draft 2020-12, which Python's jsonschema also picks for a schema without `$schema`), with the
//! `uuid` format read as oslo's is_uuid_like, and the first error put in Python jsonschema's words
//! (`'name' is a required property`), with the path to the failing value for services that name it.

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use parking_lot::Mutex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

/// oslo's uuidutils.is_uuid_like: any form uuid.UUID() reads (dashes optional, braces, urn:uuid:).
pub fn is_uuid_like(s: &str) -> bool {
    uuid::Uuid::try_parse(s).is_ok()
}

/// Python's repr of a JSON value, as jsonschema quotes instances in its messages.
pub fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => format!("{{{}}}", o.iter().map(|(k, v)| format!("'{k}': {}", py_repr(v))).collect::<Vec<_>>().join(", ")),
    }
}

/// Compiled validators by schema text: the schemas are few (one per route and version), and
/// compiling one per request would cost more than the check.
static VALIDATORS: LazyLock<Mutex<HashMap<String, Arc<Validator>>>> = LazyLock::new(Default::default);

pub fn compiled(schema: &Value) -> Arc<Validator> {
    let key = schema.to_string();
    let mut cache = VALIDATORS.lock();
    cache
        .entry(key)
        .or_insert_with(|| {
            let v = jsonschema::options()
                .should_validate_formats(true)
                .with_format("uuid", is_uuid_like)
                .build(schema)
                .unwrap_or_else(|e| panic!("a schema does not compile: {e}"));
            Arc::new(v)
        })
        .clone()
}

/// Validates `instance` against `schema`; the error is Python jsonschema's message for the first
/// failure.
pub fn validate(instance: &Value, schema: &Value) -> Result<(), String> {
    compiled(schema).validate(instance).map_err(|e| message(&e, schema))
}

/// A failed check: where in the instance (its keys and indices, outermost first) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub path: Vec<String>,
    pub message: String,
}

/// Validates `instance` against `schema`, keeping the path to the first failing value.
pub fn validate_at(instance: &Value, schema: &Value) -> Result<(), SchemaError> {
    compiled(schema)
        .validate(instance)
        .map_err(|e| SchemaError { path: e.instance_path().into_iter().map(|seg| seg.to_string()).collect(), message: message(&e, schema) })
}

/// The schema node at `pointer`, a JSON pointer into `schema`.
fn at<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        Some(schema)
    } else {
        schema.pointer(pointer)
    }
}

/// The schema that holds the keyword at `pointer` (the pointer without its last segment).
fn parent<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    at(schema, pointer.rsplit_once('/').map_or("", |(p, _)| p))
}

/// Python jsonschema's wording for one error.
fn message(e: &ValidationError<'_>, schema: &Value) -> String {
    let inst = py_repr(e.instance());
    let keyword_at = e.schema_path().as_str();
    match e.kind() {
        ValidationErrorKind::Required { property } => format!("{} is a required property", py_repr(property)),
        ValidationErrorKind::Type { .. } => {
            let types: Vec<String> = match at(schema, keyword_at) {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
                _ => vec![],
            };
            let names = types.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
            format!("{inst} is not of type {names}")
        }
        ValidationErrorKind::Enum { options } => format!("{inst} is not one of {}", py_repr(options)),
        ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. } => {
            format!("{inst} is not valid under any of the given schemas")
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => format!("{inst} is valid under each of the given schemas"),
        ValidationErrorKind::MinLength { .. } | ValidationErrorKind::MinItems { .. } => format!("{inst} is too short"),
        ValidationErrorKind::MaxLength { .. } | ValidationErrorKind::MaxItems { .. } => format!("{inst} is too long"),
        ValidationErrorKind::Pattern { pattern } => format!("{inst} does not match '{pattern}'"),
        ValidationErrorKind::Format { format } => format!("{inst} is not a '{format}'"),
        ValidationErrorKind::Minimum { limit } => format!("{inst} is less than the minimum of {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("{inst} is greater than the maximum of {limit}"),
        ValidationErrorKind::MinProperties { .. } => format!("{inst} does not have enough properties"),
        ValidationErrorKind::UniqueItems => format!("{inst} has non-unique elements"),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let keys = unexpected.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
            let holder = parent(schema, keyword_at);
            let props = holder.and_then(|s| s.get("properties")).and_then(Value::as_object).filter(|p| !p.is_empty());
            let patterns = holder.and_then(|s| s.get("patternProperties")).and_then(Value::as_object);
            match (props, patterns) {
                // Only patterns: Python names the regexes the keys failed.
                (None, Some(p)) => {
                    let pats = p.keys().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
                    let verb = if unexpected.len() == 1 { "does" } else { "do" };
                    format!("{keys} {verb} not match any of the regexes: {pats}")
                }
                _ => {
                    let verb = if unexpected.len() == 1 { "was" } else { "were" };
                    format!("Additional properties are not allowed ({keys} {verb} unexpected)")
                }
            }
        }
        ValidationErrorKind::MaxProperties { .. } => format!("{inst} has too many properties"),
        // Keywords no schema here uses: the crate's own words.
        _ => e.to_string(),
    }
}
