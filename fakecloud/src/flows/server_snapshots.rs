//! Server snapshots and backups across Nova and Glance: the API creates a queued Glance image and
//! starts the server's task; on the clock the hypervisor takes the snapshot
//! (`image_pending_upload`), the upload runs (`image_uploading`, the image `saving`) and ends (the
//! image `active`, the task over, old backups rotated out). An image deleted meanwhile ends the task
//! without a result; a server deleted meanwhile takes its unfinished images with it.

use crate::compute::lifecycle::Refused;
use crate::compute::model::Server;
use crate::compute::snapshots::*;
use crate::compute::Event;
use crate::image::request::NewImage;
use crate::sim::journal::Record;
use crate::sim::SimTime;
use crate::world::World;
use chrono::Duration;
use std::collections::BTreeMap;

/// A `createImage` or `createBackup` request, already validated by the API.
pub struct ImageRequest {
    pub server_id: String,
    pub name: String,
    pub metadata: BTreeMap<String, String>,
    pub kind: ImageKind,
    pub caller_project: String,
    pub caller_user: String,
}

/// The task states a snapshot or backup passes through.
const IMAGE_TASKS: &[&str] = &["image_snapshot", "image_backup", "image_pending_upload", "image_uploading"];

impl World {
    /// Starts a snapshot or backup of a server: Nova's state checks (409), then a queued image owned
    /// by the caller's project and the server's task. Returns the image's id.
    pub fn snapshot_server(&mut self, req: ImageRequest) -> Result<String, Refused> {
        let now = self.now();
        let id = req.server_id.as_str();
        let s = self.compute.server(id).ok_or_else(|| Refused(404, format!("Instance {id} could not be found.")))?.clone();
        let action = req.kind.action();
        if !SNAPSHOT_FROM.contains(&s.vm_state) {
            return Err(Refused(409, format!("Cannot '{action}' instance {id} while it is in vm_state {}", s.vm_state.as_str())));
        }
        if let Some(task) = &s.task_state {
            return Err(Refused(409, format!("Cannot '{action}' instance {id} while it is in task_state {task}")));
        }
        let image_id = self.create_server_image(&s, req.name, &req.metadata, &req.kind, &req.caller_project, &req.caller_user);
        let srv = self.compute.server_mut(id).expect("checked");
        srv.task_state = Some(req.kind.first_task().into());
        srv.updated_at = now;
        Ok(image_id)
    }

    /// The queued Glance image of a snapshot, backup or shelve, with Nova's metadata, and the
    /// compute host's first step due on the clock.
    fn create_server_image(
        &mut self,
        s: &Server,
        name: String,
        metadata: &BTreeMap<String, String>,
        kind: &ImageKind,
        caller_project: &str,
        caller_user: &str,
    ) -> String {
        let now = self.now();
        let base = self.image.get(&s.image_id).cloned();
        let base_view = base.as_ref().map(|b| BaseImage {
            id: &b.id,
            properties: &b.properties,
            min_ram: b.min_ram,
            min_disk: b.min_disk,
            disk_format: &b.disk_format,
            container_format: &b.container_format,
        });
        let project_name = self.identity.project(&s.project_id).map(|p| p.name.clone()).unwrap_or_default();
        let user_name = self.identity.user(&s.user_id).map(|u| u.name.clone()).unwrap_or_default();
        let root_gb = self.compute.flavor(&s.flavor_id).map_or(0, |f| f.disk);
        let of = SnapshotOf {
            server_id: &s.id,
            server_project: &s.project_id,
            server_project_name: &project_name,
            server_user_name: &user_name,
            flavor_root_gb: root_gb,
            caller_project,
            caller_user,
        };
        let meta = snapshot_image(&of, base_view.as_ref(), kind, metadata);
        let new = NewImage {
            name: Some(name),
            visibility: Some(meta.visibility),
            disk_format: Some(meta.disk_format),
            container_format: Some(meta.container_format),
            min_disk: meta.min_disk,
            min_ram: meta.min_ram,
            properties: meta.properties,
            ..Default::default()
        };
        // Nothing in a snapshot's image can be refused by Glance (no id, no public visibility).
        let image_id = self.image.create(new, caller_project, false, &mut self.sim.ids, now).expect("a private image").id.clone();
        if let Some(member) = meta.member {
            // Nova adds the server's project as a member so its owner sees the image.
            let _ = self.image.add_member(&image_id, &member, Some(caller_project), false, now);
        }
        self.record(Record::Transition { resource: "image".into(), id: image_id.clone(), from: None, to: "queued".into() });
        let event =
            Event::ServerSnapshot { server_id: s.id.clone(), image_id: image_id.clone(), stage: SnapshotStage::Taken, kind: kind.clone() };
        self.sim.scheduler.schedule(now + Duration::seconds(SNAPSHOT_TAKE_SECS), event);
        image_id
    }

    /// A shelve keeps the server in a snapshot named `<name>-shelved` (Nova's `shelved_image_id`).
    pub(crate) fn shelve_snapshot(&mut self, s: &Server) {
        let image_id =
            self.create_server_image(s, format!("{}-shelved", s.name), &BTreeMap::new(), &ImageKind::Shelve, &s.project_id, &s.user_id);
        self.compute.shelved_images.insert(s.id.clone(), image_id);
    }

    /// An unshelved server no longer needs its snapshot: Nova deletes it.
    pub(crate) fn drop_shelved_snapshot(&mut self, server_id: &str, at: SimTime) {
        if let Some(image_id) = self.compute.shelved_images.remove(server_id) {
            if self.image.get(&image_id).is_some() {
                self.image.images.retain(|i| i.id != image_id);
                self.sim
                    .journal
                    .record(at, Record::Transition { resource: "image".into(), id: image_id, from: None, to: "deleted".into() });
            }
        }
    }

