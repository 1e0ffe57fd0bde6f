//! The request bodies of Cinder's admin and action APIs (types, QoS, quotas, volume actions,
//! snapshots, transfers), checked as Cinder's JSON schemas check them, in its wording.

use super::error::{invalid_input, VolumeError};
use super::request::{metadata, opt_string, schema, truthy, wrapped};
use super::types::{EncryptionSpec, NewType, TypeUpdate};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A name: a string of 1 to 255 characters, trimmed; all blank is refused.
fn required_name(field: &str, v: &Value) -> Result<String, VolumeError> {
    match v.as_str() {
        Some(s) if !s.is_empty() && s.chars().count() <= 255 => {
            let t = s.trim();
            if t.is_empty() {
                return Err(schema(field, v, "The 'name' can not be empty."));
            }
            Ok(t.to_string())
        }
        Some(s) if s.is_empty() => Err(schema(field, v, "'' is too short")),
        Some(_) => Err(schema(field, v, "is too long (more than 255 characters)")),
        None => Err(schema(field, v, format!("{v} is not of type 'string'"))),
    }
}

fn boolean(field: &str, v: &Value) -> Result<bool, VolumeError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) => truthy(s).ok_or_else(|| schema(field, v, format!("{v} is not a boolean"))),
        _ => Err(schema(field, v, format!("{v} is not of type 'boolean'"))),
    }
}

fn no_extra(obj: &Map<String, Value>, allowed: &[&str], whole: &Value) -> Result<(), VolumeError> {
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(schema("root", whole, format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    Ok(())
}

/// Extra specs: keys of `[a-zA-Z0-9-_:.]{1,255}`, string values of at most 255 characters.
pub fn extra_specs(field: &str, v: &Value) -> Result<BTreeMap<String, String>, VolumeError> {
    let map = v.as_object().ok_or_else(|| schema(field, v, format!("{v} is not of type 'object'")))?;
    let mut out = BTreeMap::new();
    for (k, val) in map {
        let key_ok = (1..=255).contains(&k.chars().count()) && k.chars().all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c));
        if !key_ok {
            return Err(schema(field, v, format!("Additional properties are not allowed ('{k}' was unexpected)")));
        }
        let text = match val {
            Value::String(s) if s.chars().count() <= 255 => s.clone(),
            _ => return Err(schema(&format!("{field}/{k}"), val, format!("{val} is not of type 'string'"))),
        };
        out.insert(k.clone(), text);
    }
    Ok(out)
}

impl NewType {
    /// `POST /types`: `volume_type` with a name, and optionally a description, publicity and specs.
    pub fn from_json(body: &Value) -> Result<NewType, VolumeError> {
        let t = wrapped(body, "volume_type", &["volume_type"])?;
        let whole = Value::Object(t.clone());
        no_extra(t, &["name", "description", "is_public", "os-volume-type-access:is_public", "extra_specs"], &whole)?;
        let name = required_name("name", t.get("name").ok_or_else(|| schema("volume_type", &whole, "'name' is a required property"))?)?;
        let mut n = NewType { name, is_public: true, ..NewType::default() };
        if let Some(d) = t.get("description") {
            n.description = opt_string("description", d, 255)?;
        }
        for key in ["is_public", "os-volume-type-access:is_public"] {
            if let Some(p) = t.get(key) {
                n.is_public = boolean(key, p)?;
            }
        }
        if let Some(s) = t.get("extra_specs") {
            n.extra_specs = extra_specs("extra_specs", s)?;
        }
        Ok(n)
    }
}

impl TypeUpdate {
    /// `PUT /types/{id}`: at least one of name, description and is_public.
    pub fn from_json(body: &Value) -> Result<TypeUpdate, VolumeError> {
        let t = wrapped(body, "volume_type", &["volume_type"])?;
        let whole = Value::Object(t.clone());
        no_extra(t, &["name", "description", "is_public"], &whole)?;
        let mut u = TypeUpdate::default();
        if let Some(n) = t.get("name") {
            if !n.is_null() {
                u.name = Some(required_name("name", n)?);
            }
        }
        if let Some(d) = t.get("description") {
            u.description = Some(opt_string("description", d, 255)?);
        }
        if let Some(p) = t.get("is_public") {
            u.is_public = Some(boolean("is_public", p)?);
        }
        if u.name.is_none() && u.description.is_none() && u.is_public.is_none() {
            return Err(VolumeError::BadRequest("Specify volume type name, description, is_public or a combination thereof.".into()));
        }
        Ok(u)
    }
}

