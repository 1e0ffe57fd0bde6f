//! Placement validates request bodies and query strings with JSON Schema (placement/schemas/*.py).
//! The schemas below are upstream's, per microversion, checked by the `jsonschema` crate (Draft
//! 2020-12, which Python's jsonschema also picks for a schema without `$schema`) with the `uuid`
//! format read as oslo's is_uuid_like. Its first error is put in Python jsonschema's words, so a 400
//! reads "JSON does not validate: 'name' is a required property" as upstream's does.

pub use crate::http::json_schema::{is_uuid_like, validate};
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
    use crate::http::json_schema::compiled;

    #[test]
    fn every_schema_compiles_at_every_microversion() {
        use crate::http::microversion::Version;
        for s in
            [&*INVENTORY, &*POST_INVENTORY, &*PUT_INVENTORIES, &*SET_PROVIDER_TRAITS, &*CUSTOM_TRAIT, &*LIST_TRAITS_QUERY, &*RESOURCE_CLASS]
        {
            compiled(s);
        }
        for minor in 0..=39 {
            let v = Version::new(1, minor);
            for s in [provider(true, true), provider(false, false), list_providers_query(v), aggregates(true), aggregates(false)] {
                compiled(&s);
            }
            for s in [put_allocations(v), post_allocations(v), usages_query(v)] {
                compiled(&s);
            }
        }
    }

    #[test]
    fn patterns_are_regular_expressions() {
        // Every pattern is a real regular expression: nothing outside it is accepted.
        let s = &*POST_INVENTORY;
        assert!(validate(&json!({"total": 1, "resource_class": "CUSTOM_A1"}), s).is_ok());
        assert_eq!(validate(&json!({"total": 1, "resource_class": "VCPU!"}), s).unwrap_err(), "'VCPU!' does not match '^[A-Z0-9_]+$'");
        assert!(validate(&json!("CUSTOM_"), &CUSTOM_TRAIT).is_err());
        assert!(validate(&json!("CUSTOM_X"), &CUSTOM_TRAIT).is_ok());
        let rp = "8d6b8e9e-4d0a-4f2e-9c57-6a1f0b9a3c21";
        let body = json!({rp: {"allocations": {}, "project_id": "p", "user_id": "u"}});
        assert!(validate(&body, &post_allocations(crate::http::microversion::Version::new(1, 13))).is_ok());
        let bad_key = json!({"not-a-uuid": {"allocations": {}, "project_id": "p", "user_id": "u"}});
        assert_eq!(
            validate(&bad_key, &post_allocations(crate::http::microversion::Version::new(1, 13))).unwrap_err(),
            "'not-a-uuid' does not match any of the regexes: '^[0-9a-fA-F-]{36}$'"
        );
    }

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
