//! The metadata definitions catalog (glance/api/v2/metadef_*.py): namespaces, each with its
//! resource type associations, properties, objects and tags. Writes are admin-only (by policy);
//! a private namespace is seen by its owner and admin only; a protected one cannot be deleted.

use super::error::ImageError;
use crate::sim::SimTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The resource types Glance's metadefs know out of the box (glance/db/sqlalchemy/metadata's
/// seeded `metadef_resource_types`).
pub const RESOURCE_TYPES: &[&str] =
    &["OS::Glance::Image", "OS::Cinder::Volume", "OS::Nova::Flavor", "OS::Nova::Aggregate", "OS::Nova::Server", "OS::Trove::Instance"];

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Metadefs {
    pub namespaces: Vec<Namespace>,
}

/// A named entry with its times (resource types, tags).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Stamped {
    pub name: String,
    pub created_at: SimTime,
    pub updated_at: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Association {
    pub name: String,
    pub prefix: Option<String>,
    pub properties_target: Option<String>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
}

/// A property or an object: its JSON definition as the client gave it (with `name`), and times.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Definition {
    pub name: String,
    pub body: Map<String, Value>,
    pub created_at: SimTime,
    pub updated_at: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Namespace {
    pub namespace: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub visibility: String,
    pub protected: bool,
    pub owner: String,
    pub created_at: SimTime,
    pub updated_at: SimTime,
    pub associations: Vec<Association>,
    pub properties: Vec<Definition>,
    pub objects: Vec<Definition>,
    pub tags: Vec<Stamped>,
}

/// The namespace's own fields, as a create or update body gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct NamespaceFields {
    pub namespace: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub visibility: Option<String>,
    pub protected: Option<bool>,
    pub owner: Option<String>,
}

fn schema_error(what: &str, reason: impl std::fmt::Display) -> ImageError {
    ImageError::BadRequest(format!("Provided object does not match schema '{what}': {reason}"))
}

fn name_of(body: &Value, what: &str, key: &str) -> Result<String, ImageError> {
    match body.get(key) {
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= 80 => Ok(s.clone()),
        Some(Value::String(s)) if s.is_empty() => Err(schema_error(what, "'' is too short")),
        Some(Value::String(s)) => Err(schema_error(what, format!("'{s}' is too long"))),
        Some(other) => Err(schema_error(what, format!("{other} is not of type 'string'"))),
        None => Err(schema_error(what, format!("'{key}' is a required property"))),
    }
}

impl NamespaceFields {
    /// A `metadefs/namespace` body (the nested definitions it may carry are read separately).
    pub fn from_json(body: &Value) -> Result<NamespaceFields, ImageError> {
        let obj = body.as_object().ok_or_else(|| ImageError::BadRequest("Body expected in request.".into()))?;
        let text = |key: &str| -> Result<Option<String>, ImageError> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(schema_error("namespace", format!("{other} is not of type 'string'"))),
            }
        };
        let visibility = text("visibility")?;
        if let Some(v) = &visibility {
            if v != "public" && v != "private" {
                return Err(schema_error("namespace", format!("'{v}' is not one of ['public', 'private']")));
            }
        }
        let protected = match obj.get("protected") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => return Err(schema_error("namespace", format!("{other} is not of type 'boolean'"))),
        };
        for key in obj.keys() {
            let known = [
                "namespace",
                "display_name",
                "description",
                "visibility",
                "protected",
                "owner",
                "resource_type_associations",
                "properties",
                "objects",
                "tags",
                "created_at",
                "updated_at",
                "self",
                "schema",
            ];
            if !known.contains(&key.as_str()) {
                return Err(schema_error("namespace", format!("Additional properties are not allowed ('{key}' was unexpected)")));
            }
        }
        Ok(NamespaceFields {
            namespace: name_of(body, "namespace", "namespace")?,
            display_name: text("display_name")?,
            description: text("description")?,
            visibility,
            protected,
            owner: text("owner")?,
        })
    }
}