    /// One step of a snapshot on the compute host.
    pub(crate) fn snapshot_step(&mut self, server_id: &str, image_id: &str, stage: SnapshotStage, kind: &ImageKind, at: SimTime) {
        let Some(s) = self.compute.server(server_id) else { return };
        // A shelve's image steps run under the shelve's own tasks.
        let in_task = *kind != ImageKind::Shelve && s.task_state.as_deref().is_some_and(|t| IMAGE_TASKS.contains(&t));
        if self.image.get(image_id).is_none() {
            // The image was deleted under the upload: Nova's snapshot fails and the task ends.
            if in_task {
                self.end_image_task(server_id, at);
            }
            return;
        }
        let (project, flavor_id, base_id) = (s.project_id.clone(), s.flavor_id.clone(), s.image_id.clone());
        match stage {
            SnapshotStage::Taken => {
                if *kind != ImageKind::Shelve {
                    self.set_image_task(server_id, "image_pending_upload", at);
                }
                let next = Event::ServerSnapshot {
                    server_id: server_id.into(),
                    image_id: image_id.into(),
                    stage: SnapshotStage::Uploading,
                    kind: kind.clone(),
                };
                self.sim.scheduler.schedule(at + Duration::seconds(SNAPSHOT_PREPARE_SECS), next);
            }
            SnapshotStage::Uploading => {
                if *kind != ImageKind::Shelve {
                    self.set_image_task(server_id, "image_uploading", at);
                }
                if self.image.begin_saving(image_id, at) {
                    self.sim.journal.record(
                        at,
                        Record::Transition {
                            resource: "image".into(),
                            id: image_id.into(),
                            from: Some("queued".into()),
                            to: "saving".into(),
                        },
                    );
                }
                let next = Event::ServerSnapshot {
                    server_id: server_id.into(),
                    image_id: image_id.into(),
                    stage: SnapshotStage::Uploaded,
                    kind: kind.clone(),
                };
                self.sim.scheduler.schedule(at + Duration::seconds(SNAPSHOT_UPLOAD_SECS), next);
            }
            SnapshotStage::Uploaded => {
                let base = self.image.get(&base_id);
                let size = base.map_or(0, |b| b.size);
                // The libvirt driver uploads a qcow2 overlay's flattened copy in the base's format.
                let disk_format = base.map(|b| b.disk_format.clone()).filter(|f| !f.is_empty()).unwrap_or_else(|| "qcow2".into());
                let container_format = base.map(|b| b.container_format.clone()).filter(|f| !f.is_empty()).unwrap_or_else(|| "bare".into());
                let props = upload_properties(&project);
                if self.image.finish_saving(image_id, size, (&disk_format, &container_format), &props, at) {
                    if let Some(root_gb) = self.compute.flavor(&flavor_id).map(|f| f.disk).filter(|d| *d > 0) {
                        if let Some(i) = self.image.images.iter_mut().find(|i| i.id == image_id) {
                            i.virtual_size = Some(root_gb << 30);
                        }
                    }
                    self.sim.journal.record(
                        at,
                        Record::Transition {
                            resource: "image".into(),
                            id: image_id.into(),
                            from: Some("saving".into()),
                            to: "active".into(),
                        },
                    );
                }
                if in_task {
                    self.end_image_task(server_id, at);
                }
                if let ImageKind::Backup { backup_type, rotation } = kind {
                    self.rotate_backups(server_id, backup_type, *rotation, at);
                }
            }
        }
    }

    fn set_image_task(&mut self, server_id: &str, task: &str, at: SimTime) {
        if let Some(s) = self.compute.server_mut(server_id) {
            s.task_state = Some(task.into());
            s.updated_at = at;
        }
    }

    fn end_image_task(&mut self, server_id: &str, at: SimTime) {
        if let Some(s) = self.compute.server_mut(server_id) {
            s.task_state = None;
            s.updated_at = at;
            let host = s.host.clone();
            // The createImage or createBackup action's event ends with the task.
            self.compute.actions.finish(server_id, host.as_deref(), at, None);
        }
    }

    /// Nova's `_rotate_backups`: of the server's backups of this type, all but the newest
    /// `rotation` are deleted from Glance.
    fn rotate_backups(&mut self, server_id: &str, backup_type: &str, rotation: u64, at: SimTime) {
        let backups: Vec<(String, (SimTime, u64))> = self
            .image
            .images
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i.properties.get("image_type").map(String::as_str) == Some("backup")
                    && i.properties.get("backup_type").map(String::as_str) == Some(backup_type)
                    && i.properties.get("instance_uuid").map(String::as_str) == Some(server_id)
            })
            .map(|(n, i)| (i.id.clone(), (i.created_at, n as u64)))
            .collect();
        for id in rotated_out(backups, rotation) {
            self.image.images.retain(|i| i.id != id);
            self.sim
                .journal
                .record(at, Record::Transition { resource: "image".into(), id, from: Some("active".into()), to: "deleted".into() });
        }
    }

    /// A server deleted during a snapshot: Nova deletes the images it had not finished, and the
    /// snapshot a shelved server was kept in.
    pub(crate) fn abandon_snapshots(&mut self, server_id: &str) {
        if let Some(image_id) = self.compute.shelved_images.remove(server_id) {
            self.image.images.retain(|i| i.id != image_id);
        }
        self.image.images.retain(|i| {
            !(i.properties.get("instance_uuid").map(String::as_str) == Some(server_id) && matches!(i.status.as_str(), "queued" | "saving"))
        });
    }
}
