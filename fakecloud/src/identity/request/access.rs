//! Keystone's request bodies: the JSON Schemas of keystone 2024.1 (keystone/*/schema.py), checked
//! on the member object (`{"role": {...}}`'s inner object, as `validation.lazy_validate` checks it),
//! then read into typed structs. A refusal reads as Keystone's: `Invalid input for field 'name':
//! 5 is not of type 'string'` (Keystone appends jsonschema's whole report; its first line is kept).
//! Attributes a schema does not name are kept as the resource's extra attributes, as Keystone does.

use crate::http::json_schema::validate_at;
use crate::http::strict_json::from_value_strict;
use crate::identity::app_creds::RoleRef;
use crate::identity::error::Refusal;
use crate::sim::SimTime;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::LazyLock;

// ---- checking ----

/// The member object of a body (`body[key]`), `default` when absent (Keystone reads
/// `request_body_json.get(key, default)`, with a body that is false in Python read as `{}`).
pub fn member(body: &Value, key: &str, default: Value) -> Result<Value, Refusal> {
    let falsy = match body {
        Value::Null | Value::Bool(false) => true,
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    };
    match body {
        Value::Object(o) => Ok(o.get(key).cloned().unwrap_or(default)),
        _ if falsy => Ok(default),
        _ => Err(Refusal::BadRequest("The request body must be a JSON object.".into())),
    }
}

/// Checks `instance` against `schema`, then reads it as `T`.
pub fn checked<T: DeserializeOwned>(instance: &Value, schema: &Value) -> Result<T, Refusal> {
    validate_at(instance, schema).map_err(|e| {
        Refusal::BadRequest(if e.path.is_empty() {
            e.message
        } else {
            format!("Invalid input for field '{}': {}", e.path.join("/"), e.message)
        })
    })?;
    from_value_strict(instance).map_err(|e| Refusal::BadRequest(format!("Invalid input: {e}")))
}

/// `Some(value)` for a key that is present, even as null: PATCH tells absent from null.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Keystone's `utils.parse_expiration_date`: an ISO 8601 time (UTC when it has no zone).
pub fn parse_expiration(text: &str) -> Result<SimTime, Refusal> {
    let bad = || {
        Refusal::BadRequest(
            "Timestamp not in expected format. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error."
                .into(),
        )
    };
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc));
    }
    let naive = t.strip_suffix('Z').unwrap_or(t);
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Ok(n.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(naive, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).ok_or_else(bad)?.and_utc());
    }
    Err(bad())
}

// ---- the shared parameter types (keystone/common/validation/parameter_types.py) ----

fn name() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "[\\S]+"})
}

fn boolean() -> Value {
    json!({"type": "boolean", "enum": [true, false]})
}

fn id_string() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[a-zA-Z0-9-]+$"})
}

fn external_id_string() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 64})
}

fn nullable_string() -> Value {
    json!({"type": ["string", "null"]})
}

fn role_refs() -> Value {
    json!({"type": "array", "items": {"type": "object", "properties": {"id": id_string(), "name": name()},
        "minProperties": 1, "maxProperties": 1, "additionalProperties": false}})
}

