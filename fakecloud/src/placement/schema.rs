//! Placement validates request bodies and query strings with JSON Schema (placement/schemas/*.py).
//! The schemas below are upstream's, per microversion, and the small validator checks the keywords
//! they use, with jsonschema's messages, so a 400 reads "JSON does not validate: 'name' is a
//! required property" as upstream's does.

use serde_json::{json, Map, Value};
use std::sync::LazyLock;

/// Placement's integer ceiling (the database's MAX_INT) and SQL single-precision float ceiling.
const MAX_INT: u64 = super::model::MAX_INT;
const SQL_SP_FLOAT_MAX: f64 = 3.40282e38;

pub const RC_PATTERN: &str = "^[A-Z0-9_]+$";
pub const CUSTOM_PATTERN: &str = "^CUSTOM_[A-Z0-9_]+$";
pub const UUID_PATTERN: &str = "^[0-9a-fA-F-]{36}$";
/// 1.34's mappings keys (unanchored upstream, so any key with one such character matches).
const GROUP_PAT_1_33: &str = "[a-zA-Z0-9_-]{1,64}";

/// Whether `s` matches one of the patterns the schemas use (there is no general regex engine here).
pub fn pattern_matches(pattern: &str, s: &str) -> bool {
    let rc_chars = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_');
    match pattern {
        RC_PATTERN => rc_chars(s),
        CUSTOM_PATTERN => s.strip_prefix("CUSTOM_").is_some_and(rc_chars),
        UUID_PATTERN => s.len() == 36 && s.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-'),
        GROUP_PAT_1_33 => s.bytes().any(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-'),
        "^[1-9][0-9]*$" => s.bytes().next().is_some_and(|c| (b'1'..=b'9').contains(&c)) && s.bytes().all(|c| c.is_ascii_digit()),
        _ => {
            debug_assert!(false, "pattern {pattern} is not supported by the schema checker");
            true
        }
    }
}

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

/// JSON Schema's integer: a number with no fractional part (booleans are not numbers).
pub fn as_integer(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)).or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && f.abs() < 1e30).then_some(f as i128)
        }),
        _ => None,
    }
}

fn type_ok(v: &Value, ty: &str) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_number() && (as_integer(v).is_some() || v.as_f64().is_some_and(|f| f.fract() == 0.0)),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

/// Validates `instance` against `schema`; the error is jsonschema's message for the first failure.
pub fn validate(instance: &Value, schema: &Value) -> Result<(), String> {
    check(instance, schema).map_or(Ok(()), Err)
}

