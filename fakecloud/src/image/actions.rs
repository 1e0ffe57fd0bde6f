//! What happens to an image after it is created: deactivation, tags, data download, and
//! interoperable import (stage, then `glance-direct` or `copy-image` into the stores), with the
//! `api_image_import` task each import records.

use super::digest::Blob;
use super::model::{Image, ImageError, Images, TAG_QUOTA};
use super::request::ImportRequest;
use super::tasks::Task;
use crate::sim::{Ids, SimTime};

/// The stores this Glance has (`enabled_backends`), the first being `default_backend`:
/// (id, description).
pub const STORES: &[(&str, &str)] = &[("fast", "Fast access store (default)"), ("cheap", "Less expensive store")];

/// The import methods offered (`enabled_import_methods`): fakecloud reaches no other web
/// server and no other region's Glance, so `web-download` and `glance-download` are not enabled.
pub const IMPORT_METHODS: &[&str] = &["glance-direct", "copy-image"];

/// Who asked, for the task an import records.
pub struct Requester<'a> {
    pub project_id: Option<&'a str>,
    pub user_id: &'a str,
    pub admin: bool,
    pub request_id: String,
}

impl Images {
    fn visible_mut(&mut self, id: &str, project_id: Option<&str>, admin: bool) -> Result<&mut Image, ImageError> {
        self.show(id, project_id, admin)?;
        Ok(self.images.iter_mut().find(|i| i.id == id).expect("shown above"))
    }

    /// `POST /v2/images/{id}/actions/deactivate`: an active image stops serving its data.
    pub fn deactivate(&mut self, id: &str, project_id: Option<&str>, admin: bool, now: SimTime) -> Result<(), ImageError> {
        let image = self.visible_mut(id, project_id, admin)?;
        match image.status.as_str() {
            "deactivated" => Ok(()),
            "active" => {
                image.status = "deactivated".into();
                image.updated_at = Some(now);
                Ok(())
            }
            s => Err(ImageError::Forbidden(format!("Not allowed to deactivate image in status '{s}'"))),
        }
    }

    /// `POST /v2/images/{id}/actions/reactivate`.
    pub fn reactivate(&mut self, id: &str, project_id: Option<&str>, admin: bool, now: SimTime) -> Result<(), ImageError> {
        let image = self.visible_mut(id, project_id, admin)?;
        match image.status.as_str() {
            "active" => Ok(()),
            "deactivated" => {
                image.status = "active".into();
                image.updated_at = Some(now);
                Ok(())
            }
            s => Err(ImageError::Forbidden(format!("Not allowed to reactivate image in status '{s}'"))),
        }
    }

    /// `PUT /v2/images/{id}/tags/{tag}`: adding a tag the image has is a no-op.
    pub fn add_tag(&mut self, id: &str, tag: &str, project_id: Option<&str>, admin: bool, now: SimTime) -> Result<(), ImageError> {
        if tag.chars().count() > 255 {
            return Err(ImageError::BadRequest(format!("Provided object does not match schema 'image': '{tag}' is too long")));
        }
        let image = self.visible_mut(id, project_id, admin)?;
        if !image.tags.iter().any(|t| t == tag) {
            if image.tags.len() >= TAG_QUOTA {
                return Err(ImageError::TooLarge(format!("Maximum number of tags exceeded ({TAG_QUOTA}).")));
            }
            image.tags.push(tag.to_string());
        }
        image.updated_at = Some(now);
        Ok(())
    }

    /// `DELETE /v2/images/{id}/tags/{tag}`.
    pub fn delete_tag(&mut self, id: &str, tag: &str, project_id: Option<&str>, admin: bool, now: SimTime) -> Result<(), ImageError> {
        let image = self.visible_mut(id, project_id, admin)?;
        let at = image.tags.iter().position(|t| t == tag).ok_or_else(|| ImageError::NotFound(format!("Tag {tag} not found.")))?;
        image.tags.remove(at);
        image.updated_at = Some(now);
        Ok(())
    }

    /// `GET /v2/images/{id}/file`: the bytes (None: the image has no data yet, Glance's 204).
    /// A deactivated image's data is refused to all but admin.
    pub fn download(&self, id: &str, project_id: Option<&str>, admin: bool) -> Result<Option<&[u8]>, ImageError> {
        let image = self.show(id, project_id, admin)?;
        if image.status == "deactivated" && !admin {
            return Err(ImageError::Forbidden("The requested image has been deactivated. Image data download is forbidden.".into()));
        }
        Ok(image.data.as_ref().map(|b| b.0.as_slice()))
    }

    /// `PUT /v2/images/{id}/stage`: a queued image takes staged data and is `uploading`.
    pub fn stage(&mut self, id: &str, project_id: Option<&str>, admin: bool, data: Vec<u8>, now: SimTime) -> Result<(), ImageError> {
        let image = self.visible_mut(id, project_id, admin)?;
        if image.status != "queued" {
            return Err(ImageError::Conflict(format!("Image status transition from {} to uploading is not allowed", image.status)));
        }
        image.staged = Some(Blob(data));
        image.status = "uploading".into();
        image.updated_at = Some(now);
        Ok(())
    }

