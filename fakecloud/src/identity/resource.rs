//! Keystone's resource rules (keystone/resource/core.py): domains and projects, the project
//! hierarchy, tags and the `immutable` option, and what deleting or disabling one does to the rest.
//!
//! Upstream a domain is a project acting as a domain, so the project API reaches domains too
//! (`GET /v3/projects/{domain_id}`, `?is_domain=true`); here domains keep their own list and the
//! project API's calls are routed to them.

use super::error::IdentityError as E;
use super::model::{Domain, Extra, Identity, Project, Target, DEFAULT_DOMAIN_ID};
use super::request::ResourceBody;
use crate::sim::{Ids, SimTime};
use serde_json::Value;

/// `[DEFAULT] max_project_tree_depth`; Keystone allows one more level for the domain.
const MAX_PROJECT_TREE_DEPTH: usize = 5;

/// What the project API finds under an id.
pub enum Resource<'a> {
    Domain(&'a Domain),
    Project(&'a Project),
}

fn immutable(options: &Extra) -> bool {
    options.get("immutable") == Some(&Value::Bool(true))
}

/// `check_immutable_update`: an immutable resource takes one change only, `immutable` set to false
/// or null (the body's keys are counted as Keystone counts them).
fn allowed_on_immutable(b: &ResourceBody) -> bool {
    b.key_count() == 1 && b.options.as_ref().is_some_and(|o| matches!(o.get("immutable"), Some(Value::Bool(false) | Value::Null)))
}

fn immutable_update(kind: &str, id: &str) -> E {
    E::Forbidden(format!("Unable to update immutable {kind} resource: `{id}. Set resource option \"immutable\" to false first."))
}

fn immutable_delete(kind: &str, id: &str) -> E {
    E::Forbidden(format!("Unable to delete immutable {kind} resource: `{id}. Set resource option \"immutable\" to false first."))
}

fn immutable_tags(verb: &str, id: &str) -> E {
    E::Forbidden(format!(
        "Cannot {verb} project tags for {id}, project is immutable. Set \"immutable\" option to false before creating project tags."
    ))
}

fn project_conflict(name: &str, id: &str) -> E {
    E::conflict(
        "project",
        &format!("it is not permitted to have two projects with either the same name or same id in the same domain: name is {name}, project id {id}"),
    )
}

fn domain_conflict(name: &str) -> E {
    E::conflict("project", &format!("it is not permitted to have two projects acting as domains with the same name: {name}"))
}

/// Options after an update: a null removes the option.
pub(super) fn merge_options(options: &mut Extra, changes: Option<&Extra>) {
    for (k, v) in changes.into_iter().flatten() {
        if v.is_null() {
            options.remove(k);
        } else {
            options.insert(k.clone(), v.clone());
        }
    }
}

impl ResourceBody {
    /// How many attributes the body sets (Keystone's `len(ref.keys())`).
    pub fn key_count(&self) -> usize {
        [
            self.id.is_some(),
            self.name.is_some(),
            self.description.is_some(),
            self.domain_id.is_some(),
            self.enabled.is_some(),
            self.is_domain.is_some(),
            self.parent_id.is_some(),
            self.tags.is_some(),
            self.options.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count()
            + self.extra.len()
    }
}

impl Identity {
    pub fn domain_active(&self, id: &str) -> bool {
        self.domain(id).is_some_and(|d| d.enabled)
    }

    /// A project that exists, is enabled and whose domain is enabled (`assert_project_enabled`).
    pub fn project_active(&self, id: &str) -> bool {
        self.project(id).is_some_and(|p| p.enabled && self.domain_active(&p.domain_id))
    }

    /// What the project API finds under `id`: a project, or a domain (a project acting as one).
    pub fn resource(&self, id: &str) -> Option<Resource<'_>> {
        self.project(id).map(Resource::Project).or_else(|| self.domain(id).map(Resource::Domain))
    }

    /// The projects (and top-level projects of a domain) whose parent is `id`.
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Project> + 'a {
        self.projects.iter().filter(move |p| p.parent() == id)
    }

    /// A project's ancestors, its parent first and its domain last.
    pub fn project_parents(&self, id: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut at = self.project(id);
        while let Some(p) = at {
            let parent = p.parent().to_string();
            if out.contains(&parent) {
                break;
            }
            at = self.project(&parent);
            out.push(parent);
        }
        out
    }

    /// Everything below `id`, level by level.
    pub fn project_subtree<'a>(&'a self, id: &'a str) -> Vec<&'a Project> {
        let mut out: Vec<&Project> = Vec::new();
        let mut level: Vec<&str> = vec![id];
        while !level.is_empty() {
            let next: Vec<&Project> = level.iter().flat_map(|l| self.children(l)).filter(|p| !out.iter().any(|o| o.id == p.id)).collect();
            level = next.iter().map(|p| p.id.as_str()).collect();
            out.extend(next);
        }
        out
    }

    /// `POST /v3/projects` (and `POST /v3/domains`, whose body says `is_domain`). A project without a
    /// domain goes to the caller's domain scope, else the default domain. Returns the new id.
    pub fn create_project(&mut self, ids: &mut Ids, b: ResourceBody, domain_scope: Option<&str>) -> Result<String, E> {
        let is_domain = b.is_domain.unwrap_or(false);
        let name = b.name.as_deref().unwrap_or_default().trim().to_string();
        let mut domain_id = b.domain_id.clone().flatten();
        if !is_domain && domain_id.is_none() {
            domain_id = Some(domain_scope.unwrap_or(DEFAULT_DOMAIN_ID).to_string());
        }
        let parent_id = b.parent_id.clone().flatten().or_else(|| domain_id.clone());
        if is_domain {
            return self.create_domain(ids, b, name, parent_id.is_some());
        }
        let domain_id = domain_id.expect("set above");
        let parent_id = parent_id.expect("a project's parent defaults to its domain");
        let domain = self.domain(&domain_id).ok_or_else(|| E::BadRequest(format!("Could not find domain: {domain_id}.")))?;
        // The chain above the new project: its parent, the parent's ancestors, up to the domain.
        let chain: Vec<(String, bool)> = match self.resource(&parent_id) {
            None => return Err(E::BadRequest(format!("Could not find project: {parent_id}."))),
            Some(Resource::Domain(d)) if d.id != domain.id => {
                return Err(E::BadRequest(format!(
                    "Cannot create project, the parent ({parent_id}) is acting as a domain, but this project's domain id ({domain_id}) does not match the parent's id."
                )))
            }
            Some(Resource::Domain(d)) => vec![(d.id.clone(), d.enabled)],
            Some(Resource::Project(p)) if p.domain_id != domain_id => {
                return Err(E::BadRequest(format!(
                    "Cannot create project, since it specifies its domain_id {domain_id}, but specifies a parent in a different domain ({}).",
                    p.domain_id
                )))
            }
            Some(Resource::Project(p)) => {
                let mut chain: Vec<(String, bool)> = self
                    .project_parents(&p.id)
                    .into_iter()
                    .map(|a| {
                        let enabled = match self.resource(&a) {
                            Some(Resource::Project(x)) => x.enabled,
                            Some(Resource::Domain(x)) => x.enabled,
                            None => true,
                        };
                        (a, enabled)
                    })
                    .collect();
                chain.push((p.id.clone(), p.enabled));
                chain
            }
        };
        if let Some((off, _)) = chain.iter().find(|(_, enabled)| !enabled) {
            return Err(E::BadRequest(format!("cannot create a project in a branch containing a disabled project: {off}")));
        }
        if chain.len() + 1 > MAX_PROJECT_TREE_DEPTH + 1 {
            return Err(E::Forbidden(format!("Max hierarchy depth reached for {parent_id} branch.")));
        }
        if self.projects.iter().any(|p| p.domain_id == domain_id && p.name == name) {
            return Err(project_conflict(&name, &ids.clone().hex()));
        }
        let id = ids.hex();
        let parent = (parent_id != domain_id).then_some(parent_id);
        let mut options = Extra::new();
        merge_options(&mut options, b.options.as_ref());
        self.projects.push(Project {
            id: id.clone(),
            name,
            domain_id,
            description: b.description.unwrap_or(Some(String::new())),
            enabled: b.enabled.unwrap_or(true),
            parent_id: parent,
            tags: b.tags.unwrap_or_default().iter().map(|t| t.trim().to_string()).collect(),
            options,
            extra: b.extra,
        });
        Ok(id)
    }

    /// A project acting as a domain, with the id the domain API may have named.
    fn create_domain(&mut self, ids: &mut Ids, b: ResourceBody, name: String, has_parent: bool) -> Result<String, E> {
        if has_parent {
            return Err(E::BadRequest("only root projects are allowed to act as domains.".into()));
        }
        let explicit = b.explicit_id.clone();
        if self.domains.iter().any(|d| d.name == name) || explicit.as_deref().is_some_and(|x| self.resource(x).is_some()) {
            return Err(domain_conflict(&name));
        }
        let id = explicit.unwrap_or_else(|| ids.hex());
        let mut options = Extra::new();
        merge_options(&mut options, b.options.as_ref());
        self.domains.push(Domain {
            id: id.clone(),
            name,
            description: b.description.unwrap_or(Some(String::new())),
            enabled: b.enabled.unwrap_or(true),
            tags: b.tags.unwrap_or_default().iter().map(|t| t.trim().to_string()).collect(),
            options,
            extra: b.extra,
        });
        Ok(id)
    }

    /// `PATCH /v3/projects/{id}`: a project, or a domain reached through the project API.
    pub fn update_project(&mut self, id: &str, b: ResourceBody) -> Result<(), E> {
        if b.id.as_ref().is_some_and(|x| !x.is_null() && x.as_str() != Some(id)) {
            return Err(E::BadRequest("Cannot change ID".into()));
        }
        match self.resource(id) {
            None => Err(E::not_found("project", id)),
            Some(Resource::Domain(_)) => self.update_domain(id, b),
            Some(Resource::Project(_)) => self.update_plain_project(id, b),
        }
    }

    fn update_plain_project(&mut self, id: &str, b: ResourceBody) -> Result<(), E> {
        let p = self.project(id).expect("checked by the caller");
        if b.domain_id.as_ref().is_some_and(|d| d.as_deref() != Some(p.domain_id.as_str())) {
            return Err(E::BadRequest("Cannot change Domain ID".into()));
        }
        if immutable(&p.options) && !allowed_on_immutable(&b) {
            return Err(immutable_update("project", id));
        }
        if b.parent_id.as_ref().is_some_and(|x| x.as_deref() != Some(p.parent())) {
            return Err(E::Forbidden("Update of `parent_id` is not allowed.".into()));
        }
        if b.is_domain == Some(true) {
            return Err(E::BadRequest("Update of `is_domain` is not allowed.".into()));
        }
        // Keystone reads a missing `enabled` as true here, so any update of a disabled project
        // checks its parents as an enable would.
        let enabling = b.enabled.unwrap_or(true);
        if !p.enabled && enabling {
            let disabled_parent =
                self.project_parents(id).iter().any(|a| matches!(self.resource(a), Some(Resource::Project(x)) if !x.enabled));
            if disabled_parent {
                return Err(E::Forbidden(format!("Cannot enable project {id} since it has disabled parents")));
            }
        }
        if p.enabled && b.enabled == Some(false) && self.project_subtree(id).iter().any(|c| c.enabled) {
            return Err(E::Forbidden(format!("Cannot disable project {id} since its subtree contains enabled projects.")));
        }
        let name = b.name.as_deref().map(|n| if n == p.name { n.to_string() } else { n.trim().to_string() });
        if let Some(n) = &name {
            if self.projects.iter().any(|o| o.id != id && o.domain_id == p.domain_id && &o.name == n) {
                return Err(project_conflict(n, id));
            }
        }
        let p = self.projects.iter_mut().find(|p| p.id == id).expect("checked above");
        if let Some(n) = name {
            p.name = n;
        }
        if let Some(d) = b.description {
            p.description = d;
        }
        if let Some(e) = b.enabled {
            p.enabled = e;
        }
        if let Some(t) = b.tags {
            p.tags = t.iter().map(|t| t.trim().to_string()).collect();
        }
        merge_options(&mut p.options, b.options.as_ref());
        p.extra.extend(b.extra);
        Ok(())
    }

    /// `PATCH /v3/domains/{id}` (and a domain's update through the project API). Disabling a domain
    /// is allowed whatever its projects; it stops every token of its users and projects.
    pub fn update_domain(&mut self, id: &str, b: ResourceBody) -> Result<(), E> {
        let d = self.domain(id).ok_or_else(|| E::not_found("domain", id))?;
        if b.domain_id.as_ref().is_some_and(|x| x.is_some()) {
            return Err(E::BadRequest("Cannot change Domain ID".into()));
        }
        if immutable(&d.options) && !allowed_on_immutable(&b) {
            return Err(immutable_update("domain", id));
        }
        if b.parent_id.as_ref().is_some_and(|x| x.is_some()) {
            return Err(E::Forbidden("Update of `parent_id` is not allowed.".into()));
        }
        if b.is_domain == Some(false) {
            return Err(E::BadRequest("Update of `is_domain` is not allowed.".into()));
        }
        let name = b.name.as_deref().map(|n| if n == d.name { n.to_string() } else { n.trim().to_string() });
        if let Some(n) = &name {
            if self.domains.iter().any(|o| o.id != id && &o.name == n) {
                return Err(domain_conflict(n));
            }
        }
        let d = self.domains.iter_mut().find(|d| d.id == id).expect("checked above");
        if let Some(n) = name {
            d.name = n;
        }
        if let Some(x) = b.description {
            d.description = x;
        }
        if let Some(e) = b.enabled {
            d.enabled = e;
        }
        if let Some(t) = b.tags {
            d.tags = t.iter().map(|t| t.trim().to_string()).collect();
        }
        merge_options(&mut d.options, b.options.as_ref());
        d.extra.extend(b.extra);
        Ok(())
    }

    /// `DELETE /v3/projects/{id}`: a leaf project, or a (disabled) domain through the project API.
    pub fn delete_project(&mut self, id: &str, now: SimTime) -> Result<(), E> {
        match self.resource(id) {
            None => Err(E::not_found("project", id)),
            Some(Resource::Domain(_)) => self.delete_domain(id, now),
            Some(Resource::Project(p)) => {
                if immutable(&p.options) {
                    return Err(immutable_delete("project", id));
                }
                if self.children(id).next().is_some() {
                    return Err(E::Forbidden(format!(
                        "Cannot delete the project {id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree."
                    )));
                }
                self.forget_project(id, now);
                Ok(())
            }
        }
    }

    /// A deleted project takes its role assignments, credentials and endpoint-filter associations
    /// with it, no user keeps it as default project, and the tokens scoped to it are revoked (with
    /// their revocation event).
    fn forget_project(&mut self, id: &str, now: SimTime) {
        self.projects.retain(|p| p.id != id);
        self.remove_grants_on(&Target::Project(id.to_string()));
        self.remove_credentials_on(id);
        for u in self.users.iter_mut().filter(|u| u.default_project_id.as_deref() == Some(id)) {
            u.default_project_id = None;
        }
        self.revoke_project_tokens(id, now);
        self.forget_endpoint_associations(Some(id), None);
        self.invalidate_catalog();
    }

    /// `DELETE /v3/domains/{id}`: only a disabled domain, and with it its projects (leaves first),
    /// groups, users, role assignments and its own roles.
    pub fn delete_domain(&mut self, id: &str, now: SimTime) -> Result<(), E> {
        let d = self.domain(id).ok_or_else(|| E::not_found("domain", id))?;
        if immutable(&d.options) {
            return Err(immutable_delete("domain", id));
        }
        if d.enabled {
            return Err(E::Forbidden("Cannot delete a domain that is enabled, please disable it first.".into()));
        }
        let mut doomed: Vec<String> = self.project_subtree(id).iter().map(|p| p.id.clone()).collect();
        doomed.reverse();
        for p in doomed {
            self.forget_project(&p, now);
        }
        let groups: Vec<String> = self.groups.iter().filter(|g| g.domain_id == id).map(|g| g.id.clone()).collect();
        for g in groups {
            self.forget_group(&g);
        }
        let users: Vec<String> = self.users.iter().filter(|u| u.domain_id == id).map(|u| u.id.clone()).collect();
        for u in users {
            self.forget_user(&u, now);
        }
        self.remove_grants_on(&Target::Domain(id.to_string()));
        self.remove_roles_of_domain(id);
        self.domain_configs.remove(id);
        self.domains.retain(|d| d.id != id);
        Ok(())
    }

    fn tags_of(&self, id: &str) -> Result<(&[String], bool), E> {
        match self.resource(id) {
            None => Err(E::not_found("project", id)),
            Some(Resource::Project(p)) => Ok((&p.tags, immutable(&p.options))),
            Some(Resource::Domain(d)) => Ok((&d.tags, immutable(&d.options))),
        }
    }

    /// A project's (or domain's) tags.
    pub fn project_tags(&self, id: &str) -> Result<Vec<String>, E> {
        Ok(self.tags_of(id)?.0.to_vec())
    }

    /// `GET /v3/projects/{id}/tags/{tag}`.
    pub fn check_project_tag(&self, id: &str, tag: &str) -> Result<(), E> {
        if self.tags_of(id)?.0.iter().any(|t| t == tag) {
            Ok(())
        } else {
            Err(E::not_found("project tag", tag))
        }
    }

    /// `PUT /v3/projects/{id}/tags`: the whole list (stripped), through the project update rules.
    pub fn replace_project_tags(&mut self, id: &str, tags: Vec<String>) -> Result<Vec<String>, E> {
        if self.tags_of(id)?.1 {
            return Err(immutable_tags("update", id));
        }
        let tags: Vec<String> = tags.iter().map(|t| t.trim().to_string()).collect();
        self.update_project(id, ResourceBody { tags: Some(tags.clone()), ..Default::default() })?;
        Ok(tags)
    }

    /// `PUT /v3/projects/{id}/tags/{tag}`: the request layer has checked the tag and the list it makes.
    pub fn add_project_tag(&mut self, id: &str, tag: &str) -> Result<(), E> {
        let (tags, frozen) = self.tags_of(id)?;
        if frozen {
            return Err(immutable_tags("create", id));
        }
        let mut tags = tags.to_vec();
        tags.push(tag.trim().to_string());
        self.update_project(id, ResourceBody { tags: Some(tags), ..Default::default() })
    }

    /// `DELETE /v3/projects/{id}/tags/{tag}`.
    pub fn remove_project_tag(&mut self, id: &str, tag: &str) -> Result<(), E> {
        let (tags, frozen) = self.tags_of(id)?;
        if frozen {
            return Err(immutable_tags("delete", id));
        }
        let pos = tags.iter().position(|t| t == tag).ok_or_else(|| E::not_found("project tag", tag))?;
        let mut tags = tags.to_vec();
        tags.remove(pos);
        // Keystone writes the whole project back here, `enabled` included.
        let enabled = match self.resource(id) {
            Some(Resource::Project(p)) => p.enabled,
            Some(Resource::Domain(d)) => d.enabled,
            None => true,
        };
        self.update_project(id, ResourceBody { tags: Some(tags), enabled: Some(enabled), ..Default::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::Fixture;
    use serde_json::json;

    fn setup() -> (Identity, Ids) {
        let mut ids = Ids::new(0);
        (Identity::from_fixture(&Fixture::default_cloud(), &mut ids).unwrap(), ids)
    }

    fn body(v: Value) -> ResourceBody {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_refused_create_draws_no_id() {
        let (mut idn, mut ids) = setup();
        let before = serde_json::to_string(&ids).unwrap();
        let e = idn.create_project(&mut ids, body(json!({"name": "demo"})), None).unwrap_err();
        assert!(matches!(e, E::Conflict(_)), "{e:?}");
        assert_eq!(serde_json::to_string(&ids).unwrap(), before, "the seeded ids are where they were");
    }

    #[test]
    fn parents_run_up_to_the_domain_and_the_subtree_down_level_by_level() {
        let (mut idn, mut ids) = setup();
        let a = idn.create_project(&mut ids, body(json!({"name": "a"})), None).unwrap();
        let b = idn.create_project(&mut ids, body(json!({"name": "b", "parent_id": a})), None).unwrap();
        let c = idn.create_project(&mut ids, body(json!({"name": "c", "parent_id": b})), None).unwrap();
        let d = idn.create_project(&mut ids, body(json!({"name": "d", "parent_id": a})), None).unwrap();
        assert_eq!(idn.project_parents(&c), [b.clone(), a.clone(), "default".to_string()]);
        let below: Vec<&str> = idn.project_subtree(&a).iter().map(|p| p.id.as_str()).collect();
        assert_eq!(below, [b.as_str(), d.as_str(), c.as_str()]);
    }

    #[test]
    fn a_deleted_domain_takes_its_whole_tree_and_its_grants() {
        let (mut idn, mut ids) = setup();
        let dom = idn.create_project(&mut ids, body(json!({"name": "acme", "is_domain": true, "enabled": false})), None).unwrap();
        let a = idn.create_project(&mut ids, body(json!({"name": "a", "domain_id": dom})), None);
        assert!(matches!(a, Err(E::BadRequest(m)) if m.contains("disabled project")), "a disabled domain takes no projects");
        idn.update_domain(&dom, body(json!({"enabled": true}))).unwrap();
        let a = idn.create_project(&mut ids, body(json!({"name": "a", "domain_id": dom})), None).unwrap();
        idn.create_project(&mut ids, body(json!({"name": "b", "domain_id": dom, "parent_id": a})), None).unwrap();
        idn.update_domain(&dom, body(json!({"enabled": false}))).unwrap();
        idn.delete_domain(&dom, chrono::DateTime::UNIX_EPOCH).unwrap();
        assert!(idn.projects.iter().all(|p| p.domain_id != dom) && idn.domain(&dom).is_none());
    }
}
