//! Volumes on servers, across Nova and Cinder: attach (Nova's API checks the server, creates the
//! mapping and Cinder's attachment, the volume is `reserved`; nova-compute connects it and
//! completes the attachment on the clock: `in-use`), detach (`detaching`, then the attachment and
//! the mapping go: `available`), the volumes of a server booted from a volume, and what a
//! server's deletion does to its volumes (detached, and deleted where `delete_on_termination`).

use crate::compute::block_devices::{BlockDevice, ATTACH_SECS, BOOT_ATTACH_SECS, DETACH_SECS};
use crate::compute::lifecycle::Refused;
use crate::compute::model::{Server, VmState};
use crate::compute::Event;
use crate::volume::model::{Requester, VolumeError};
use crate::world::World;
use chrono::Duration;

/// The vm_states Nova attaches and detaches volumes in (`check_instance_state` of
/// `attach_volume` and `detach_volume`); the server must have no task in progress either.
const VOLUME_STATES: &[VmState] =
    &[VmState::Active, VmState::Paused, VmState::Stopped, VmState::Resized, VmState::Shelved, VmState::ShelvedOffloaded];

/// Who asks, as Nova passes the user's context on to Cinder.
#[derive(Clone, Copy, Debug)]
pub struct VolumeCaller<'a> {
    pub project_id: &'a str,
    pub user_id: &'a str,
    pub admin: bool,
}

impl<'a> VolumeCaller<'a> {
    fn cinder(self) -> Requester<'a> {
        Requester { project_id: self.project_id, user_id: self.user_id, admin: self.admin }
    }
}

/// What an attach request carries after the API's schema.
#[derive(Clone, Debug, Default)]
pub struct AttachRequest {
    pub volume_id: String,
    pub tag: Option<String>,
    pub delete_on_termination: bool,
    /// The request's microversion allows multiattach volumes (2.60).
    pub multiattach_allowed: bool,
}

/// Cinder's refusals as Nova passes them on: not found stays 404, the rest are the user's 400.
fn from_cinder(e: VolumeError) -> Refused {
    match e {
        VolumeError::NotFound(m) => Refused(404, m),
        VolumeError::BadRequest(m) | VolumeError::Conflict(m) => Refused(400, m),
        VolumeError::OverLimit(m) => Refused(403, m),
    }
}

fn check_server(s: &Server, method: &str, admin: bool) -> Result<(), Refused> {
    if s.locked && !admin {
        return Err(Refused(409, format!("Instance {} is locked", s.id)));
    }
    if !VOLUME_STATES.contains(&s.vm_state) {
        return Err(Refused(409, format!("Cannot '{method}' instance {} while it is in vm_state {}", s.id, s.vm_state.as_str())));
    }
    if let Some(task) = &s.task_state {
        return Err(Refused(409, format!("Cannot '{method}' instance {} while it is in task_state {task}", s.id)));
    }
    Ok(())
}

impl World {
    /// `POST /servers/{id}/os-volume_attachments`: the mapping and Cinder's attachment now, the
    /// connection on the clock. Returns the mapping (its device is the one the reply shows).
    pub fn attach_volume(&mut self, server_id: &str, req: AttachRequest, who: VolumeCaller) -> Result<BlockDevice, Refused> {
        let s = self.compute.server(server_id).ok_or_else(|| Refused(404, format!("Instance {server_id} could not be found.")))?;
        check_server(s, "attach_volume", who.admin)?;
        let vol = self.volume.show(&req.volume_id, who.cinder()).map_err(from_cinder)?;
        if vol.multiattach && !req.multiattach_allowed {
            return Err(Refused(400, "Multiattach volumes are only supported starting with compute API version 2.60.".into()));
        }
        if self.compute.block_device(server_id, &req.volume_id).is_some() {
            return Err(Refused(400, format!("Invalid volume: volume {} already attached", req.volume_id)));
        }
        let attachment_id = self.volume.create_attachment(&req.volume_id, server_id, who.cinder(), &mut self.sim).map_err(from_cinder)?;
        let bdm = BlockDevice {
            uuid: self.sim.ids.uuid(),
            server_id: server_id.to_string(),
            volume_id: req.volume_id.clone(),
            device_name: self.compute.next_device_name(server_id),
            tag: req.tag,
            delete_on_termination: req.delete_on_termination,
            boot_index: None,
            attachment_id: Some(attachment_id),
        };
        self.compute.block_devices.push(bdm.clone());
        let due = self.now() + Duration::seconds(ATTACH_SECS);
        self.sim.scheduler.schedule(due, Event::VolumeAttached { server_id: server_id.into(), volume_id: req.volume_id });
        Ok(bdm)
    }