    /// `POST /v2/images/{id}/import`: runs the import and records its task. Glance runs the
    /// import in the background; here it has finished by the time the 202 is sent.
    pub fn import(&mut self, id: &str, req: &ImportRequest, who: &Requester, ids: &mut Ids, now: SimTime) -> Result<(), ImageError> {
        let image = self.show(id, who.project_id, who.admin)?;
        if !who.admin && who.project_id != Some(image.owner.as_str()) && req.method != "copy-image" {
            return Err(ImageError::Forbidden("You are not authorized to complete modify_image action.".into()));
        }
        if !IMPORT_METHODS.contains(&req.method.as_str()) {
            return Err(ImageError::BadRequest(format!("Import method {} is not valid", req.method)));
        }
        if let Some(bad) = req.stores.iter().flatten().find(|s| !STORES.iter().any(|(id, _)| id == s)) {
            return Err(ImageError::Conflict(format!("Store for identifier {bad} not found")));
        }
        let all: Vec<String> = STORES.iter().map(|(id, _)| id.to_string()).collect();
        let mut targets: Vec<String> =
            if req.all_stores { all } else { req.stores.clone().unwrap_or_else(|| vec![STORES[0].0.to_string()]) };
        let data = match req.method.as_str() {
            "glance-direct" => {
                if image.status != "uploading" {
                    return Err(ImageError::Conflict("Image needs to be staged before 'glance-direct' method can be used".into()));
                }
                image.staged.clone().map(|b| b.0).unwrap_or_default()
            }
            _ => {
                // copy-image: an admin copies an active image's data into more stores.
                if !who.admin {
                    return Err(ImageError::Forbidden("You are not authorized to complete copy_image action.".into()));
                }
                if image.status != "active" {
                    return Err(ImageError::Conflict(format!("Image {id} is not in active state")));
                }
                targets.retain(|s| !image.stores.contains(s));
                image.data.clone().map(|b| b.0).unwrap_or_default()
            }
        };
        let mut task = Task::image_import(ids.uuid(), id, &image.owner, who.user_id, &who.request_id, &req.raw, &targets, now);
        let image = self.images.iter_mut().find(|i| i.id == id).expect("shown above");
        if req.method == "glance-direct" && !super::formats::matches(&image.disk_format, &data) {
            // The import's inspection refuses the staged data: the task fails and the image goes
            // back to `queued`, its staged data dropped and every target store failed.
            task.status = "failure".into();
            task.message = super::formats::mismatch(&image.disk_format, &data);
            task.result = None;
            image.staged = None;
            image.status = "queued".into();
            image.updated_at = Some(now);
            image.properties.insert("os_glance_importing_to_stores".into(), String::new());
            image.properties.insert("os_glance_failed_import".into(), targets.join(","));
            self.tasks.push(task);
            return Ok(());
        }
        let mut stores = image.stores.clone();
        stores.extend(targets.iter().cloned());
        stores.sort();
        stores.dedup();
        if req.method == "glance-direct" {
            image.staged = None;
            image.store_data(data, stores, now);
        } else {
            image.stores = stores;
            image.updated_at = Some(now);
        }
        image.properties.insert("os_glance_importing_to_stores".into(), String::new());
        image.properties.insert("os_glance_failed_import".into(), String::new());
        self.tasks.push(task);
        Ok(())
    }

    /// `DELETE /v2/stores/{store}/{id}`: an admin removes one copy of an active image's data; the
    /// last copy stays (Glance refuses to leave an active image with no data).
    pub fn delete_from_store(
        &mut self,
        store: &str,
        id: &str,
        project_id: Option<&str>,
        admin: bool,
        now: SimTime,
    ) -> Result<(), ImageError> {
        if !STORES.iter().any(|(s, _)| *s == store) {
            return Err(ImageError::Conflict(format!("Unknown store {store}.")));
        }
        let image = self.visible_mut(id, project_id, admin)?;
        if image.status != "active" {
            return Err(ImageError::Conflict("It's not allowed to remove image data from store if image status is not 'active'".into()));
        }
        let at = image
            .stores
            .iter()
            .position(|s| s == store)
            .ok_or_else(|| ImageError::NotFound(format!("Image {id} is not present in store {store}.")))?;
        if image.stores.len() == 1 {
            return Err(ImageError::Forbidden(
                "Cannot delete image data from the only store containing it. Consider deleting the image instead.".into(),
            ));
        }
        image.stores.remove(at);
        image.updated_at = Some(now);
        Ok(())
    }

    /// `GET /v2/images/{id}/tasks`: the import tasks of a visible image.
    pub fn image_tasks(&self, id: &str, project_id: Option<&str>, admin: bool) -> Result<Vec<&Task>, ImageError> {
        self.show(id, project_id, admin)?;
        Ok(self.tasks.iter().filter(|t| t.image_id.as_deref() == Some(id)).collect())
    }
}
