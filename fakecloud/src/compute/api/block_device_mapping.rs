//! A server create's `block_device_mapping_v2` (and the legacy `block_device_mapping`): Nova's
//! schema for the request's microversion (`tag` from 2.42, `volume_type` from 2.67), then the
//! checks of `BlockDeviceDict.from_api` and the compute API's `_validate_bdm`, in Nova's words.

use super::common::{bad, check_schema, parse_bool};
use crate::flows::volume_attachments::{BootVolume, BootVolumeSource};
use crate::http::error::ApiError;
use crate::http::microversion::Version;
use serde_json::{json, Value};

fn boolean() -> Value {
    json!({"type": ["boolean", "string"], "enum": [true, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
                                                  false, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"]})
}

/// `_legacy_block_device_mapping`'s properties.
fn legacy_properties() -> serde_json::Map<String, Value> {
    let props = json!({
        "virtual_name": {"type": "string", "maxLength": 255},
        "volume_id": {"type": "string", "format": "uuid"},
        "snapshot_id": {"type": "string", "format": "uuid"},
        "volume_size": {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1, "maximum": 2147483647},
        "device_name": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._/-]*$"},
        "delete_on_termination": boolean(),
        "no_device": {},
        "connection_info": {"type": "string", "maxLength": 16777215},
    });
    props.as_object().expect("object").clone()
}

fn v2_item(v: Version) -> Value {
    let mut props = legacy_properties();
    let more = json!({
        "source_type": {"type": "string", "enum": ["volume", "image", "snapshot", "blank"]},
        "uuid": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._-]*$"},
        "image_id": {"type": "string", "format": "uuid"},
        "destination_type": {"type": "string", "enum": ["local", "volume"]},
        "guest_format": {"type": "string", "maxLength": 255},
        "device_type": {"type": "string", "maxLength": 255},
        "disk_bus": {"type": "string", "maxLength": 255},
        "boot_index": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$"},
    });
    props.extend(more.as_object().expect("object").clone());
    // 2.32 had it too (the schema of that version compared for equality), then from 2.42.
    if v == Version::new(2, 32) || v.at_least(2, 42) {
        props.insert("tag".into(), json!({"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": 60}));
    }
    if v.at_least(2, 67) {
        props.insert("volume_type".into(), json!({"type": ["string", "null"], "minLength": 0, "maxLength": 255}));
    }
    json!({"type": "object", "properties": props, "additionalProperties": false})
}

fn invalid(details: &str) -> ApiError {
    bad(format!("Block Device Mapping is Invalid: {details}"))
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// What the mappings ask for: the volumes to map, and the image a local root disk boots from.
#[derive(Debug, Default)]
pub struct Mappings {
    pub volumes: Vec<BootVolume>,
    /// `source_type: image, destination_type: local, boot_index: 0`.
    pub local_root_image: Option<String>,
}

impl Mappings {
    pub fn boots_from_volume(&self) -> bool {
        self.volumes.iter().any(|b| b.boot_index == Some(0))
    }
}

/// Reads the create request's mappings; `image_given` is whether `imageRef` names an image.
pub fn parse(v2: Option<&Value>, legacy: Option<&Value>, v: Version, image_given: bool) -> Result<Mappings, ApiError> {
    let mut out = Mappings::default();
    if v2.is_some() && legacy.is_some() {
        return Err(bad("Using different block_device_mapping syntaxes is not allowed in the same request."));
    }
    let mut boot_indexes: Vec<i64> = Vec::new();
    if let Some(items) = v2 {
        check_schema(items, &json!({"type": "array", "items": v2_item(v)}))?;
        for item in items.as_array().into_iter().flatten() {
            let text = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
            let source = text("source_type");
            let destination = text("destination_type");
            let uuid = text("uuid");
            let volume_type = text("volume_type").filter(|t| !t.is_empty());
            let boot_index = item.get("boot_index").filter(|b| !b.is_null()).and_then(int_of);
            match (source.as_deref(), &uuid) {
                (Some("blank"), Some(_)) => return Err(invalid("Invalid device UUID.")),
                (Some("blank"), None) | (None, _) => {}
                (Some(_), None) => return Err(invalid("Missing device UUID.")),
                _ => {}
            }
            if source.as_deref() == Some("image") && destination.as_deref() == Some("local") && boot_index.unwrap_or(-1) != 0 {
                return Err(invalid("Mapping image to local is not supported."));
            }
            if destination.as_deref() == Some("local") && volume_type.is_some() {
                return Err(invalid("Specifying a volume_type with destination_type=local is not supported."));
            }
            if source.as_deref() == Some("volume") && volume_type.is_some() {
                return Err(invalid("Specifying volume type to existing volume is not supported."));
            }
            if let Some(b) = boot_index.filter(|b| *b >= 0) {
                boot_indexes.push(b);
            }
            let size = item.get("volume_size").and_then(int_of).map(|s| s as u64);
            let delete_on_termination = item.get("delete_on_termination").and_then(parse_bool).unwrap_or(false);
            let src = match (source.as_deref(), destination.as_deref()) {
                (Some("image"), Some("local")) => {
                    out.local_root_image = uuid.clone();
                    continue;
                }
                (Some("volume"), _) => BootVolumeSource::Volume(uuid.clone().unwrap_or_default()),
                (Some("snapshot"), _) => BootVolumeSource::Snapshot(uuid.clone().unwrap_or_default()),
                (Some("image"), _) => {
                    if size.unwrap_or(0) == 0 {
                        return Err(bad("Images with destination_type 'volume' need to have a non-zero size specified"));
                    }
                    BootVolumeSource::Image(uuid.clone().unwrap_or_default())
                }
                (Some("blank"), Some("volume")) => {
                    if size.unwrap_or(0) == 0 {
                        return Err(bad("Blank volumes (source: 'blank', dest: 'volume') need to have non-zero size"));
                    }
                    BootVolumeSource::Blank
                }
                // Ephemeral and swap disks: local, nothing in Cinder.
                _ => continue,
            };
            out.volumes.push(BootVolume { source: src, size, boot_index, delete_on_termination, tag: text("tag"), volume_type });
        }
    }
    if let Some(items) = legacy {
        let item_schema = json!({"type": "object", "properties": legacy_properties(), "additionalProperties": false});
        check_schema(items, &json!({"type": "array", "items": item_schema}))?;
        for item in items.as_array().into_iter().flatten() {
            let text = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
            let device = text("device_name");
            // The legacy format: a volume or snapshot mapped at a device; the root device (vda)
            // boots.
            let root = device.as_deref().is_some_and(|d| matches!(d.trim_start_matches("/dev/"), "vda" | "sda" | "xvda" | "hda"));
            let src = match (text("volume_id"), text("snapshot_id")) {
                (Some(vol), _) => BootVolumeSource::Volume(vol),
                (None, Some(snap)) => BootVolumeSource::Snapshot(snap),
                _ => continue,
            };
            let boot_index = root.then_some(0);
            if let Some(b) = boot_index {
                boot_indexes.push(b);
            }
            out.volumes.push(BootVolume {
                source: src,
                size: item.get("volume_size").and_then(int_of).map(|s| s as u64),
                boot_index,
                delete_on_termination: item.get("delete_on_termination").and_then(parse_bool).unwrap_or(false),
                tag: None,
                volume_type: None,
            });
        }
    }
    // An image given by imageRef is the boot device when no mapping has boot index 0.
    if image_given && !boot_indexes.contains(&0) {
        boot_indexes.push(0);
    }
    boot_indexes.sort_unstable();
    let in_sequence = !boot_indexes.is_empty() && boot_indexes.iter().enumerate().all(|(i, b)| *b == i as i64);
    if (v2.is_some() || legacy.is_some()) && !in_sequence {
        return Err(bad("Boot sequence for the instance and image/block device mapping combination is not valid."));
    }
    Ok(out)
}
