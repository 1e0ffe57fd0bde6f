//! `PATCH /v2/images/{id}`: Glance's rules for changing an image with a JSON patch
//! (glance/api/v2/images.py `update`): read-only and reserved attributes are refused with a 403,
//! a custom property must exist to be replaced or removed (409), core attributes are checked as
//! the image schema checks them (400), and the whole patch applies or nothing does.

use super::model::{Image, ImageError, Images};
use super::request::{Change, NewImage, PatchOp, READONLY, RESERVED};
use crate::sim::SimTime;
use serde_json::{json, Value};

/// Attributes that exist on every image: they are replaced, never removed.
const CORE: &[&str] =
    &["name", "visibility", "disk_format", "container_format", "min_disk", "min_ram", "protected", "os_hidden", "owner", "tags", "id"];

impl Images {
    /// Applies `changes` to a copy of the image and keeps the copy only if every change held.
    pub fn update(
        &mut self,
        id: &str,
        project_id: Option<&str>,
        admin: bool,
        changes: &[Change],
        now: SimTime,
    ) -> Result<&Image, ImageError> {
        let current = self.show(id, project_id, admin)?;
        let mut image = current.clone();
        for change in changes {
            apply(&mut image, change, admin)?;
        }
        image.updated_at = Some(now);
        let slot = self.images.iter_mut().find(|i| i.id == id).expect("shown above");
        *slot = image;
        Ok(slot)
    }
}

fn apply(image: &mut Image, change: &Change, admin: bool) -> Result<(), ImageError> {
    let key = change.path[0].as_str();
    if key == "locations" {
        // Without `show_multiple_locations` Glance hides locations, and refuses to change them.
        return Err(ImageError::Forbidden("It's not allowed to update locations if locations are invisible.".into()));
    }
    if key == "id" || READONLY.contains(&key) {
        return Err(ImageError::Forbidden(format!("Attribute '{key}' is read-only.")));
    }
    if RESERVED.contains(&key) || key.starts_with("os_glance") {
        return Err(ImageError::Forbidden(format!("Attribute '{key}' is reserved.")));
    }
    if CORE.contains(&key) {
        if change.op == PatchOp::Remove {
            return Err(ImageError::Forbidden(format!("Properties {key} is a core property and cannot be removed.")));
        }
        return set_core(image, key, change.value.clone().unwrap_or(Value::Null), admin);
    }
    match change.op {
        PatchOp::Add | PatchOp::Replace => {
            if change.op == PatchOp::Replace && !image.properties.contains_key(key) {
                return Err(ImageError::Conflict(format!("Property {key} does not exist.")));
            }
            let value = change.value.clone().unwrap_or(Value::Null);
            // Checked as the schema's additionalProperties (strings) and property-name length.
            let parsed = NewImage::from_json(&json!({ key: value }))?;
            let text = parsed.properties.get(key).cloned().unwrap_or_default();
            image.properties.insert(key.to_string(), text);
        }
        PatchOp::Remove => {
            if image.properties.remove(key).is_none() {
                return Err(ImageError::Conflict(format!("Property {key} does not exist.")));
            }
        }
    }
    Ok(())
}

/// One core attribute, validated as on create, with the rules that only an update has.
fn set_core(image: &mut Image, key: &str, value: Value, admin: bool) -> Result<(), ImageError> {
    let parsed = NewImage::from_json(&json!({ key: value }))?;
    match key {
        "name" => image.name = parsed.name.unwrap_or_default(),
        "visibility" => {
            let v = parsed.visibility.ok_or_else(|| {
                ImageError::BadRequest(
                    "Provided object does not match schema 'image': None is not one of ['community', 'public', 'private', 'shared']".into(),
                )
            })?;
            if v == "public" && !admin && image.visibility != "public" {
                return Err(ImageError::Forbidden("You are not authorized to complete publicize_image action.".into()));
            }
            image.visibility = v;
        }
        "disk_format" | "container_format" => {
            if image.status != "queued" {
                return Err(ImageError::Forbidden(format!("Attribute {key} can be only replaced for a queued image.")));
            }
            if key == "disk_format" {
                image.disk_format = parsed.disk_format.unwrap_or_default();
            } else {
                image.container_format = parsed.container_format.unwrap_or_default();
            }
        }
        "min_disk" => image.min_disk = parsed.min_disk,
        "min_ram" => image.min_ram = parsed.min_ram,
        "protected" => image.protected = parsed.protected,
        "os_hidden" => image.os_hidden = parsed.os_hidden,
        "owner" => {
            let owner = parsed.owner.unwrap_or_default();
            if owner != image.owner && !admin {
                return Err(ImageError::Forbidden("Owner can't be updated by non admin.".into()));
            }
            image.owner = owner;
        }
        "tags" => {
            if parsed.tags.len() > super::model::TAG_QUOTA {
                return Err(ImageError::TooLarge(format!("Maximum number of tags exceeded ({}).", super::model::TAG_QUOTA)));
            }
            image.tags = parsed.tags;
        }
        _ => unreachable!("CORE lists the keys handled here"),
    }
    Ok(())
}
