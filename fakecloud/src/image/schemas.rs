//! `GET /v2/schemas/...`: the JSON schemas Glance publishes for its documents (images, members,
//! tasks and the metadefs family), each a collection schema wrapping its item schema as Glance's
//! `glance.schema.CollectionSchema` does.

use super::request::{CONTAINER_FORMATS, DISK_FORMATS, STATUSES, VISIBILITIES};
use super::tasks::TASK_TYPES;
use serde_json::{json, Value};

/// The item schemas by route name, and the collection that lists each (name, item, collection key).
pub const COLLECTIONS: &[(&str, &str, &str)] = &[
    ("images", "image", "images"),
    ("members", "member", "members"),
    ("tasks", "task", "tasks"),
    ("metadefs/namespaces", "metadefs/namespace", "namespaces"),
    ("metadefs/objects", "metadefs/object", "objects"),
    ("metadefs/properties", "metadefs/property", "properties"),
    ("metadefs/resource_types", "metadefs/resource_type", "resource_type_associations"),
    ("metadefs/tags", "metadefs/tag", "tags"),
];

fn nullable(kind: &str) -> Value {
    json!({"type": [kind, "null"]})
}

fn with(mut v: Value, key: &str, extra: Value) -> Value {
    v[key] = extra;
    v
}

fn described(mut v: Value, description: &str) -> Value {
    v["description"] = json!(description);
    v
}

fn time(description: &str) -> Value {
    json!({"type": "string", "readOnly": true, "description": description, "format": "date-time"})
}

/// The link templates of an item schema (an image also links its data as `enclosure`).
fn links(kind: &str) -> Value {
    let mut l = vec![json!({"rel": "self", "href": "{self}"})];
    if kind == "image" {
        l.push(json!({"rel": "enclosure", "href": "{file}"}));
    }
    l.push(json!({"rel": "describedby", "href": "{schema}"}));
    Value::Array(l)
}

fn image() -> Value {
    let uuid = "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";
    json!({
        "name": "image",
        "additionalProperties": {"type": "string"},
        "links": links("image"),
        "properties": {
            "id": {"type": "string", "pattern": uuid, "description": "An identifier for the image"},
            "name": described(with(nullable("string"), "maxLength", json!(255)), "Descriptive name for the image"),
            "status": {"type": "string", "readOnly": true, "enum": STATUSES, "description": "Status of the image"},
            "visibility": {"type": "string", "enum": VISIBILITIES, "description": "Scope of image accessibility"},
            "protected": {"type": "boolean", "description": "If true, image will not be deletable."},
            "os_hidden": {"type": "boolean", "description": "If true, image will not appear in default image list response."},
            "checksum": described(with(with(nullable("string"), "readOnly", json!(true)), "maxLength", json!(32)), "md5 hash of image contents."),
            "os_hash_algo": described(with(with(nullable("string"), "readOnly", json!(true)), "maxLength", json!(64)), "Algorithm to calculate the os_hash_value"),
            "os_hash_value": described(with(with(nullable("string"), "readOnly", json!(true)), "maxLength", json!(128)), "Hexdigest of the image contents using the algorithm specified by the os_hash_algo"),
            "owner": described(with(nullable("string"), "maxLength", json!(255)), "Owner of the image"),
            "size": described(with(nullable("integer"), "readOnly", json!(true)), "Size of image file in bytes"),
            "virtual_size": described(with(nullable("integer"), "readOnly", json!(true)), "Virtual size of image in bytes"),
            "container_format": {"type": ["null", "string"], "enum": CONTAINER_FORMATS.iter().map(|f| json!(f)).chain([Value::Null]).collect::<Vec<_>>(), "description": "Format of the container"},
            "disk_format": {"type": ["null", "string"], "enum": DISK_FORMATS.iter().map(|f| json!(f)).chain([Value::Null]).collect::<Vec<_>>(), "description": "Format of the disk"},
            "created_at": time("Date and time of image registration"),
            "updated_at": time("Date and time of the last image modification"),
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 255}, "description": "List of strings related to the image"},
            "direct_url": {"type": "string", "readOnly": true, "description": "URL to access the image file kept in external store"},
            "min_ram": {"type": "integer", "description": "Amount of ram (in MB) required to boot image."},
            "min_disk": {"type": "integer", "description": "Amount of disk space (in GB) required to boot image."},
            "self": {"type": "string", "readOnly": true, "description": "An image self url"},
            "file": {"type": "string", "readOnly": true, "description": "An image file url"},
            "stores": {"type": "string", "readOnly": true, "description": "Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers."},
            "schema": {"type": "string", "readOnly": true, "description": "An image schema url"},
            "locations": {"type": "array", "items": {"type": "object", "properties": {"url": {"type": "string", "maxLength": 255}, "metadata": {"type": "object"}, "validation_data": {"type": "object"}}, "required": ["url", "metadata"]}, "description": "A set of URLs to access the image file kept in external store"},
            "kernel_id": described(with(nullable("string"), "pattern", json!(uuid)), "ID of image stored in Glance that should be used as the kernel when booting an AMI-style image."),
            "ramdisk_id": described(with(nullable("string"), "pattern", json!(uuid)), "ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image."),
            "instance_uuid": {"type": "string", "description": "Metadata which can be used to record which instance this image is associated with."},
            "architecture": {"type": "string", "description": "Operating system architecture"},
            "os_distro": {"type": "string", "description": "Common name of operating system distribution"},
            "os_version": {"type": "string", "description": "Operating system version as specified by the distributor"},
        },
    })
}

