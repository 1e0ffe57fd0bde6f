//! Secrets left out of what the control API serves. A snapshot and the journal hold every
//! password, live token id and credential secret the cloud knows; whoever reads them could act as
//! any user of the cloud, or of a real one if a test reused a real password. So the control API
//! serves them with those values replaced, unless the caller asks for them with `secrets=include`
//! (a snapshot that is to be restored needs them).

use serde_json::Value;

/// What a secret reads as once redacted.
pub const REDACTED: &str = "<redacted>";

/// The top-level mark of a redacted snapshot (`World::from_snapshot` refuses to restore one).
pub const SNAPSHOT_MARK: (&str, &str) = ("secrets", "redacted");

/// Keys whose values are secrets wherever they appear in a request body: Keystone's password
/// methods, password changes, application credential and consumer secrets, TOTP passcodes.
const SECRET_KEYS: [&str; 4] = ["password", "original_password", "secret", "passcode"];

fn hide(v: &mut Value) {
    if !v.is_null() {
        *v = Value::String(REDACTED.into());
    }
}

/// A journaled request body with its secrets hidden: the keys above at any depth, the id of a
/// token presented in the body (Keystone's `token` auth method) and a credential's blob (an EC2
/// secret).
fn redact_body(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    k if SECRET_KEYS.contains(&k) && !child.is_object() => hide(child),
                    "token" => {
                        if let Some(id) = child.get_mut("id") {
                            hide(id)
                        }
                        redact_body(child)
                    }
                    "credential" => {
                        if let Some(blob) = child.get_mut("blob") {
                            hide(blob)
                        }
                        redact_body(child)
                    }
                    _ => redact_body(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_body),
        _ => {}
    }
}

/// Journal entries (as serialised) with the bodies of their recorded requests redacted. A body
/// that is not JSON is dropped whole, since nothing tells its secrets apart.
pub fn journal_entries(entries: &mut [Value]) {
    for e in entries {
        let Some(request) = e.get_mut("request").and_then(Value::as_object_mut) else { continue };
        if let Some(text) = request.get("body").and_then(Value::as_str) {
            let redacted = match serde_json::from_str::<Value>(text) {
                Ok(mut body) => {
                    redact_body(&mut body);
                    body.to_string()
                }
                Err(_) => REDACTED.to_string(),
            };
            request.insert("body".into(), Value::String(redacted));
        }
        if request.contains_key("body_base64") {
            request.insert("body_base64".into(), Value::String(REDACTED.into()));
        }
    }
}

/// A snapshot (the world as serialised) with its secrets redacted and the mark saying so: user
/// passwords, application credential and consumer secrets, credential blobs, the key tokens are
/// sealed with (whoever holds it could make a token for any user), and the journal's request bodies.
pub fn snapshot(world: &mut Value) {
    let identity = &mut world["identity"];
    for (list, field) in [("users", "password"), ("app_creds", "secret"), ("consumers", "secret"), ("credentials", "blob")] {
        if let Some(items) = identity.get_mut(list).and_then(Value::as_array_mut) {
            items.iter_mut().filter_map(|i| i.get_mut(field)).for_each(hide);
        }
    }
    if let Some(key) = identity.get_mut("token_key") {
        hide(key);
    }
    if let Some(entries) = world.pointer_mut("/sim/journal/entries").and_then(Value::as_array_mut) {
        journal_entries(entries);
    }
    if let Some(map) = world.as_object_mut() {
        map.insert(SNAPSHOT_MARK.0.into(), Value::String(SNAPSHOT_MARK.1.into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_token_request_keeps_who_and_loses_the_password() {
        let mut entries = vec![json!({"kind": "api", "request": {"body": json!({"auth": {"identity": {"methods": ["password"],
            "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "admin-secret"}}}}}).to_string()}})];
        journal_entries(&mut entries);
        let body: Value = serde_json::from_str(entries[0]["request"]["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["auth"]["identity"]["password"]["user"]["password"], REDACTED);
        assert_eq!(body["auth"]["identity"]["password"]["user"]["name"], "admin");
        assert_eq!(body["auth"]["identity"]["methods"], json!(["password"]), "the method list is no secret");
    }

    #[test]
    fn token_ids_credential_blobs_and_secrets_in_bodies_are_hidden() {
        let mut body = json!({"auth": {"identity": {"token": {"id": "gAAAA"}, "application_credential": {"id": "ac", "secret": "s"}}},
            "credential": {"blob": "{\"secret\": \"x\"}", "type": "ec2"}, "user": {"original_password": "a", "password": "b"}});
        redact_body(&mut body);
        assert_eq!(body["auth"]["identity"]["token"]["id"], REDACTED);
        assert_eq!(body["auth"]["identity"]["application_credential"]["secret"], REDACTED);
        assert_eq!(body["auth"]["identity"]["application_credential"]["id"], "ac");
        assert_eq!(body["credential"]["blob"], REDACTED);
        assert_eq!(body["credential"]["type"], "ec2");
        assert_eq!(body["user"], json!({"original_password": REDACTED, "password": REDACTED}));
    }
}
