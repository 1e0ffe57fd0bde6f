//! Keystone's request bodies for domains, projects, users and groups (`access.rs` has those of roles,
//! grants, the catalog, credentials, application credentials and trusts): how its JSON hook reads a body,
//! the schema each route checks (keystone/resource/schema.py, keystone/identity/schema.py), and the
//! typed values the model takes once a body has passed.
//!
//! Keystone keeps whatever else a body carries (`additionalProperties: True`) as the object's extra
//! attributes, so each typed body keeps the rest in `extra`. Create calls also rename `a-b` and
//! `a:b` keys to `a_b` (`_normalize_dict`).

mod access;

pub use access::*;

use super::error::IdentityError;
use super::schema::{self, check, check_ty, Schema, Ty};
use crate::http::error::ApiError;
use crate::http::extract::{from_value_strict, service_of};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub type Extra = BTreeMap<String, Value>;

const CLIENT_ERROR: &str =
    "The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.";

/// A request body as Keystone's `json_body_before_request` hook takes it: no body is an empty
/// object; a body must be a JSON object (anything else is `Expecting to find valid JSON in request
/// body`) sent as `application/json` or with no content type.
pub struct KsBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for KsBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let service = service_of(req.extensions());
        let content_type = req.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("?").to_string());
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(service, StatusCode::PAYLOAD_TOO_LARGE, "Request is too large.")
            } else {
                ApiError::bad_request(service, expecting("valid JSON", "request body"))
            }
        })?;
        if bytes.is_empty() {
            return Ok(KsBody(Value::Object(Map::new())));
        }
        let json = content_type.as_deref().is_none_or(|t| {
            let mime = t.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            mime.is_empty() || mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
        });
        if !json {
            return Err(ApiError::bad_request(service, expecting("application/json", "Content-Type header")));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v @ Value::Object(_)) => Ok(KsBody(v)),
            _ => Err(ApiError::bad_request(service, expecting("valid JSON", "request body"))),
        }
    }
}

/// `ValidationError`'s own message: `Expecting to find <what> in <target>. ...`
pub fn expecting(what: &str, target: &str) -> String {
    format!("Expecting to find {what} in {target}. {CLIENT_ERROR}")
}

/// `request_body_json.get(key, {})`: the member a route reads, an empty object when it is absent.
fn member_or_empty(body: &Value, key: &str) -> Value {
    body.get(key).cloned().unwrap_or_else(|| Value::Object(Map::new()))
}

/// Checks the member against its schema, then reads it into its typed form.
/// `ignored` are keys the route overwrites whatever was sent.
fn read<T: DeserializeOwned>(body: &Value, key: &str, schema: &Schema, normalize: bool, ignored: &[&str]) -> Result<T, IdentityError> {
    let mut v = member_or_empty(body, key);
    check(schema, &v)?;
    if let Value::Object(o) = &mut v {
        o.retain(|k, _| !ignored.contains(&k.as_str()));
        if normalize {
            *o = std::mem::take(o).into_iter().map(|(k, x)| (k.replace([':', '-'], "_"), x)).collect();
        }
    }
    from_value_strict(&v).map_err(|e| IdentityError::BadRequest(format!("Invalid input: {e}")))
}

/// `Some(value)` for a key that is present, null included (`Option<Option<T>>` fields).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

// ---- domains and projects ----

const RESOURCE_PROPS: &[(&str, Ty)] = &[
    ("description", schema::DESCRIPTION),
    ("domain_id", schema::NULLABLE_ID_STRING),
    ("enabled", schema::BOOLEAN),
    ("is_domain", schema::BOOLEAN),
    ("parent_id", schema::NULLABLE_ID_STRING),
    ("name", schema::RESOURCE_NAME),
    ("tags", schema::TAGS),
    ("options", schema::PROJECT_OPTIONS),
];
const PROJECT_CREATE: Schema = Schema { props: RESOURCE_PROPS, required: &["name"], min_properties: 0, additional: true };
const PROJECT_UPDATE: Schema = Schema { props: RESOURCE_PROPS, required: &[], min_properties: 1, additional: true };
const DOMAIN_PROPS: &[(&str, Ty)] = &[
    ("description", schema::DESCRIPTION),
    ("enabled", schema::BOOLEAN),
    ("name", schema::RESOURCE_NAME),
    ("tags", schema::TAGS),
    ("options", schema::PROJECT_OPTIONS),
];
/// What `get_project_from_domain` sets on a domain, whatever the body said.
const DOMAIN_PLACEMENT: &[&str] = &["domain_id", "parent_id", "is_domain"];
const DOMAIN_CREATE: Schema = Schema { props: DOMAIN_PROPS, required: &["name"], min_properties: 0, additional: true };
const DOMAIN_UPDATE: Schema = Schema { props: DOMAIN_PROPS, required: &[], min_properties: 1, additional: true };