#[derive(Deserialize)]
pub struct RoleRefBody {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl RoleRefBody {
    pub fn to_ref(&self) -> RoleRef {
        match (&self.id, &self.name) {
            (Some(id), _) => RoleRef::Id(id.clone()),
            (None, n) => RoleRef::Name(n.clone().unwrap_or_default()),
        }
    }
}

// ---- roles (keystone/assignment/schema.py) ----

fn role_properties() -> Value {
    json!({
        "name": name(),
        "description": {"type": "string"},
        "domain_id": nullable_string(),
        "options": {"type": "object", "properties": {"immutable": {"type": ["boolean", "null"]}}, "additionalProperties": false},
    })
}

pub static ROLE_CREATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": role_properties(), "required": ["name"], "additionalProperties": true}));
pub static ROLE_UPDATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": role_properties(), "minProperties": 1, "additionalProperties": true}));

#[derive(Deserialize)]
pub struct RoleOptions {
    #[serde(default, deserialize_with = "present")]
    pub immutable: Option<Option<bool>>,
}

#[derive(Deserialize)]
pub struct RoleBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub domain_id: Option<Option<String>>,
    #[serde(default)]
    pub options: Option<RoleOptions>,
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

// ---- catalog (keystone/catalog/schema.py) ----

fn region_properties() -> Value {
    json!({"description": nullable_string(), "id": {"type": "string"}, "parent_region_id": nullable_string()})
}

pub static REGION_CREATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": region_properties(), "additionalProperties": true}));
pub static REGION_UPDATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": region_properties(), "minProperties": 1, "additionalProperties": true}));

#[derive(Deserialize)]
pub struct RegionBody {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub parent_region_id: Option<Option<String>>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

fn service_properties() -> Value {
    json!({"enabled": boolean(), "name": name(), "type": {"type": "string", "minLength": 1, "maxLength": 255}})
}

pub static SERVICE_CREATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": service_properties(), "required": ["type"], "additionalProperties": true}));
pub static SERVICE_UPDATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": service_properties(), "minProperties": 1, "additionalProperties": true}));

#[derive(Deserialize)]
pub struct ServiceBody {
    #[serde(default, rename = "type")]
    pub service_type: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

fn endpoint_properties() -> Value {
    json!({
        "enabled": boolean(),
        "interface": {"type": "string", "enum": ["admin", "internal", "public"]},
        "region_id": {"type": "string"},
        "region": {"type": "string"},
        "service_id": {"type": "string"},
        "url": {"type": "string", "minLength": 0, "maxLength": 225, "pattern": "^[a-zA-Z0-9+.-]+:.+"},
    })
}

pub static ENDPOINT_CREATE: LazyLock<Value> = LazyLock::new(
    || json!({"type": "object", "properties": endpoint_properties(), "required": ["interface", "service_id", "url"], "additionalProperties": true}),
);
pub static ENDPOINT_UPDATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": endpoint_properties(), "minProperties": 1, "additionalProperties": true}));

#[derive(Deserialize)]
pub struct EndpointBody {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub service_id: Option<String>,
    #[serde(default)]
    pub interface: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub region_id: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

// ---- credentials (keystone/credential/schema.py) ----

fn credential_properties() -> Value {
    json!({"blob": {"type": "string"}, "project_id": {"type": "string"}, "type": {"type": "string"}, "user_id": {"type": "string"}})
}

pub static CREDENTIAL_CREATE: LazyLock<Value> = LazyLock::new(|| {
    json!({
        "type": "object",
        "properties": credential_properties(),
        "additionalProperties": true,
        "oneOf": [
            {"title": "ec2 credential requires project_id", "required": ["blob", "type", "user_id", "project_id"],
             "properties": {"type": {"enum": ["ec2"]}}},
            {"title": "non-ec2 credential does not require project_id", "required": ["blob", "type", "user_id"],
             "properties": {"type": {"not": {"enum": ["ec2"]}}}},
        ],
    })
});
pub static CREDENTIAL_UPDATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": credential_properties(), "minProperties": 1, "additionalProperties": true}));

#[derive(Deserialize)]
pub struct CredentialBody {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default, rename = "type")]
    pub cred_type: Option<String>,
    #[serde(default)]
    pub blob: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

// ---- application credentials (keystone/application_credential/schema.py) ----

pub static APP_CRED_CREATE: LazyLock<Value> = LazyLock::new(|| {
    json!({
        "type": "object",
        "properties": {
            "name": name(),
            "description": nullable_string(),
            "secret": {"type": ["null", "string"]},
            "expires_at": {"type": ["null", "string"]},
            "roles": role_refs(),
            "unrestricted": boolean(),
            "access_rules": {"type": "array", "items": {"type": "object", "properties": {
                "path": {"type": "string", "minLength": 0, "maxLength": 225, "pattern": "^\\/.*"},
                "method": {"type": "string", "pattern": "^(POST|GET|HEAD|PATCH|PUT|DELETE)$"},
                "service": id_string(),
                "id": id_string(),
            }, "additionalProperties": false}},
        },
        "required": ["name"],
        "additionalProperties": true,
    })
});

#[derive(Deserialize)]
pub struct AccessRuleBody {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
}

#[derive(Deserialize)]
pub struct AppCredBody {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub roles: Option<Vec<RoleRefBody>>,
    #[serde(default)]
    pub unrestricted: Option<bool>,
    #[serde(default)]
    pub access_rules: Option<Vec<AccessRuleBody>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

// ---- trusts (keystone/trust/schema.py) ----

pub static TRUST_CREATE: LazyLock<Value> = LazyLock::new(|| {
    json!({
        "type": "object",
        "properties": {
            "trustor_user_id": external_id_string(),
            "trustee_user_id": external_id_string(),
            "impersonation": boolean(),
            "project_id": {"type": ["string", "null"], "minLength": 1, "maxLength": 64, "pattern": "^[a-zA-Z0-9-]+$"},
            "remaining_uses": {"type": ["integer", "null"], "minimum": 1},
            "expires_at": {"type": ["null", "string"]},
            "allow_redelegation": {"type": ["boolean", "null"]},
            "redelegation_count": {"type": ["integer", "null"], "minimum": 0},
            "roles": role_refs(),
        },
        "required": ["trustor_user_id", "trustee_user_id", "impersonation"],
        "additionalProperties": true,
    })
});

#[derive(Deserialize)]
pub struct TrustBody {
    pub trustor_user_id: String,
    pub trustee_user_id: String,
    pub impersonation: bool,
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub remaining_uses: Option<i64>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub allow_redelegation: Option<bool>,
    #[serde(default)]
    pub redelegation_count: Option<i64>,
    #[serde(default)]
    pub roles: Option<Vec<RoleRefBody>>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_field_as_keystone_does() {
        let err = checked::<RoleBody>(&json!({"name": 5}), &ROLE_CREATE).err().unwrap();
        assert_eq!(err.message(), "Invalid input for field 'name': 5 is not of type 'string'");
        let err = checked::<RoleBody>(&json!({}), &ROLE_CREATE).err().unwrap();
        assert_eq!(err.message(), "'name' is a required property");
        let err = checked::<EndpointBody>(&json!({"enabled": "False"}), &ENDPOINT_UPDATE).err().unwrap();
        assert_eq!(err.message(), "Invalid input for field 'enabled': 'False' is not of type 'boolean'");
        let err = checked::<TrustBody>(
            &json!({"trustor_user_id": "a", "trustee_user_id": "b", "impersonation": true,
            "roles": [{"id": "r", "name": "n"}]}),
            &TRUST_CREATE,
        )
        .err()
        .unwrap();
        assert!(err.message().starts_with("Invalid input for field 'roles/0': "), "{}", err.message());
    }