/// `POST /types/{id}/extra_specs`: `{"extra_specs": {...}}` and nothing else.
pub fn extra_specs_create(body: &Value) -> Result<BTreeMap<String, String>, VolumeError> {
    let obj = body.as_object().ok_or_else(|| schema("root", body, format!("{body} is not of type 'object'")))?;
    no_extra(obj, &["extra_specs"], body)?;
    let specs = obj.get("extra_specs").ok_or_else(|| schema("root", body, "'extra_specs' is a required property"))?;
    extra_specs("extra_specs", specs)
}

/// `PUT /types/{id}/extra_specs/{key}`: exactly the one spec the URL names.
pub fn extra_spec_update(body: &Value, key: &str) -> Result<BTreeMap<String, String>, VolumeError> {
    let specs = extra_specs("root", body)?;
    if specs.len() != 1 {
        return Err(schema("root", body, format!("{body} does not have exactly one property")));
    }
    if !specs.contains_key(key) {
        return Err(VolumeError::BadRequest("Request body and URI mismatch".into()));
    }
    Ok(specs)
}

/// The `project` of an `addProjectAccess` or `removeProjectAccess` action.
pub fn type_access_action(body: &Value) -> Result<(bool, String), VolumeError> {
    let obj = body.as_object().ok_or_else(|| schema("root", body, format!("{body} is not of type 'object'")))?;
    let (add, inner) = match (obj.get("addProjectAccess"), obj.get("removeProjectAccess")) {
        (Some(a), None) => (true, a),
        (None, Some(r)) => (false, r),
        _ => return Err(VolumeError::BadRequest("There is no such action".into())),
    };
    if let Some(k) = inner.as_object().and_then(|o| o.keys().find(|k| k.as_str() != "project")) {
        return Err(schema("project", inner, format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    let project = inner
        .get("project")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| schema("project", inner, "'project' is a required property"))?;
    Ok((add, project.to_string()))
}

impl EncryptionSpec {
    /// `{"encryption": {...}}` for create (`required`) or update.
    pub fn from_json(body: &Value, create: bool) -> Result<EncryptionSpec, VolumeError> {
        let e = wrapped(body, "encryption", &["encryption"])?;
        let whole = Value::Object(e.clone());
        no_extra(e, &["provider", "cipher", "key_size", "control_location"], &whole)?;
        let mut s = EncryptionSpec::default();
        if let Some(p) = e.get("provider") {
            s.provider = Some(required_name("provider", p)?);
        }
        if let Some(c) = e.get("cipher") {
            s.cipher = Some(opt_string("cipher", c, 255)?);
        }
        if let Some(k) = e.get("key_size") {
            s.key_size = Some(match k {
                Value::Null => None,
                Value::Number(n) => Some(n.as_i64().filter(|n| *n >= 0).ok_or_else(|| schema("key_size", k, "is not a valid key size"))?),
                _ => return Err(schema("key_size", k, format!("{k} is not of type 'integer', 'null'"))),
            });
        }
        if let Some(l) = e.get("control_location") {
            match l.as_str() {
                Some(loc @ ("front-end" | "back-end")) => s.control_location = Some(loc.to_string()),
                _ => return Err(schema("control_location", l, format!("{l} is not one of ['front-end', 'back-end']"))),
            }
        }
        if create && s.provider.is_none() {
            return Err(schema("encryption", &whole, "'provider' is a required property"));
        }
        Ok(s)
    }
}

/// `POST /qos-specs`: a name, a consumer, and every other key a spec.
pub fn qos_create(body: &Value) -> Result<(String, String, BTreeMap<String, String>), VolumeError> {
    let q = wrapped(body, "qos_specs", &["qos_specs"])?;
    let whole = Value::Object(q.clone());
    let name = required_name("name", q.get("name").ok_or_else(|| schema("qos_specs", &whole, "'name' is a required property"))?)?;
    let consumer = match q.get("consumer") {
        None => "back-end".to_string(),
        Some(c) => match c.as_str() {
            Some(x @ ("front-end" | "back-end" | "both")) => x.to_string(),
            _ => {
                return Err(invalid_input(format!("Invalid QoS specs: Valid consumer of QoS specs are: ['front-end', 'back-end', 'both']")))
            }
        },
    };
    let rest: Map<String, Value> =
        q.iter().filter(|(k, _)| k.as_str() != "name" && k.as_str() != "consumer").map(|(k, v)| (k.clone(), v.clone())).collect();
    Ok((name, consumer, extra_specs("qos_specs", &Value::Object(rest))?))
}

/// `PUT /qos-specs/{id}`: specs to add or replace.
pub fn qos_set(body: &Value) -> Result<BTreeMap<String, String>, VolumeError> {
    let q = wrapped(body, "qos_specs", &["qos_specs"])?;
    let specs = extra_specs("qos_specs", &Value::Object(q.clone()))?;
    if let Some(c) = specs.get("consumer") {
        if !["front-end", "back-end", "both"].contains(&c.as_str()) {
            return Err(invalid_input("Invalid QoS specs: Valid consumer of QoS specs are: ['front-end', 'back-end', 'both']"));
        }
    }
    Ok(specs)
}

/// `PUT /qos-specs/{id}/delete_keys`: `{"keys": [...]}`.
pub fn qos_keys(body: &Value) -> Result<Vec<String>, VolumeError> {
    let obj = body.as_object().ok_or_else(|| schema("root", body, format!("{body} is not of type 'object'")))?;
    no_extra(obj, &["keys"], body)?;
    let keys = obj.get("keys").and_then(Value::as_array).ok_or_else(|| schema("keys", body, "'keys' is a required property"))?;
    keys.iter().map(|k| k.as_str().map(str::to_string).ok_or_else(|| schema("keys", k, format!("{k} is not of type 'string'")))).collect()
}

/// A quota value: an integer from -1 (unlimited) up.
fn quota_value(field: &str, v: &Value) -> Result<i64, VolumeError> {
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
    .ok_or_else(|| invalid_input(format!("{field} must be an integer.")))?;
    if n < -1 {
        return Err(invalid_input(format!("{field} must be >= -1")));
    }
    if n > i32::MAX as i64 {
        return Err(invalid_input(format!("{field} must be <= {}", i32::MAX)));
    }
    Ok(n)
}

/// `PUT /os-quota-sets/{project}` and `PUT /os-quota-class-sets/{class}`: resource -> limit, only
/// for resources that exist.
pub fn quota_update(body: &Value, key: &str, known: &[String]) -> Result<BTreeMap<String, i64>, VolumeError> {
    let q = wrapped(body, key, &[key])?;
    let mut out = BTreeMap::new();
    for (k, v) in q {
        if k == "tenant_id" || k == "id" {
            continue;
        }
        if !known.iter().any(|r| r == k) {
            return Err(VolumeError::BadRequest(format!("Bad key(s) in quota set: {k}")));
        }
        out.insert(k.clone(), quota_value(k, v)?);
    }
    Ok(out)
}

/// A volume action: `{"os-<name>": args}`, exactly one key.
pub fn action(body: &Value) -> Result<(String, Value), VolumeError> {
    let obj = body.as_object().ok_or_else(|| VolumeError::BadRequest("Malformed request body".into()))?;
    if obj.len() != 1 {
        return Err(VolumeError::BadRequest("Malformed request body".into()));
    }
    let (k, v) = obj.iter().next().expect("one key");
    Ok((k.clone(), v.clone()))
}

/// `new_size` of `os-extend`: a positive integer (or its string form).
pub fn new_size(args: &Value) -> Result<u64, VolumeError> {
    let v = args.get("new_size").ok_or_else(|| schema("os-extend", args, "'new_size' is a required property"))?;
    let n = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
        _ => None,
    };
    n.filter(|n| (1..=i32::MAX as u64).contains(n))
        .ok_or_else(|| schema("new_size", v, format!("{v} is not of type 'integer', 'string' or does not match '^[0-9]+$'")))
}

/// A boolean argument of an action (`bootable`, `readonly`).
pub fn action_bool(args: &Value, key: &str) -> Result<bool, VolumeError> {
    let v = args.get(key).ok_or_else(|| schema(key, args, format!("'{key}' is a required property")))?;
    boolean(key, v)
}

/// A string argument of an action.
pub fn action_string(args: &Value, key: &str) -> Result<String, VolumeError> {
    let v = args.get(key).ok_or_else(|| schema(key, args, format!("'{key}' is a required property")))?;
    v.as_str().filter(|s| !s.is_empty()).map(str::to_string).ok_or_else(|| schema(key, v, format!("{v} is not of type 'string'")))
}

/// `os-set_image_metadata`: `{"metadata": {...}}`.
pub fn image_metadata(args: &Value) -> Result<BTreeMap<String, String>, VolumeError> {
    let m = args.get("metadata").ok_or_else(|| schema("os-set_image_metadata", args, "'metadata' is a required property"))?;
    if !m.is_object() {
        return Err(schema("metadata", m, format!("{m} is not of type 'object'")));
    }
    metadata(m)
}

/// `PUT/POST /volumes/{id}/metadata` and snapshots': `{"metadata": {...}}`.
pub fn metadata_body(body: &Value) -> Result<BTreeMap<String, String>, VolumeError> {
    let obj = body.as_object().ok_or_else(|| schema("root", body, format!("{body} is not of type 'object'")))?;
    no_extra(obj, &["metadata"], body)?;
    let m = obj.get("metadata").ok_or_else(|| schema("root", body, "'metadata' is a required property"))?;
    if !m.is_object() {
        return Err(schema("metadata", m, format!("{m} is not of type 'object'")));
    }
    metadata(m)
}

/// `PUT /volumes/{id}/metadata/{key}`: `{"meta": {key: value}}`, the key the URL names.
pub fn meta_item(body: &Value, key: &str) -> Result<(String, String), VolumeError> {
    let obj = body.as_object().ok_or_else(|| schema("root", body, format!("{body} is not of type 'object'")))?;
    no_extra(obj, &["meta"], body)?;
    let m = obj.get("meta").ok_or_else(|| schema("root", body, "'meta' is a required property"))?;
    let map = metadata(m)?;
    if map.len() != 1 {
        return Err(VolumeError::BadRequest("Request body contains too many items".into()));
    }
    let (k, v) = map.into_iter().next().expect("one");
    if k != key {
        return Err(VolumeError::BadRequest("Request body and URI mismatch".into()));
    }
    Ok((k, v))
}

/// `POST /snapshots`: the volume, and optionally a name, description, `force` and metadata.
pub fn new_snapshot(body: &Value) -> Result<super::snapshots::NewSnapshot, VolumeError> {
    let s = wrapped(body, "snapshot", &["snapshot"])?;
    let whole = Value::Object(s.clone());
    no_extra(s, &["volume_id", "name", "display_name", "description", "display_description", "force", "metadata"], &whole)?;
    // A missing or null volume is looked up, and not found, as Cinder does.
    let volume_id = match s.get("volume_id") {
        None | Some(Value::Null) => return Err(VolumeError::NotFound("Volume None could not be found.".into())),
        Some(Value::String(id)) => id.as_str(),
        Some(other) => return Err(schema("volume_id", other, format!("{other} is not of type 'string'"))),
    };
    if uuid::Uuid::try_parse(volume_id).is_err() {
        return Err(VolumeError::NotFound(format!("Volume {volume_id} could not be found.")));
    }
    let mut n = super::snapshots::NewSnapshot { volume_id: volume_id.to_string(), ..Default::default() };
    for (k, v) in s {
        match k.as_str() {
            "name" | "display_name" => n.name = opt_string(k, v, 255)?,
            "description" | "display_description" => n.description = opt_string(k, v, 255)?,
            "force" => n.force = super::snapshots::force_flag(v)?,
            "metadata" => n.metadata = metadata(v)?,
            _ => {}
        }
    }
    Ok(n)
}

/// `PUT /snapshots/{id}`: name and description.
pub fn snapshot_update(body: &Value) -> Result<super::snapshots::SnapshotUpdate, VolumeError> {
    let s = wrapped(body, "snapshot", &["snapshot"])?;
    let whole = Value::Object(s.clone());
    no_extra(s, &["name", "display_name", "description", "display_description"], &whole)?;
    let mut u = super::snapshots::SnapshotUpdate::default();
    for (k, v) in s {
        match k.as_str() {
            "name" | "display_name" => u.name = Some(opt_string(k, v, 255)?),
            _ => u.description = Some(opt_string(k, v, 255)?),
        }
    }
    if u.name.is_none() && u.description.is_none() {
        return Err(schema("snapshot", &whole, "{} does not have enough properties"));
    }
    Ok(u)
}

/// `POST /os-volume-transfer` (and `/volume-transfers`, 3.55): the volume, a name and
/// `no_snapshots`.
pub fn new_transfer(body: &Value) -> Result<(String, Option<String>, bool), VolumeError> {
    let t = wrapped(body, "transfer", &["transfer"])?;
    let whole = Value::Object(t.clone());
    no_extra(t, &["volume_id", "name", "no_snapshots"], &whole)?;
    let volume_id =
        t.get("volume_id").and_then(Value::as_str).ok_or_else(|| schema("transfer", &whole, "'volume_id' is a required property"))?;
    if uuid::Uuid::try_parse(volume_id).is_err() {
        return Err(schema("volume_id", &t["volume_id"], format!("'{volume_id}' is not a 'uuid'")));
    }
    let name = match t.get("name") {
        Some(n) => opt_string("name", n, 255)?.map(|s| s.trim().to_string()),
        None => None,
    };
    let no_snapshots = match t.get("no_snapshots") {
        Some(v) => boolean("no_snapshots", v)?,
        None => false,
    };
    Ok((volume_id.to_string(), name, no_snapshots))
}

/// `POST .../{id}/accept`: `{"accept": {"auth_key": ...}}`.
pub fn accept_transfer(body: &Value) -> Result<String, VolumeError> {
    let a = wrapped(body, "accept", &["accept"])?;
    let whole = Value::Object(a.clone());
    no_extra(a, &["auth_key"], &whole)?;
    a.get("auth_key")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .ok_or_else(|| schema("accept", &whole, "'auth_key' is a required property"))
}

/// `POST /group_types` (`create`: a name is required) and `PUT /group_types/{id}`.
pub fn group_type(body: &Value, create: bool) -> Result<super::group_types::GroupTypeSpec, VolumeError> {
    let t = wrapped(body, "group_type", &["group_type"])?;
    let whole = Value::Object(t.clone());
    let allowed: &[&str] =
        if create { &["name", "description", "is_public", "group_specs"] } else { &["name", "description", "is_public"] };
    no_extra(t, allowed, &whole)?;
    let mut s = super::group_types::GroupTypeSpec::default();
    match t.get("name") {
        Some(n) if !(n.is_null() && !create) => s.name = Some(required_name("name", n)?),
        None if create => return Err(schema("group_type", &whole, "'name' is a required property")),
        _ => {}
    }
    if let Some(d) = t.get("description") {
        s.description = Some(opt_string("description", d, 255)?);
    }
    if let Some(p) = t.get("is_public") {
        s.is_public = Some(boolean("is_public", p)?);
    }
    if let Some(g) = t.get("group_specs") {
        s.group_specs = extra_specs("group_specs", g)?;
    }
    if !create && s.name.is_none() && s.description.is_none() && s.is_public.is_none() {
        return Err(VolumeError::BadRequest("Specify group type name, description or a combination thereof.".into()));
    }
    Ok(s)
}

/// `POST /group_types/{id}/group_specs`: `{"group_specs": {...}}`.
pub fn group_specs_create(body: &Value) -> Result<BTreeMap<String, String>, VolumeError> {
    let obj = body.as_object().ok_or_else(|| schema("root", body, format!("{body} is not of type 'object'")))?;
    no_extra(obj, &["group_specs"], body)?;
    let specs = obj.get("group_specs").ok_or_else(|| schema("root", body, "'group_specs' is a required property"))?;
    extra_specs("group_specs", specs)
}

/// `POST /groups`: a group type and the volume types its volumes may have.
pub fn new_group(body: &Value) -> Result<super::groups::NewGroup, VolumeError> {
    let g = wrapped(body, "group", &["group"])?;
    let whole = Value::Object(g.clone());
    no_extra(g, &["name", "description", "group_type", "volume_types", "availability_zone"], &whole)?;
    let group_type = g
        .get("group_type")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| schema("group", &whole, "'group_type' is a required property"))?
        .to_string();
    let volume_types = match g.get("volume_types") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| t.as_str().map(str::to_string).ok_or_else(|| schema("volume_types", t, format!("{t} is not of type 'string'"))))
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => return Err(schema("volume_types", other, format!("{other} is not of type 'array'"))),
        None => return Err(schema("group", &whole, "'volume_types' is a required property")),
    };
    let mut n = super::groups::NewGroup { group_type, volume_types, ..Default::default() };
    if let Some(v) = g.get("name") {
        n.name = opt_string("name", v, 255)?;
    }
    if let Some(v) = g.get("description") {
        n.description = opt_string("description", v, 255)?;
    }
    if let Some(v) = g.get("availability_zone") {
        n.availability_zone = opt_string("availability_zone", v, 255)?;
    }
    Ok(n)
}