/// A project or domain body, for create and update alike (what was not sent is `None`).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ResourceBody {
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    pub domain_id: Option<Option<String>>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub is_domain: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub parent_id: Option<Option<String>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub options: Option<BTreeMap<String, Value>>,
    #[serde(flatten)]
    pub extra: Extra,
    /// The domain API's `explicit_domain_id`: the new domain's id, a dash-less UUID (Keystone also
    /// keeps the attribute among the extras).
    #[serde(skip)]
    pub explicit_id: Option<String>,
}

impl ResourceBody {
    /// `POST /v3/projects`.
    pub fn project_create(body: &Value) -> Result<Self, IdentityError> {
        read(body, "project", &PROJECT_CREATE, true, &[])
    }

    /// `PATCH /v3/projects/{id}`.
    pub fn project_update(body: &Value) -> Result<Self, IdentityError> {
        read(body, "project", &PROJECT_UPDATE, false, &[])
    }

    /// `POST /v3/domains`: a domain is a project acting as a domain; what the domain API cannot set
    /// (`domain_id`, `parent_id`, `is_domain`) is Keystone's to fill in.
    pub fn domain_create(body: &Value) -> Result<Self, IdentityError> {
        let mut b: Self = read(body, "domain", &DOMAIN_CREATE, true, DOMAIN_PLACEMENT)?;
        b.as_domain();
        b.explicit_id = match b.extra.get("explicit_domain_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if uuid::Uuid::try_parse(s).is_ok_and(|u| u.simple().to_string() == *s) => Some(s.clone()),
            Some(_) => return Err(IdentityError::BadRequest("Domain ID does not conform to required UUID format.".into())),
        };
        Ok(b)
    }

    /// `PATCH /v3/domains/{id}`.
    pub fn domain_update(body: &Value) -> Result<Self, IdentityError> {
        let mut b: Self = read(body, "domain", &DOMAIN_UPDATE, false, DOMAIN_PLACEMENT)?;
        b.as_domain();
        Ok(b)
    }

    /// `get_project_from_domain`: the domain API's body as the project acting as the domain.
    fn as_domain(&mut self) {
        self.domain_id = Some(None);
        self.parent_id = Some(None);
        self.is_domain = Some(true);
    }
}

/// `PUT /v3/projects/{id}/tags`: `{"tags": [...]}`, checked as the list itself (so an item's field is
/// its index).
pub fn tags(body: &Value) -> Result<Vec<String>, IdentityError> {
    let v = body.get("tags").cloned().unwrap_or_else(|| Value::Object(Map::new()));
    check_ty(&schema::TAGS, &v, "")?;
    Ok(serde_json::from_value(v).expect("checked"))
}

/// `PUT /v3/projects/{id}/tags/{tag}`: the tag from the URL...
pub fn tag(tag: &str) -> Result<(), IdentityError> {
    Ok(check_ty(&schema::TAG, &Value::String(tag.into()), "")?)
}

/// ...and then the list it would make (at most 80, no duplicates).
pub fn tags_with(current: &[String], tag: &str) -> Result<(), IdentityError> {
    let mut all: Vec<Value> = current.iter().cloned().map(Value::String).collect();
    all.push(Value::String(tag.into()));
    Ok(check_ty(&schema::TAGS, &Value::Array(all), "")?)
}

// ---- users and groups ----

const USER_PROPS: &[(&str, Ty)] = &[
    ("default_project_id", schema::NULLABLE_ID_STRING),
    ("description", schema::DESCRIPTION),
    ("domain_id", schema::ID_STRING),
    ("enabled", schema::BOOLEAN),
    ("federated", schema::FEDERATED),
    ("name", schema::IDENTITY_NAME),
    ("password", schema::string(0, usize::MAX, None, true)),
    ("options", schema::USER_OPTIONS),
];
const USER_CREATE: Schema = Schema { props: USER_PROPS, required: &["name"], min_properties: 0, additional: true };
const USER_UPDATE: Schema = Schema { props: USER_PROPS, required: &[], min_properties: 1, additional: true };

/// A user body, for create and update.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct UserBody {
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub domain_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub default_project_id: Option<Option<String>>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub password: Option<Option<String>>,
    #[serde(default)]
    pub options: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    pub federated: Option<Vec<Value>>,
    /// `description`, `email` and anything else: Keystone keeps them as extra attributes.
    #[serde(flatten)]
    pub extra: Extra,
}

impl UserBody {
    pub fn create(body: &Value) -> Result<Self, IdentityError> {
        read(body, "user", &USER_CREATE, true, &[])
    }

    pub fn update(body: &Value) -> Result<Self, IdentityError> {
        read(body, "user", &USER_UPDATE, false, &[])
    }
}

