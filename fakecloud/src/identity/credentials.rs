//! Credentials (`/v3/credentials`) and the EC2 view of them (`/v3/users/{id}/credentials/OS-EC2`),
//! with Keystone's rules (keystone/api/credentials.py, keystone/credential/core.py): the blob is a
//! JSON string; an `ec2` credential's blob must hold an `access` key, its id is the SHA-256 of
//! that key, and it needs a project.

use super::error::{Outcome, Refusal};
use super::model::{Credential, Identity};
use crate::sim::Ids;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const EC2: &str = "ec2";

pub struct NewCredential {
    pub id: Option<String>,
    pub user_id: String,
    pub project_id: Option<String>,
    pub cred_type: String,
    pub blob: String,
    pub extra: BTreeMap<String, Value>,
}

#[derive(Default)]
pub struct CredentialChanges {
    pub user_id: Option<String>,
    pub project_id: Option<Option<String>>,
    pub cred_type: Option<String>,
    pub blob: Option<String>,
    pub extra: BTreeMap<String, Value>,
}

impl Credential {
    pub fn is_ec2(&self) -> bool {
        self.cred_type.eq_ignore_ascii_case(EC2)
    }
}

/// The id of an EC2 credential: the hex SHA-256 of its access key.
pub fn ec2_credential_id(access: &str) -> String {
    hex::encode(Sha256::digest(access.as_bytes()))
}

/// An EC2 blob: a JSON object with an `access` key.
fn ec2_blob(blob: Option<&str>) -> Outcome<serde_json::Map<String, Value>> {
    let parsed: Value =
        blob.and_then(|b| serde_json::from_str(b).ok()).ok_or_else(|| Refusal::BadRequest("Invalid blob in credential".into()))?;
    let obj = match parsed {
        Value::Object(o) if !o.is_empty() => o,
        _ => return Err(Refusal::expecting("blob", "credential")),
    };
    if obj.get("access").is_none_or(Value::is_null) {
        return Err(Refusal::expecting("access", "credential"));
    }
    Ok(obj)
}

impl Identity {
    pub fn credential(&self, id: &str) -> Outcome<&Credential> {
        self.credentials.iter().find(|c| c.id == id).ok_or_else(|| Refusal::not_found("credential", id))
    }

    /// The user and project a credential names must exist (Keystone stores any ids; here a
    /// credential for nobody is refused as the other identity APIs refuse unknown ids).
    fn check_credential_refs(&self, user_id: Option<&str>, project_id: Option<&str>) -> Outcome<()> {
        if let Some(u) = user_id {
            self.user(u).ok_or_else(|| Refusal::not_found("user", u))?;
        }
        if let Some(p) = project_id {
            self.project(p).ok_or_else(|| Refusal::not_found("project", p))?;
        }
        Ok(())
    }

    pub fn create_credential(&mut self, new: NewCredential, ids: &mut Ids) -> Outcome<&Credential> {
        // An EC2 credential is named by its key; others take an id from the request or a new one,
        // drawn only once nothing can refuse it.
        let named = if new.cred_type.eq_ignore_ascii_case(EC2) {
            let blob = ec2_blob(Some(&new.blob))?;
            Some(ec2_credential_id(blob["access"].as_str().map(str::to_string).unwrap_or_else(|| blob["access"].to_string()).as_str()))
        } else {
            new.id.clone().filter(|i| !i.is_empty())
        };
        self.check_credential_refs(Some(&new.user_id), new.project_id.as_deref())?;
        if let Some(id) = named.as_ref().filter(|id| self.credentials.iter().any(|c| &c.id == *id)) {
            return Err(Refusal::conflict("credential", format_args!("Duplicate entry found with ID {id}")));
        }
        let id = named.unwrap_or_else(|| ids.hex());
        self.credentials.push(Credential {
            id,
            user_id: new.user_id,
            project_id: new.project_id,
            cred_type: new.cred_type,
            blob: new.blob,
            extra: new.extra,
        });
        Ok(self.credentials.last().expect("just pushed"))
    }

    /// `PATCH /v3/credentials/{id}`. An EC2 credential keeps its id, and its blob's delegation keys
    /// cannot change; a credential becoming `ec2` needs a project.
    pub fn update_credential(&mut self, id: &str, c: CredentialChanges) -> Outcome<&Credential> {
        let current = self.credential(id)?.clone();
        if current.is_ec2() {
            let new_blob = ec2_blob(c.blob.as_deref())?;
            let old_blob: serde_json::Map<String, Value> = serde_json::from_str(&current.blob).unwrap_or_default();
            for key in ["trust_id", "app_cred_id", "access_token_id", "access_id"] {
                if old_blob.get(key) != new_blob.get(key) {
                    return Err(Refusal::BadRequest(format!("{key} can not be updated for credential")));
                }
            }
        }
        let becomes_ec2 = c.cred_type.as_deref().unwrap_or(&current.cred_type).eq_ignore_ascii_case(EC2);
        let project = c.project_id.clone().unwrap_or(current.project_id.clone());
        if becomes_ec2 && project.is_none() {
            return Err(Refusal::expecting("project_id", "credential"));
        }
        self.check_credential_refs(c.user_id.as_deref(), c.project_id.clone().flatten().as_deref())?;
        let cred = self.credentials.iter_mut().find(|x| x.id == id).expect("found above");
        if let Some(u) = c.user_id {
            cred.user_id = u;
        }
        if let Some(p) = c.project_id {
            cred.project_id = p;
        }
        if let Some(t) = c.cred_type {
            cred.cred_type = t;
        }
        if let Some(b) = c.blob {
            cred.blob = b;
        }
        cred.extra.extend(c.extra);
        Ok(self.credential(id).expect("found above"))
    }