    #[test]
    fn unknown_attributes_are_kept_and_nulls_told_from_absence() {
        let body: RoleBody = checked(&json!({"name": "r", "colour": "blue"}), &ROLE_CREATE).unwrap();
        assert_eq!(body.extra["colour"], "blue");
        assert!(checked::<RoleBody>(&json!({"name": "r", "description": null}), &ROLE_CREATE).is_err(), "a role's description is a string");
        let body: RegionBody = checked(&json!({"description": null}), &REGION_UPDATE).unwrap();
        assert_eq!(body.description, Some(None));
        let body: RegionBody = checked(&json!({"parent_region_id": "r"}), &REGION_UPDATE).unwrap();
        assert_eq!(body.description, None);
    }

    #[test]
    fn expiry_times_parse_as_keystone_reads_them() {
        let t = parse_expiration("2026-07-27T10:00:00.123456").unwrap();
        assert_eq!(t.timestamp_subsec_micros(), 123456);
        assert_eq!(parse_expiration("2026-07-27T10:00:00Z").unwrap(), parse_expiration("2026-07-27T10:00:00+00:00").unwrap());
        assert!(parse_expiration("bad.123Z").is_err());
    }
}

// ---- policy blobs (keystone/policy/schema.py) ----

fn policy_properties() -> Value {
    json!({"blob": {"type": "string"}, "type": {"type": "string", "maxLength": 255}})
}

pub static POLICY_CREATE: LazyLock<Value> = LazyLock::new(
    || json!({"type": "object", "properties": policy_properties(), "required": ["blob", "type"], "additionalProperties": true}),
);
pub static POLICY_UPDATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": policy_properties(), "minProperties": 1, "additionalProperties": true}));

#[derive(Deserialize)]
pub struct PolicyBody {
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(default, rename = "type")]
    pub policy_type: Option<String>,
    #[serde(default)]
    pub blob: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

// ---- OAuth1 consumers (keystone/oauth1/schema.py) ----

fn consumer_properties() -> Value {
    json!({"description": {"type": ["string", "null"]}})
}

pub static CONSUMER_CREATE: LazyLock<Value> =
    LazyLock::new(|| json!({"type": "object", "properties": consumer_properties(), "additionalProperties": true}));
pub static CONSUMER_UPDATE: LazyLock<Value> = LazyLock::new(|| {
    json!({"type": "object", "properties": consumer_properties(), "not": {"required": ["secret"]}, "minProperties": 1,
           "additionalProperties": true})
});

#[derive(Deserialize)]
pub struct ConsumerBody {
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

// ---- endpoint groups (keystone/catalog/schema.py) ----

fn endpoint_group_properties() -> Value {
    json!({
        "description": {"type": ["string", "null"]},
        "filters": {"type": "object", "properties": {
            "interface": {"type": "string", "enum": ["admin", "internal", "public"]},
            "service_id": {"type": "string"},
            "region_id": {"type": ["string", "null"]},
            "enabled": {"type": "boolean"},
        }},
        "name": name(),
    })
}

pub static ENDPOINT_GROUP_CREATE: LazyLock<Value> = LazyLock::new(
    || json!({"type": "object", "properties": endpoint_group_properties(), "required": ["name", "filters"], "additionalProperties": false}),
);
pub static ENDPOINT_GROUP_UPDATE: LazyLock<Value> = LazyLock::new(
    || json!({"type": "object", "properties": endpoint_group_properties(), "minProperties": 1, "additionalProperties": false}),
);

#[derive(Deserialize)]
pub struct EndpointGroupBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub filters: Option<BTreeMap<String, Value>>,
}