const GROUP_PROPS: &[(&str, Ty)] =
    &[("description", schema::DESCRIPTION), ("domain_id", schema::ID_STRING), ("name", schema::IDENTITY_NAME)];
const GROUP_CREATE: Schema = Schema { props: GROUP_PROPS, required: &["name"], min_properties: 0, additional: true };
const GROUP_UPDATE: Schema = Schema { props: GROUP_PROPS, required: &[], min_properties: 1, additional: true };

/// A group body, for create and update.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct GroupBody {
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub domain_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub description: Option<Option<String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl GroupBody {
    pub fn create(body: &Value) -> Result<Self, IdentityError> {
        read(body, "group", &GROUP_CREATE, true, &[])
    }

    pub fn update(body: &Value) -> Result<Self, IdentityError> {
        read(body, "group", &GROUP_UPDATE, false, &[])
    }
}

const PASSWORD_CHANGE: Schema = Schema {
    props: &[("original_password", schema::string(0, usize::MAX, None, false)), ("password", schema::string(0, usize::MAX, None, false))],
    required: &["original_password", "password"],
    min_properties: 0,
    additional: false,
};

/// `POST /v3/users/{id}/password`: `{"user": {"original_password": ..., "password": ...}}`.
#[derive(Clone, Debug, Deserialize)]
pub struct PasswordChange {
    pub original_password: String,
    pub password: String,
}

impl PasswordChange {
    pub fn from_json(body: &Value) -> Result<Self, IdentityError> {
        read(body, "user", &PASSWORD_CHANGE, false, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_missing_member_is_an_empty_object_the_schema_refuses() {
        let e = ResourceBody::project_create(&json!({})).unwrap_err();
        assert_eq!(e, IdentityError::BadRequest("'name' is a required property".into()));
        let e = ResourceBody::project_create(&json!({"project": null})).unwrap_err();
        assert_eq!(e, IdentityError::BadRequest("None is not of type 'object'".into()));
    }

    #[test]
    fn unknown_attributes_are_kept_as_extras_and_create_normalises_their_names() {
        let b = ResourceBody::project_create(&json!({"project": {"name": "p", "cost-center": 7, "a:b": "x"}})).unwrap();
        assert_eq!(b.extra, BTreeMap::from([("cost_center".to_string(), json!(7)), ("a_b".to_string(), json!("x"))]));
        let b = UserBody::update(&json!({"user": {"email": "e@x", "description": null}})).unwrap();
        assert_eq!(b.extra["description"], Value::Null);
    }

    #[test]
    fn null_and_absent_differ() {
        let b = ResourceBody::project_update(&json!({"project": {"description": null}})).unwrap();
        assert_eq!(b.description, Some(None));
        assert_eq!(b.parent_id, None);
    }

    #[test]
    fn the_domain_api_cannot_place_a_domain() {
        let id = "0123456789abcdef0123456789abcdef";
        let b = ResourceBody::domain_create(&json!({"domain": {"name": "d", "parent_id": 5, "explicit_domain_id": id}})).unwrap();
        assert_eq!((b.is_domain, b.parent_id, b.domain_id), (Some(true), Some(None), Some(None)));
        assert_eq!(b.extra.keys().collect::<Vec<_>>(), ["explicit_domain_id"]);
        assert_eq!(b.explicit_id.as_deref(), Some(id));
        let e = ResourceBody::domain_create(&json!({"domain": {"name": "d", "explicit_domain_id": "0123-4567"}})).unwrap_err();
        assert_eq!(e, IdentityError::BadRequest("Domain ID does not conform to required UUID format.".into()));
    }

    #[test]
    fn password_change_takes_exactly_two_strings() {
        let e = PasswordChange::from_json(&json!({"user": {"password": "x"}})).unwrap_err();
        assert_eq!(e, IdentityError::BadRequest("'original_password' is a required property".into()));
        let e = PasswordChange::from_json(&json!({"user": {"password": "x", "original_password": "y", "z": 1}})).unwrap_err();
        assert_eq!(e, IdentityError::BadRequest("Additional properties are not allowed ('z' was unexpected)".into()));
    }

    #[test]
    fn a_tag_list_reports_its_items_by_index() {
        assert_eq!(
            tags(&json!({"tags": ["ok", "a,b"]})).unwrap_err(),
            IdentityError::BadRequest("Invalid input for field '1': 'a,b' does not match '^[^,/]*$'".into())
        );
        assert_eq!(tags(&json!({})).unwrap_err(), IdentityError::BadRequest("{} is not of type 'array'".into()));
        assert!(tag("a/b").is_err());
        assert!(tags_with(&["a".into()], "a").is_err(), "a duplicate tag makes a list with non-unique elements");
    }
}