    pub fn delete_credential(&mut self, id: &str) -> Outcome<()> {
        self.credential(id)?;
        self.credentials.retain(|c| c.id != id);
        Ok(())
    }

    /// `POST /v3/users/{id}/credentials/OS-EC2`: a new access and secret pair for the project.
    pub fn create_ec2_credential(&mut self, user_id: &str, tenant_id: Option<&str>, ids: &mut Ids) -> Outcome<&Credential> {
        self.user(user_id).ok_or_else(|| Refusal::not_found("user", user_id))?;
        let project = tenant_id.unwrap_or("None");
        self.project(project).ok_or_else(|| Refusal::not_found("project", project))?;
        let access = ids.hex();
        let secret = ids.hex();
        let blob = json!({"access": access, "secret": secret, "trust_id": null});
        self.credentials.push(Credential {
            id: ec2_credential_id(&access),
            user_id: user_id.to_string(),
            project_id: Some(project.to_string()),
            cred_type: EC2.into(),
            blob: blob.to_string(),
            extra: BTreeMap::new(),
        });
        Ok(self.credentials.last().expect("just pushed"))
    }

    /// An EC2 credential by access key. A credential of another type behind that key is the 401
    /// Keystone answers (`EC2 access key not found.`), signalled as `None` inside `Ok`.
    pub fn ec2_credential(&self, access: &str) -> Outcome<Option<&Credential>> {
        let c = self.credential(&ec2_credential_id(access))?;
        Ok(c.is_ec2().then_some(c))
    }

    /// Removes a user's credentials (the user is being deleted).
    pub fn remove_credentials_of(&mut self, user_id: &str) {
        self.credentials.retain(|c| c.user_id != user_id);
    }

    /// Removes the credentials of a project (the project is being deleted).
    pub fn remove_credentials_on(&mut self, project_id: &str) {
        self.credentials.retain(|c| c.project_id.as_deref() != Some(project_id));
    }
}

/// The EC2 API's view of a credential (`_convert_v3_to_ec2_credential`).
pub fn ec2_fields(c: &Credential) -> (Option<String>, Option<String>, Value) {
    let blob: Value = serde_json::from_str(&c.blob).unwrap_or(Value::Null);
    let s = |k: &str| blob.get(k).and_then(Value::as_str).map(str::to_string);
    (s("access"), s("secret"), blob.get("trust_id").cloned().unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;

    fn setup() -> (Identity, Ids, String, String) {
        let mut ids = Ids::new(0);
        let idn = Identity::from_fixture(&Fixture::default_cloud(), &mut ids).unwrap();
        let user = idn.user_named("demo").unwrap().id.clone();
        let project = idn.project_named("demo").unwrap().id.clone();
        (idn, ids, user, project)
    }

    fn ec2(user: &str, project: &str, blob: &str) -> NewCredential {
        NewCredential {
            id: None,
            user_id: user.into(),
            project_id: Some(project.into()),
            cred_type: "ec2".into(),
            blob: blob.into(),
            extra: BTreeMap::new(),
        }
    }

    #[test]
    fn an_ec2_credential_is_named_by_the_hash_of_its_access_key() {
        let (mut idn, mut ids, user, project) = setup();
        let c = idn.create_credential(ec2(&user, &project, r#"{"access": "a1", "secret": "s1"}"#), &mut ids).unwrap();
        assert_eq!(c.id, ec2_credential_id("a1"));
        assert!(idn.ec2_credential("a1").unwrap().is_some());
        let again = idn.create_credential(ec2(&user, &project, r#"{"access": "a1", "secret": "s2"}"#), &mut ids);
        assert!(matches!(again, Err(Refusal::Conflict(_))));
    }

    #[test]
    fn ec2_blobs_need_json_with_an_access_key() {
        let (mut idn, mut ids, user, project) = setup();
        for bad in ["not json", "[]", r#"{"secret": "s"}"#] {
            assert!(matches!(idn.create_credential(ec2(&user, &project, bad), &mut ids), Err(Refusal::BadRequest(_))), "{bad}");
        }
    }

    #[test]
    fn an_ec2_update_keeps_the_id_but_not_a_changed_trust() {
        let (mut idn, mut ids, user, project) = setup();
        let id = idn.create_credential(ec2(&user, &project, r#"{"access": "a1", "secret": "s1"}"#), &mut ids).unwrap().id.clone();
        let changes = CredentialChanges { blob: Some(r#"{"access": "a2", "secret": "s2"}"#.into()), ..Default::default() };
        assert_eq!(idn.update_credential(&id, changes).unwrap().id, id);
        let trust = CredentialChanges { blob: Some(r#"{"access": "a2", "trust_id": "t"}"#.into()), ..Default::default() };
        assert!(matches!(idn.update_credential(&id, trust), Err(Refusal::BadRequest(_))));
    }
}