    /// `DELETE /servers/{id}/os-volume_attachments/{volume_id}`: Cinder's `begin_detaching` now,
    /// the disconnection and the attachment's deletion on the clock.
    pub fn detach_volume(&mut self, server_id: &str, volume_id: &str, who: VolumeCaller) -> Result<(), Refused> {
        let s = self.compute.server(server_id).ok_or_else(|| Refused(404, format!("Instance {server_id} could not be found.")))?.clone();
        self.volume.show(volume_id, who.cinder()).map_err(from_cinder)?;
        let bdm = self
            .compute
            .block_device(server_id, volume_id)
            .ok_or_else(|| Refused(404, format!("Instance {server_id} is not attached to volume {volume_id}")))?
            .clone();
        if bdm.is_root() {
            return Err(Refused(400, "Cannot detach a root device volume".into()));
        }
        check_server(&s, "detach_volume", who.admin)?;
        let attachment = bdm.attachment_id.clone().unwrap_or_default();
        self.volume.begin_detaching_attachment(volume_id, &attachment, &mut self.sim).map_err(from_cinder)?;
        let due = self.now() + Duration::seconds(DETACH_SECS);
        self.sim.scheduler.schedule(
            due,
            Event::VolumeDetached {
                server_id: server_id.into(),
                volume_id: volume_id.into(),
                attachment_id: bdm.attachment_id,
                delete_volume: false,
            },
        );
        Ok(())
    }

    /// The end of an attach or a detach on the compute host.
    pub(crate) fn apply_volume_attachment_event(&mut self, event: &Event) {
        match event {
            Event::VolumeAttached { server_id, volume_id } => {
                let Some(bdm) = self.compute.block_device(server_id, volume_id).cloned() else { return };
                let host = self.compute.server(server_id).and_then(|s| s.host.clone());
                let attachment = match bdm.attachment_id {
                    Some(a) => Some(a),
                    // A volume Cinder made for the server's boot: attached once it is available.
                    None => {
                        let admin = Requester { project_id: "", user_id: "", admin: true };
                        let a = self.volume.create_attachment(volume_id, server_id, admin, &mut self.sim).ok();
                        if let Some(b) = self.compute.block_device_mut(server_id, volume_id) {
                            b.attachment_id = a.clone();
                        }
                        a
                    }
                };
                if let Some(a) = &attachment {
                    self.volume.complete_attachment(volume_id, a, &bdm.device_name, host.as_deref(), &mut self.sim);
                }
            }
            Event::VolumeDetached { server_id, volume_id, attachment_id, delete_volume } => {
                self.compute.block_devices.retain(|b| !(b.server_id == *server_id && b.volume_id == *volume_id));
                if let Some(a) = attachment_id {
                    self.volume.delete_attachment(volume_id, a, &mut self.sim);
                }
                if *delete_volume {
                    self.volume.delete_for_server(volume_id, &mut self.sim);
                }
            }
            _ => {}
        }
    }

    /// A deleted server's volumes. Nova shows a server gone only once nova-compute has shut it
    /// down, which deletes its Cinder attachments: so the mappings and attachments go with the
    /// server, the volumes are `available` again, and those mapped with `delete_on_termination`
    /// start Cinder's delete (gone on the clock).
    pub(crate) fn release_server_volumes(&mut self, server_id: &str) {
        let (mine, rest): (Vec<BlockDevice>, Vec<BlockDevice>) =
            std::mem::take(&mut self.compute.block_devices).into_iter().partition(|b| b.server_id == server_id);
        self.compute.block_devices = rest;
        for bdm in mine {
            if let Some(a) = &bdm.attachment_id {
                self.volume.delete_attachment(&bdm.volume_id, a, &mut self.sim);
            }
            if bdm.delete_on_termination {
                self.volume.delete_for_server(&bdm.volume_id, &mut self.sim);
            }
        }
    }
}

/// Where a volume a server boots with comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum BootVolumeSource {
    /// An existing volume, attached as it is.
    Volume(String),
    /// A new volume Cinder makes from a snapshot, an image, or empty.
    Snapshot(String),
    Image(String),
    Blank,
}

/// One volume mapping of a server create (`block_device_mapping_v2` with destination `volume`).
#[derive(Clone, Debug, PartialEq)]
pub struct BootVolume {
    pub source: BootVolumeSource,
    pub size: Option<u64>,
    pub boot_index: Option<i64>,
    pub delete_on_termination: bool,
    pub tag: Option<String>,
    pub volume_type: Option<String>,
}