fn check(inst: &Value, schema: &Value) -> Option<String> {
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        if !options.iter().any(|s| check(inst, s).is_none()) {
            return Some(format!("{} is not valid under any of the given schemas", py_repr(inst)));
        }
    }
    if let Some(ty) = schema.get("type") {
        let types: Vec<&str> = match ty {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.iter().any(|t| type_ok(inst, t)) {
            let names = types.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
            return Some(format!("{} is not of type {names}", py_repr(inst)));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(inst) {
            return Some(format!("{} is not one of {}", py_repr(inst), py_repr(&Value::Array(allowed.clone()))));
        }
    }
    match inst {
        Value::String(s) => check_string(inst, s, schema),
        Value::Number(_) => check_number(inst, schema),
        Value::Object(o) => check_object(inst, o, schema),
        Value::Array(a) => check_array(inst, a, schema),
        _ => None,
    }
}

fn check_string(inst: &Value, s: &str, schema: &Value) -> Option<String> {
    let len = s.chars().count() as u64;
    if schema.get("minLength").and_then(Value::as_u64).is_some_and(|m| len < m) {
        return Some(format!("{} is too short", py_repr(inst)));
    }
    if schema.get("maxLength").and_then(Value::as_u64).is_some_and(|m| len > m) {
        return Some(format!("{} is too long", py_repr(inst)));
    }
    if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
        if !pattern_matches(p, s) {
            return Some(format!("{} does not match '{p}'", py_repr(inst)));
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("uuid") && !is_uuid_like(s) {
        return Some(format!("{} is not a 'uuid'", py_repr(inst)));
    }
    None
}

fn check_number(inst: &Value, schema: &Value) -> Option<String> {
    let x = inst.as_f64()?;
    if let Some(m) = schema.get("minimum").and_then(Value::as_f64) {
        if x < m {
            return Some(format!("{} is less than the minimum of {}", py_repr(inst), schema["minimum"]));
        }
    }
    if let Some(m) = schema.get("maximum").and_then(Value::as_f64) {
        if x > m {
            return Some(format!("{} is greater than the maximum of {}", py_repr(inst), schema["maximum"]));
        }
    }
    None
}

fn check_object(inst: &Value, o: &Map<String, Value>, schema: &Value) -> Option<String> {
    if let Some(req) = schema.get("required").and_then(Value::as_array) {
        if let Some(missing) = req.iter().filter_map(Value::as_str).find(|k| !o.contains_key(*k)) {
            return Some(format!("'{missing}' is a required property"));
        }
    }
    if schema.get("minProperties").and_then(Value::as_u64).is_some_and(|m| (o.len() as u64) < m) {
        return Some(format!("{} does not have enough properties", py_repr(inst)));
    }
    let props = schema.get("properties").and_then(Value::as_object);
    let patterns = schema.get("patternProperties").and_then(Value::as_object);
    let mut unexpected = Vec::new();
    for (k, v) in o {
        let mut known = false;
        if let Some(s) = props.and_then(|p| p.get(k)) {
            known = true;
            if let Some(e) = check(v, s) {
                return Some(e);
            }
        }
        for (pat, s) in patterns.into_iter().flatten() {
            if pattern_matches(pat, k) {
                known = true;
                if let Some(e) = check(v, s) {
                    return Some(e);
                }
            }
        }
        if !known {
            unexpected.push(k.as_str());
        }
    }
    if schema.get("additionalProperties") == Some(&Value::Bool(false)) && !unexpected.is_empty() {
        if let (None, Some(p)) = (props.filter(|p| !p.is_empty()), patterns) {
            let pats = p.keys().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
            let verb = if unexpected.len() == 1 { "does" } else { "do" };
            let keys = unexpected.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
            return Some(format!("{keys} {verb} not match any of the regexes: {pats}"));
        }
        let keys = unexpected.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
        let verb = if unexpected.len() == 1 { "was" } else { "were" };
        return Some(format!("Additional properties are not allowed ({keys} {verb} unexpected)"));
    }
    None
}

fn check_array(inst: &Value, a: &[Value], schema: &Value) -> Option<String> {
    if schema.get("minItems").and_then(Value::as_u64).is_some_and(|m| (a.len() as u64) < m) {
        return Some(format!("{} is too short", py_repr(inst)));
    }
    if schema.get("uniqueItems") == Some(&Value::Bool(true)) && a.iter().enumerate().any(|(i, x)| a[..i].contains(x)) {
        return Some(format!("{} has non-unique elements", py_repr(inst)));
    }
    if let Some(items) = schema.get("items") {
        for v in a {
            if let Some(e) = check(v, items) {
                return Some(e);
            }
        }
    }
    None
}

// ---- the schemas (placement/schemas/*.py) ----

fn int_field(min: u64) -> Value {
    json!({"type": "integer", "maximum": MAX_INT, "minimum": min})
}

fn inventory_fields() -> Map<String, Value> {
    let v = json!({
        "resource_provider_generation": {"type": "integer"},
        "total": int_field(1),
        "reserved": int_field(0),
        "min_unit": int_field(1),
        "max_unit": int_field(1),
        "step_size": int_field(1),
        "allocation_ratio": {"type": "number", "maximum": SQL_SP_FLOAT_MAX},
    });
    v.as_object().cloned().unwrap_or_default()
}

/// `PUT /resource_providers/{uuid}/inventories/{rc}`.
pub static INVENTORY: LazyLock<Value> = LazyLock::new(
    || json!({"type": "object", "properties": inventory_fields(), "required": ["total", "resource_provider_generation"], "additionalProperties": false}),
);

/// `POST /resource_providers/{uuid}/inventories`.
pub static POST_INVENTORY: LazyLock<Value> = LazyLock::new(|| {
    let mut props = inventory_fields();
    props.insert("resource_class".into(), json!({"type": "string", "pattern": RC_PATTERN}));
    json!({"type": "object", "properties": props, "required": ["total", "resource_class"], "additionalProperties": false})
});

/// `PUT /resource_providers/{uuid}/inventories`.
pub static PUT_INVENTORIES: LazyLock<Value> = LazyLock::new(|| {
    let record = json!({"type": "object", "properties": inventory_fields(), "required": ["total"], "additionalProperties": false});
    json!({
        "type": "object",
        "properties": {
            "resource_provider_generation": {"type": "integer"},
            "inventories": {"type": "object", "patternProperties": {RC_PATTERN: record}},
        },
        "required": ["resource_provider_generation", "inventories"],
        "additionalProperties": false,
    })
});

/// `POST /resource_providers` (and `PUT`, without uuid); 1.14 adds parent_provider_uuid.
pub fn provider(with_uuid: bool, with_parent: bool) -> Value {
    let mut props = json!({"name": {"type": "string", "maxLength": 200}});
    if with_uuid {
        props["uuid"] = json!({"type": "string", "format": "uuid"});
    }
    if with_parent {
        props["parent_provider_uuid"] = json!({"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]});
    }
    json!({"type": "object", "properties": props, "required": ["name"], "additionalProperties": false})
}

/// `GET /resource_providers` query parameters at a microversion.
pub fn list_providers_query(v: crate::http::microversion::Version) -> Value {
    let mut props = json!({"name": {"type": "string"}, "uuid": {"type": "string", "format": "uuid"}});
    if v.at_least(1, 3) {
        props["member_of"] = json!({"type": "string"});
    }
    if v.at_least(1, 4) {
        props["resources"] = json!({"type": "string"});
    }
    if v.at_least(1, 14) {
        props["in_tree"] = json!({"type": "string", "format": "uuid"});
    }
    if v.at_least(1, 18) {
        props["required"] = json!({"type": "string"});
    }
    json!({"type": "object", "properties": props, "additionalProperties": false})
}

/// `PUT /resource_providers/{uuid}/traits`.
pub static SET_PROVIDER_TRAITS: LazyLock<Value> = LazyLock::new(|| {
    json!({
        "type": "object",
        "properties": {
            "traits": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 255}},
            "resource_provider_generation": {"type": "integer"},
        },
        "required": ["traits", "resource_provider_generation"],
        "additionalProperties": false,
    })
});

/// A custom trait name (`PUT /traits/{name}`).
pub static CUSTOM_TRAIT: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": CUSTOM_PATTERN}));

/// `GET /traits` query parameters.
pub static LIST_TRAITS_QUERY: LazyLock<Value> = LazyLock::new(
    || json!({"type": "object", "properties": {"name": {"type": "string"}, "associated": {"type": "string"}}, "additionalProperties": false}),
);

/// `POST /resource_classes` and `PUT /resource_classes/{name}` (1.2-1.6).
pub static RESOURCE_CLASS: LazyLock<Value> = LazyLock::new(|| {
    json!({
        "type": "object",
        "properties": {"name": {"type": "string", "pattern": CUSTOM_PATTERN, "maxLength": 255}},
        "required": ["name"],
        "additionalProperties": false,
    })
});

/// `PUT /resource_providers/{uuid}/aggregates`: a bare list before 1.19, then with the generation.
pub fn aggregates(with_generation: bool) -> Value {
    let list = json!({"type": "array", "items": {"type": "string", "format": "uuid"}, "uniqueItems": true});
    if !with_generation {
        return list;
    }
    json!({
        "type": "object",
        "properties": {"aggregates": list, "resource_provider_generation": {"type": "integer"}},
        "required": ["aggregates", "resource_provider_generation"],
        "additionalProperties": false,
    })
}

fn resources_map() -> Value {
    json!({
        "type": "object",
        "minProperties": 1,
        "patternProperties": {RC_PATTERN: {"type": "integer", "minimum": 1}},
        "additionalProperties": false,
    })
}

fn project_or_user() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 255})
}