fn member() -> Value {
    json!({
        "name": "member",
        "properties": {
            "member_id": {"type": "string", "description": "An identifier for the image member (tenantId)"},
            "image_id": {"type": "string", "pattern": "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$", "description": "An identifier for the image"},
            "created_at": time("Date and time of image member creation"),
            "updated_at": time("Date and time of last modification of image member"),
            "status": {"type": "string", "enum": super::model::MEMBER_STATUSES, "description": "The status of this image member"},
            "schema": {"type": "string", "readOnly": true},
        },
    })
}

fn task() -> Value {
    json!({
        "name": "task",
        "properties": {
            "id": {"type": "string", "pattern": "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$", "description": "An identifier for the task"},
            "type": {"type": "string", "enum": TASK_TYPES, "description": "The type of task represented by this content"},
            "status": {"type": "string", "enum": ["pending", "processing", "success", "failure"], "description": "The current status of this task"},
            "input": {"type": ["null", "object"], "description": "The parameters required by task, JSON blob"},
            "result": {"type": ["null", "object"], "description": "The result of current task, JSON blob"},
            "owner": {"type": "string", "description": "An identifier for the owner of this task"},
            "message": {"type": "string", "description": "Human-readable informative message only included when appropriate (usually on failure)"},
            "image_id": {"type": "string", "readOnly": true, "description": "Image associated with the task"},
            "request_id": {"type": "string", "readOnly": true, "description": "Human-readable informative request-id"},
            "user_id": {"type": "string", "readOnly": true, "description": "User associated with the task"},
            "expires_at": {"type": ["null", "string"], "description": "Datetime when this resource would be subject to removal"},
            "created_at": time("Datetime when this resource was created"),
            "updated_at": time("Datetime when this resource was updated"),
            "self": {"type": "string"},
            "schema": {"type": "string"},
        },
        "required": ["type", "input"],
        "links": links("task"),
    })
}

fn stamps() -> Value {
    json!({"created_at": time("Date and time of creation"), "updated_at": time("Date and time of the last modification")})
}

fn merged(a: Value, b: Value) -> Value {
    let mut out = a.as_object().cloned().unwrap_or_default();
    out.extend(b.as_object().cloned().unwrap_or_default());
    Value::Object(out)
}

fn property_definition() -> Value {
    json!({
        "name": {"type": "string", "maxLength": 255},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "operators": {"type": "array", "items": {"type": "string"}},
        "type": {"type": "string", "enum": ["array", "boolean", "integer", "number", "object", "string", null]},
        "required": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
        "minimum": {"type": "number"},
        "maximum": {"type": "number"},
        "maxLength": {"type": "integer", "minimum": 0},
        "minLength": {"type": "integer", "minimum": 0},
        "pattern": {"type": "string", "format": "regex"},
        "enum": {"type": "array"},
        "readonly": {"type": "boolean"},
        "default": {},
        "items": {"type": "object"},
        "maxItems": {"type": "integer", "minimum": 0},
        "minItems": {"type": "integer", "minimum": 0},
        "uniqueItems": {"type": "boolean", "default": false},
        "additionalItems": {"type": "boolean"},
    })
}