impl World {
    /// The compute API's `_validate_bdm` for volume mappings, before anything is made: existing
    /// volumes must be there and `available`, snapshots and images must be there.
    pub fn check_boot_volumes(&self, vols: &[BootVolume], who: VolumeCaller) -> Result<(), Refused> {
        for b in vols {
            match &b.source {
                BootVolumeSource::Volume(id) => {
                    let v = self
                        .volume
                        .show(id, who.cinder())
                        .map_err(|_| Refused(400, format!("Block Device Mapping is Invalid: failed to get volume {id}.")))?;
                    if b.boot_index == Some(0) && !v.bootable {
                        return Err(Refused(400, format!("Block Device {id} is not bootable.")));
                    }
                    if v.status != "available" && !(v.multiattach && v.status == "in-use") {
                        return Err(Refused(
                            400,
                            format!("Invalid volume: volume '{id}' status must be 'available'. Currently in '{}'", v.status),
                        ));
                    }
                }
                BootVolumeSource::Snapshot(id) => {
                    self.volume
                        .snapshot_for(id, who.cinder())
                        .map_err(|_| Refused(400, format!("Block Device Mapping is Invalid: failed to get snapshot {id}.")))?;
                }
                BootVolumeSource::Image(id) => {
                    self.image
                        .find(id, who.project_id, who.admin)
                        .filter(|i| &i.id == id)
                        .ok_or_else(|| Refused(400, format!("Block Device Mapping is Invalid: failed to get image {id}.")))?;
                }
                BootVolumeSource::Blank => {}
            }
        }
        Ok(())
    }

    /// A new server's volume mappings: an existing volume is reserved for it now, a volume from
    /// a snapshot, an image or blank is asked of Cinder now; each is connected when the server
    /// spawns. Checked first by `check_boot_volumes`, so a refusal here is Cinder's own (quota).
    pub fn map_boot_volumes(&mut self, server_id: &str, vols: Vec<BootVolume>, who: VolumeCaller) -> Result<(), Refused> {
        for b in vols {
            let (volume_id, attachment_id) = match &b.source {
                BootVolumeSource::Volume(id) => {
                    let a = self.volume.create_attachment(id, server_id, who.cinder(), &mut self.sim).map_err(from_cinder)?;
                    (id.clone(), Some(a))
                }
                source => {
                    let new = crate::volume::request::NewVolume {
                        size: b.size,
                        volume_type: b.volume_type.clone(),
                        image_ref: match source {
                            BootVolumeSource::Image(i) => Some(i.clone()),
                            _ => None,
                        },
                        snapshot_id: match source {
                            BootVolumeSource::Snapshot(s) => Some(s.clone()),
                            _ => None,
                        },
                        ..Default::default()
                    };
                    let vol = self.volume.create(new, who.cinder(), &self.image, &mut self.sim).map_err(from_cinder)?;
                    (vol.id.clone(), None)
                }
            };
            let device_name = if b.boot_index == Some(0) { "/dev/vda".to_string() } else { self.compute.next_device_name(server_id) };
            let bdm = BlockDevice {
                uuid: self.sim.ids.uuid(),
                server_id: server_id.to_string(),
                volume_id: volume_id.clone(),
                device_name,
                tag: b.tag,
                delete_on_termination: b.delete_on_termination,
                boot_index: b.boot_index,
                attachment_id,
            };
            self.compute.block_devices.push(bdm);
            // nova-compute's _prep_block_device, as the server spawns: by then Cinder has built
            // the new volumes.
            let due = self.now() + Duration::seconds(BOOT_ATTACH_SECS);
            self.sim.scheduler.schedule(due, Event::VolumeAttached { server_id: server_id.into(), volume_id });
        }
        Ok(())
    }
}

impl World {
    /// Nova's mappings for the volumes a fixture attaches to its servers (Cinder already holds
    /// their attachments). The mapping's uuid is derived from the attachment's, so building the
    /// fixture draws nothing more from the seeded ids.
    pub(crate) fn map_fixture_volumes(&mut self) {
        let mut found = Vec::new();
        for v in &self.volume.volumes {
            for a in v.attachments.iter().filter(|a| a.is_attached()) {
                if self.compute.server(&a.server_id).is_some() {
                    found.push((v.id.clone(), a.clone()));
                }
            }
        }
        for (volume_id, a) in found {
            let derived = uuid::Uuid::try_parse(&a.id).map(|u| uuid::Uuid::from_u128(u.as_u128() ^ 0x5a5a_5a5a)).unwrap_or_default();
            self.compute.block_devices.push(BlockDevice {
                uuid: derived.to_string(),
                server_id: a.server_id.clone(),
                volume_id,
                device_name: a.device.clone(),
                tag: None,
                delete_on_termination: false,
                boot_index: None,
                attachment_id: Some(a.id.clone()),
            });
        }
    }
}