/// `PUT /allocations/{consumer}` at a microversion: the list form before 1.12 (project and user
/// required from 1.8), the dict form from 1.12, empty allocations and a required consumer_generation
/// from 1.28, mappings from 1.34, a required consumer_type from 1.38.
pub fn put_allocations(v: crate::http::microversion::Version) -> Value {
    if !v.at_least(1, 12) {
        let item = json!({
            "type": "object",
            "properties": {
                "resource_provider": {
                    "type": "object",
                    "properties": {"uuid": {"type": "string", "format": "uuid"}},
                    "additionalProperties": false,
                    "required": ["uuid"],
                },
                "resources": resources_map(),
            },
            "required": ["resource_provider", "resources"],
            "additionalProperties": false,
        });
        let mut s = json!({
            "type": "object",
            "properties": {"allocations": {"type": "array", "minItems": 1, "items": item}},
            "required": ["allocations"],
            "additionalProperties": false,
        });
        if v.at_least(1, 8) {
            s["properties"]["project_id"] = project_or_user();
            s["properties"]["user_id"] = project_or_user();
            s["required"] = json!(["allocations", "project_id", "user_id"]);
        }
        return s;
    }
    consumer_allocations(v, !v.at_least(1, 28))
}

/// One consumer's allocations in the dict form (1.12+); `non_empty` before 1.28 on PUT.
fn consumer_allocations(v: crate::http::microversion::Version, non_empty: bool) -> Value {
    let per_provider = json!({
        "type": "object",
        "properties": {"generation": {"type": "integer"}, "resources": resources_map()},
        "required": ["resources"],
        "additionalProperties": false,
    });
    let mut s = json!({
        "type": "object",
        "properties": {
            "allocations": {
                "type": "object",
                "minProperties": if non_empty { 1 } else { 0 },
                "patternProperties": {UUID_PATTERN: per_provider},
                "additionalProperties": false,
            },
            "project_id": project_or_user(),
            "user_id": project_or_user(),
        },
        "additionalProperties": false,
        "required": ["allocations", "project_id", "user_id"],
    });
    let required = s["required"].as_array_mut().expect("an array");
    if v.at_least(1, 28) {
        required.push(json!("consumer_generation"));
        s["properties"]["consumer_generation"] = json!({"type": ["integer", "null"]});
    }
    if v.at_least(1, 34) {
        s["properties"]["mappings"] = json!({
            "type": "object",
            "patternProperties": {GROUP_PAT_1_33: {"type": "array", "minItems": 1, "items": {"type": "string", "format": "uuid"}}},
        });
    }
    if v.at_least(1, 38) {
        let required = s["required"].as_array_mut().expect("an array");
        required.push(json!("consumer_type"));
        s["properties"]["consumer_type"] = json!({"type": "string", "pattern": RC_PATTERN, "minLength": 1, "maxLength": 255});
    }
    s
}