fn metadef(name: &str) -> Value {
    match name {
        "metadefs/namespace" => json!({
            "name": "namespace",
            "additionalProperties": false,
            "required": ["namespace"],
            "properties": merged(json!({
                "namespace": {"type": "string", "maxLength": 80, "description": "The unique namespace text."},
                "display_name": {"type": "string", "maxLength": 80, "description": "The user friendly name for the namespace."},
                "description": {"type": "string", "maxLength": 500, "description": "Provides a user friendly description of the namespace."},
                "visibility": {"type": "string", "enum": ["public", "private"], "description": "Scope of namespace accessibility."},
                "protected": {"type": "boolean", "description": "If true, namespace will not be deletable."},
                "owner": {"type": "string", "maxLength": 255, "description": "Owner of the namespace."},
                "schema": {"type": "string", "readOnly": true},
                "self": {"type": "string", "readOnly": true},
                "resource_type_associations": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "prefix": {"type": "string"}, "properties_target": {"type": "string"}}}},
                "properties": {"type": "object", "additionalProperties": {"type": "object", "properties": property_definition()}},
                "objects": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "description": {"type": "string"}, "required": {"type": "array"}, "properties": {"type": "object"}}}},
                "tags": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
            }), stamps()),
        }),
        "metadefs/object" => json!({
            "name": "object",
            "additionalProperties": false,
            "required": ["name"],
            "properties": merged(json!({
                "name": {"type": "string", "maxLength": 80},
                "description": {"type": "string"},
                "required": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                "properties": {"type": "object", "additionalProperties": {"type": "object", "properties": property_definition()}},
                "schema": {"type": "string", "readOnly": true},
                "self": {"type": "string", "readOnly": true},
            }), stamps()),
        }),
        "metadefs/property" => json!({
            "name": "property",
            "additionalProperties": false,
            "required": ["name", "title", "type"],
            "properties": property_definition(),
        }),
        "metadefs/resource_type" => json!({
            "name": "resource_type_association",
            "additionalProperties": false,
            "required": ["name"],
            "properties": merged(json!({
                "name": {"type": "string", "maxLength": 80, "description": "Resource type names should be aligned with Heat resource types whenever possible."},
                "prefix": {"type": "string", "maxLength": 80, "description": "Specifies the prefix to use for the given resource type."},
                "properties_target": {"type": "string", "maxLength": 80, "description": "Some resource types allow more than one key / value pair per instance."},
            }), stamps()),
        }),
        _ => json!({
            "name": "tag",
            "additionalProperties": false,
            "required": ["name"],
            "properties": merged(json!({"name": {"type": "string", "maxLength": 255}}), stamps()),
        }),
    }
}

/// The schema named by the path after `/v2/schemas/`, if Glance publishes one by that name.
pub fn schema(name: &str) -> Option<Value> {
    let item = |n: &str| -> Option<Value> {
        match n {
            "image" => Some(image()),
            "member" => Some(member()),
            "task" => Some(task()),
            "metadefs/namespace" | "metadefs/object" | "metadefs/property" | "metadefs/resource_type" | "metadefs/tag" => Some(metadef(n)),
            _ => None,
        }
    };
    if let Some(v) = item(name) {
        return Some(v);
    }
    let (_, item_name, key) = COLLECTIONS.iter().find(|(c, _, _)| *c == name)?;
    let short = name.rsplit('/').next().unwrap_or(name);
    let mut v = json!({
        "name": short,
        "properties": {
            *key: {"type": "array", "items": item(item_name)?},
            "schema": {"type": "string"},
            "first": {"type": "string"},
            "next": {"type": "string"},
        },
        "links": [{"rel": "first", "href": "{first}"}, {"rel": "next", "href": "{next}"}, {"rel": "describedby", "href": "{schema}"}],
    });
    if *key == "properties" {
        // A namespace's properties are a map of name to definition, not a list.
        v["properties"][*key] = json!({"type": "object", "additionalProperties": item(item_name)?});
    }
    if short == "resource_types" {
        v["name"] = json!("resource_type_associations");
    }
    Some(v)
}