/// The members a property definition may have (Glance's metadef property schema).
const PROPERTY_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "operators",
    "type",
    "required",
    "minimum",
    "maximum",
    "maxLength",
    "minLength",
    "pattern",
    "enum",
    "readonly",
    "default",
    "items",
    "maxItems",
    "minItems",
    "uniqueItems",
    "additionalItems",
];
const OBJECT_KEYS: &[&str] = &["name", "description", "required", "properties"];

/// A property or object body: an object with a `name` (and, for a property, a `title` and a `type`).
pub fn definition_body(body: &Value, what: &str) -> Result<(String, Map<String, Value>), ImageError> {
    let obj = body.as_object().ok_or_else(|| ImageError::BadRequest("Body expected in request.".into()))?;
    let name = name_of(body, what, "name")?;
    let allowed: &[&str] = if what == "property" { PROPERTY_KEYS } else { OBJECT_KEYS };
    if let Some(k) =
        obj.keys().find(|k| !allowed.contains(&k.as_str()) && !["created_at", "updated_at", "self", "schema"].contains(&k.as_str()))
    {
        return Err(schema_error(what, format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    if what == "object" {
        if obj.get("properties").is_some_and(|p| !p.is_object()) {
            return Err(schema_error(what, "'properties' is not of type 'object'"));
        }
        if obj.get("required").is_some_and(|p| !p.is_array()) {
            return Err(schema_error(what, "'required' is not of type 'array'"));
        }
        if obj.get("description").is_some_and(|p| !p.is_string()) {
            return Err(schema_error(what, "'description' is not of type 'string'"));
        }
    }
    if what == "property" {
        for key in ["title", "type"] {
            if !obj.contains_key(key) {
                return Err(schema_error(what, format!("'{key}' is a required property")));
            }
        }
        if let Some(t) = obj.get("type") {
            let types = ["array", "boolean", "integer", "number", "object", "string"];
            if !t.as_str().is_some_and(|t| types.contains(&t)) {
                return Err(schema_error(what, format!("{t} is not one of {types:?}")));
            }
        }
        if !obj["title"].is_string() {
            return Err(schema_error(what, format!("{} is not of type 'string'", obj["title"])));
        }
        if obj.get("enum").is_some_and(|e| !e.is_array()) {
            return Err(schema_error(what, "'enum' is not of type 'array'"));
        }
    }
    let mut body = obj.clone();
    body.remove("name");
    for key in ["created_at", "updated_at", "self", "schema"] {
        body.remove(key);
    }
    Ok((name, body))
}

/// A tag's name from `{"name": ...}`.
pub fn tag_body(body: &Value) -> Result<String, ImageError> {
    let name = name_of(body, "tag", "name")?;
    if let Some(k) = body.as_object().and_then(|o| o.keys().find(|k| !["name", "created_at", "updated_at"].contains(&k.as_str()))) {
        return Err(schema_error("tag", format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    Ok(name)
}

/// `{"tags": [{"name": ...}, ...]}`: the names, in order.
pub fn tags_body(body: &Value) -> Result<Vec<String>, ImageError> {
    let obj = body.as_object().ok_or_else(|| ImageError::BadRequest("Body expected in request.".into()))?;
    if let Some(k) = obj.keys().find(|k| k.as_str() != "tags") {
        return Err(schema_error("tags", format!("Additional properties are not allowed ('{k}' was unexpected)")));
    }
    let list = obj.get("tags").and_then(Value::as_array).ok_or_else(|| schema_error("tags", "'tags' is a required property"))?;
    list.iter().map(tag_body).collect()
}

fn ns_not_found(ns: &str) -> ImageError {
    ImageError::NotFound(format!("Metadata definition namespace={ns} was not found."))
}

impl Metadefs {
    /// Glance's seeded resource types (the API creates none; associating names one of them).
    pub fn resource_types(&self, now: SimTime) -> Vec<Stamped> {
        RESOURCE_TYPES.iter().map(|n| Stamped { name: n.to_string(), created_at: now, updated_at: now }).collect()
    }

    /// The namespaces the caller can see: public ones, its project's, and all for admin.
    pub fn visible(&self, project_id: Option<&str>, admin: bool) -> Vec<&Namespace> {
        self.namespaces.iter().filter(|n| admin || n.visibility == "public" || project_id == Some(n.owner.as_str())).collect()
    }

    pub fn get(&self, ns: &str, project_id: Option<&str>, admin: bool) -> Result<&Namespace, ImageError> {
        self.visible(project_id, admin).into_iter().find(|n| n.namespace == ns).ok_or_else(|| ns_not_found(ns))
    }

    fn get_mut(&mut self, ns: &str, project_id: Option<&str>, admin: bool) -> Result<&mut Namespace, ImageError> {
        self.get(ns, project_id, admin)?;
        Ok(self.namespaces.iter_mut().find(|n| n.namespace == ns).expect("found above"))
    }

    /// `POST /v2/metadefs/namespaces`, with any associations, properties, objects and tags given.
    pub fn create_namespace(&mut self, f: NamespaceFields, body: &Value, project_id: &str, now: SimTime) -> Result<&Namespace, ImageError> {
        if self.namespaces.iter().any(|n| n.namespace == f.namespace) {
            return Err(ImageError::Conflict(format!("Metadata definition namespace={} already exists.", f.namespace)));
        }
        let mut ns = Namespace {
            namespace: f.namespace,
            display_name: f.display_name,
            description: f.description,
            visibility: f.visibility.unwrap_or_else(|| "private".into()),
            protected: f.protected.unwrap_or(false),
            owner: f.owner.unwrap_or_else(|| project_id.to_string()),
            created_at: now,
            updated_at: now,
            associations: Vec::new(),
            properties: Vec::new(),
            objects: Vec::new(),
            tags: Vec::new(),
        };
        let known: Vec<String> = self.resource_types(now).into_iter().map(|r| r.name).collect();
        for a in body.get("resource_type_associations").and_then(Value::as_array).into_iter().flatten() {
            let name = name_of(a, "resource_type_association", "name")?;
            if !known.contains(&name) {
                return Err(ImageError::NotFound(format!("Metadata definition resource-type={name} was not found.")));
            }
            let text = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_string);
            ns.associations.push(Association {
                name,
                prefix: text("prefix"),
                properties_target: text("properties_target"),
                created_at: now,
                updated_at: now,
            });
        }
        if let Some(props) = body.get("properties").and_then(Value::as_object) {
            for (name, def) in props {
                let mut def = def.clone();
                def["name"] = Value::String(name.clone());
                let (name, body) = definition_body(&def, "property")?;
                ns.properties.push(Definition { name, body, created_at: now, updated_at: now });
            }
        }
        for o in body.get("objects").and_then(Value::as_array).into_iter().flatten() {
            let (name, body) = definition_body(o, "object")?;
            ns.objects.push(Definition { name, body, created_at: now, updated_at: now });
        }
        for t in body.get("tags").and_then(Value::as_array).into_iter().flatten() {
            ns.tags.push(Stamped { name: tag_body(t)?, created_at: now, updated_at: now });
        }
        self.namespaces.push(ns);
        Ok(self.namespaces.last().expect("just pushed"))
    }

    /// `PUT /v2/metadefs/namespaces/{ns}`: the namespace's own fields (a rename included).
    pub fn update_namespace(
        &mut self,
        ns: &str,
        f: NamespaceFields,
        project_id: Option<&str>,
        admin: bool,
        now: SimTime,
    ) -> Result<&Namespace, ImageError> {
        if f.namespace != ns && self.namespaces.iter().any(|n| n.namespace == f.namespace) {
            return Err(ImageError::Conflict(format!("Metadata definition namespace={} already exists.", f.namespace)));
        }
        let n = self.get_mut(ns, project_id, admin)?;
        n.namespace = f.namespace;
        n.display_name = f.display_name;
        n.description = f.description;
        if let Some(v) = f.visibility {
            n.visibility = v;
        }
        if let Some(p) = f.protected {
            n.protected = p;
        }
        if let Some(o) = f.owner {
            n.owner = o;
        }
        n.updated_at = now;
        Ok(n)
    }

    /// `DELETE /v2/metadefs/namespaces/{ns}`: refused while protected.
    pub fn delete_namespace(&mut self, ns: &str, project_id: Option<&str>, admin: bool) -> Result<(), ImageError> {
        if self.get(ns, project_id, admin)?.protected {
            return Err(ImageError::Forbidden(format!("Namespace {ns} is protected and cannot be deleted.")));
        }
        self.namespaces.retain(|n| n.namespace != ns);
        Ok(())
    }

    /// `POST /v2/metadefs/namespaces/{ns}/resource_types`.
    pub fn associate(
        &mut self,
        ns: &str,
        body: &Value,
        project_id: Option<&str>,
        admin: bool,
        now: SimTime,
    ) -> Result<Association, ImageError> {
        let name = name_of(body, "resource_type_association", "name")?;
        let fields = ["name", "prefix", "properties_target", "created_at", "updated_at"];
        if let Some(k) = body.as_object().and_then(|o| o.keys().find(|k| !fields.contains(&k.as_str()))) {
            return Err(schema_error("resource_type_association", format!("Additional properties are not allowed ('{k}' was unexpected)")));
        }
        for k in ["prefix", "properties_target"] {
            if body.get(k).is_some_and(|v| !v.is_string()) {
                return Err(schema_error("resource_type_association", format!("{} is not of type 'string'", body[k])));
            }
        }
        let known: Vec<String> = self.resource_types(now).into_iter().map(|r| r.name).collect();
        let n = self.get_mut(ns, project_id, admin)?;
        if !known.contains(&name) {
            return Err(ImageError::NotFound(format!("Metadata definition resource-type={name} was not found.")));
        }
        if n.associations.iter().any(|a| a.name == name) {
            return Err(ImageError::Conflict(format!(
                "The metadata definition resource-type association of resource-type={name} to namespace={ns}, already exists."
            )));
        }
        let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
        let a =
            Association { name, prefix: text("prefix"), properties_target: text("properties_target"), created_at: now, updated_at: now };
        n.associations.push(a.clone());
        n.updated_at = now;
        Ok(a)
    }

    /// `DELETE /v2/metadefs/namespaces/{ns}/resource_types/{name}`.
    pub fn dissociate(&mut self, ns: &str, name: &str, project_id: Option<&str>, admin: bool) -> Result<(), ImageError> {
        let n = self.get_mut(ns, project_id, admin)?;
        let at = n.associations.iter().position(|a| a.name == name).ok_or_else(|| {
            ImageError::NotFound(format!(
                "The metadata definition resource-type association of resource-type={name} to namespace={ns}, was not found."
            ))
        })?;
        n.associations.remove(at);
        Ok(())
    }

    /// The properties (`objects: false`) or objects (`objects: true`) of a namespace.
    pub fn definitions(&self, ns: &str, objects: bool, project_id: Option<&str>, admin: bool) -> Result<&Vec<Definition>, ImageError> {
        let n = self.get(ns, project_id, admin)?;
        Ok(if objects { &n.objects } else { &n.properties })
    }

    pub fn definition(
        &self,
        ns: &str,
        objects: bool,
        name: &str,
        project_id: Option<&str>,
        admin: bool,
    ) -> Result<&Definition, ImageError> {
        self.definitions(ns, objects, project_id, admin)?.iter().find(|d| d.name == name).ok_or_else(|| def_not_found(objects, name, ns))
    }

    /// Creates (`old: None`) or replaces (`old: Some(name)`, a rename allowed) a property or object.
    #[allow(clippy::too_many_arguments)]
    pub fn put_definition(
        &mut self,
        ns: &str,
        objects: bool,
        old: Option<&str>,
        name: String,
        body: Map<String, Value>,
        project_id: Option<&str>,
        admin: bool,
        now: SimTime,
    ) -> Result<&Definition, ImageError> {
        let n = self.get_mut(ns, project_id, admin)?;
        let list = if objects { &mut n.objects } else { &mut n.properties };
        let kind = if objects { "object" } else { "property" };
        let clash = list.iter().any(|d| d.name == name && Some(d.name.as_str()) != old);
        if clash {
            return Err(ImageError::Conflict(format!("A metadata definition {kind} with name={name} already exists in namespace={ns}.")));
        }
        let at = match old {
            None => {
                list.push(Definition { name, body, created_at: now, updated_at: now });
                list.len() - 1
            }
            Some(old) => {
                let at = list.iter().position(|d| d.name == old).ok_or_else(|| def_not_found(objects, old, ns))?;
                list[at] = Definition { name, body, created_at: list[at].created_at, updated_at: now };
                at
            }
        };
        n.updated_at = now;
        Ok(if objects { &n.objects[at] } else { &n.properties[at] })
    }

    pub fn delete_definition(
        &mut self,
        ns: &str,
        objects: bool,
        name: &str,
        project_id: Option<&str>,
        admin: bool,
    ) -> Result<(), ImageError> {
        let n = self.get_mut(ns, project_id, admin)?;
        let list = if objects { &mut n.objects } else { &mut n.properties };
        let at = list.iter().position(|d| d.name == name).ok_or_else(|| def_not_found(objects, name, ns))?;
        list.remove(at);
        Ok(())
    }

    pub fn tags(&self, ns: &str, project_id: Option<&str>, admin: bool) -> Result<&Vec<Stamped>, ImageError> {
        Ok(&self.get(ns, project_id, admin)?.tags)
    }

    /// `POST /v2/metadefs/namespaces/{ns}/tags`: the given tags replace the namespace's (or are
    /// added to them with `X-Openstack-Append: True`); a name given twice is a 409.
    pub fn set_tags(
        &mut self,
        ns: &str,
        names: Vec<String>,
        append: bool,
        project_id: Option<&str>,
        admin: bool,
        now: SimTime,
    ) -> Result<Vec<Stamped>, ImageError> {
        let n = self.get_mut(ns, project_id, admin)?;
        let mut tags = if append { n.tags.clone() } else { Vec::new() };
        for name in names {
            if tags.iter().any(|t| t.name == name) {
                return Err(ImageError::Conflict(format!("A metadata tag with name={name} already exists in namespace={ns}.")));
            }
            tags.push(Stamped { name, created_at: now, updated_at: now });
        }
        n.tags = tags.clone();
        n.updated_at = now;
        Ok(tags)
    }

    /// Creates (`old: None`) or renames (`old: Some`) one tag.
    pub fn put_tag(
        &mut self,
        ns: &str,
        old: Option<&str>,
        name: String,
        project_id: Option<&str>,
        admin: bool,
        now: SimTime,
    ) -> Result<Stamped, ImageError> {
        let n = self.get_mut(ns, project_id, admin)?;
        if n.tags.iter().any(|t| t.name == name && Some(t.name.as_str()) != old) {
            return Err(ImageError::Conflict(format!("A metadata tag with name={name} already exists in namespace={ns}.")));
        }
        let tag = match old {
            None => {
                n.tags.push(Stamped { name, created_at: now, updated_at: now });
                n.tags.last().expect("just pushed").clone()
            }
            Some(old) => {
                let t = n.tags.iter_mut().find(|t| t.name == old).ok_or_else(|| tag_not_found(old, ns))?;
                t.name = name;
                t.updated_at = now;
                t.clone()
            }
        };
        n.updated_at = now;
        Ok(tag)
    }

    pub fn tag(&self, ns: &str, name: &str, project_id: Option<&str>, admin: bool) -> Result<&Stamped, ImageError> {
        self.tags(ns, project_id, admin)?.iter().find(|t| t.name == name).ok_or_else(|| tag_not_found(name, ns))
    }

    pub fn delete_tag(&mut self, ns: &str, name: Option<&str>, project_id: Option<&str>, admin: bool) -> Result<(), ImageError> {
        let n = self.get_mut(ns, project_id, admin)?;
        match name {
            None => n.tags.clear(),
            Some(name) => {
                let at = n.tags.iter().position(|t| t.name == name).ok_or_else(|| tag_not_found(name, ns))?;
                n.tags.remove(at);
            }
        }
        Ok(())
    }
}

fn def_not_found(objects: bool, name: &str, ns: &str) -> ImageError {
    let kind = if objects { "object" } else { "property" };
    ImageError::NotFound(format!("The metadata definition {kind} with name={name} was not found in namespace={ns}."))
}

fn tag_not_found(name: &str, ns: &str) -> ImageError {
    ImageError::NotFound(format!("The metadata definition tag with name={name} was not found in namespace={ns}."))
}