/// `POST /allocations` (1.13+): consumer uuid -> that consumer's allocations (which may be empty).
pub fn post_allocations(v: crate::http::microversion::Version) -> Value {
    json!({
        "type": "object",
        "minProperties": 1,
        "additionalProperties": false,
        "patternProperties": {UUID_PATTERN: consumer_allocations(v, false)},
    })
}

/// `GET /usages` query parameters (1.9+; consumer_type from 1.38).
pub fn usages_query(v: crate::http::microversion::Version) -> Value {
    let mut s = json!({
        "type": "object",
        "properties": {"project_id": project_or_user(), "user_id": project_or_user()},
        "required": ["project_id"],
        "additionalProperties": false,
    });
    if v.at_least(1, 38) {
        s["properties"]["consumer_type"] = json!({"type": "string", "minLength": 1, "maxLength": 255});
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_like_jsonschemas() {
        let s = provider(true, false);
        assert_eq!(validate(&json!({}), &s).unwrap_err(), "'name' is a required property");
        assert_eq!(validate(&json!({"name": 5}), &s).unwrap_err(), "5 is not of type 'string'");
        assert_eq!(validate(&json!({"name": "a", "x": 1}), &s).unwrap_err(), "Additional properties are not allowed ('x' was unexpected)");
        assert_eq!(validate(&json!({"name": "a", "uuid": "nope"}), &s).unwrap_err(), "'nope' is not a 'uuid'");
        assert!(validate(&json!({"name": "a", "uuid": "8d6b8e9e-4d0a-4f2e-9c57-6a1f0b9a3c21"}), &s).is_ok());
        assert!(validate(&json!({"name": "x".repeat(201)}), &s).unwrap_err().ends_with("is too long"));
    }

    #[test]
    fn inventories_check_ranges_and_class_names() {
        let inv = |body: Value| validate(&body, &PUT_INVENTORIES);
        assert!(inv(json!({"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 8}}})).is_ok());
        assert_eq!(
            inv(json!({"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 0}}})).unwrap_err(),
            "0 is less than the minimum of 1"
        );
        assert!(inv(json!({"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 2147483648u64}}})).is_err());
        assert!(inv(json!({"resource_provider_generation": true, "inventories": {}})).is_err());
        assert!(inv(json!({"resource_provider_generation": 1, "inventories": {"VCPU": {"total": 1, "bogus": 1}}})).is_err());
        assert!(validate(&json!({"total": 1, "resource_class": "lower"}), &POST_INVENTORY).unwrap_err().contains("does not match"));
    }

    #[test]
    fn allocation_schemas_follow_the_microversion() {
        use crate::http::microversion::Version;
        let rp = "8d6b8e9e-4d0a-4f2e-9c57-6a1f0b9a3c21";
        let dict = json!({"allocations": {rp: {"resources": {"VCPU": 1}}}, "project_id": "p", "user_id": "u"});
        assert!(validate(&dict, &put_allocations(Version::new(1, 12))).is_ok());
        assert_eq!(validate(&dict, &put_allocations(Version::new(1, 28))).unwrap_err(), "'consumer_generation' is a required property");
        let mut with_gen = dict.clone();
        with_gen["consumer_generation"] = Value::Null;
        assert!(validate(&with_gen, &put_allocations(Version::new(1, 28))).is_ok());
        assert!(validate(&with_gen, &put_allocations(Version::new(1, 38))).is_err());
        let empty = json!({"allocations": {}, "project_id": "p", "user_id": "u"});
        assert!(validate(&empty, &put_allocations(Version::new(1, 12))).unwrap_err().contains("does not have enough properties"));
        let zero = json!({"allocations": {rp: {"resources": {"VCPU": 0}}}, "project_id": "p", "user_id": "u"});
        assert!(validate(&zero, &put_allocations(Version::new(1, 12))).is_err());
        let list = json!({"allocations": [{"resource_provider": {"uuid": rp}, "resources": {"VCPU": 1}}]});
        assert!(validate(&list, &put_allocations(Version::new(1, 0))).is_ok());
        assert!(validate(&list, &put_allocations(Version::new(1, 8))).is_err());
    }
}