/// `PUT /groups/{id}`: name, description, and comma-separated volume ids to add or remove.
pub fn group_update(body: &Value) -> Result<super::groups::GroupUpdate, VolumeError> {
    let g = wrapped(body, "group", &["group"])?;
    let whole = Value::Object(g.clone());
    no_extra(g, &["name", "description", "add_volumes", "remove_volumes"], &whole)?;
    let mut u = super::groups::GroupUpdate::default();
    let ids = |k: &str, v: &Value| -> Result<Vec<String>, VolumeError> {
        Ok(opt_string(k, v, 65535)?.unwrap_or_default().split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
    };
    for (k, v) in g {
        match k.as_str() {
            "name" => u.name = Some(opt_string(k, v, 255)?),
            "description" => u.description = Some(opt_string(k, v, 255)?),
            "add_volumes" => u.add_volumes = ids(k, v)?,
            _ => u.remove_volumes = ids(k, v)?,
        }
    }
    if u.name.is_none() && u.description.is_none() && u.add_volumes.is_empty() && u.remove_volumes.is_empty() {
        return Err(VolumeError::BadRequest(
            "Name, description, add_volumes, and remove_volumes can not be all empty in the request body.".into(),
        ));
    }
    Ok(u)
}

/// `POST /group_snapshots`: the group, and optionally a name and description.
pub fn new_group_snapshot(body: &Value) -> Result<(String, Option<String>, Option<String>), VolumeError> {
    let g = wrapped(body, "group_snapshot", &["group_snapshot"])?;
    let whole = Value::Object(g.clone());
    no_extra(g, &["group_id", "name", "description"], &whole)?;
    let group_id = g
        .get("group_id")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| schema("group_snapshot", &whole, "'group_id' is a required property"))?
        .to_string();
    let name = match g.get("name") {
        Some(v) => opt_string("name", v, 255)?,
        None => None,
    };
    let description = match g.get("description") {
        Some(v) => opt_string("description", v, 255)?,
        None => None,
    };
    Ok((group_id, name, description))
}
