//! Cinder's attachment records as Nova drives them (the 3.27+ attachments flow): Nova's API creates
//! an attachment (`attachment_create`: the volume is `reserved`), the compute host connects it and
//! completes it (`attachment_complete`: `in-use`, the attachment `attached`); a detach first marks
//! the volume `detaching` (`begin_detaching`) and then deletes the attachment
//! (`attachment_delete`: `available` once none is left).

use super::error::VolumeError;
use super::model::{transition, Attachment, Requester, Volume, Volumes, BACKEND_HOST, BACKEND_POOL};
use crate::sim::Core;
use crate::volume::Event;

impl Volumes {
    fn attached_volume_mut(&mut self, id: &str) -> Option<&mut Volume> {
        self.volumes.iter_mut().find(|v| v.id == id)
    }

    fn move_status(&mut self, id: &str, to: &str, core: &mut impl Core<Event>) {
        let now = core.now();
        let Some(v) = self.attached_volume_mut(id) else { return };
        let from = std::mem::replace(&mut v.status, to.to_string());
        v.updated_at = Some(now);
        if from != to {
            core.record(transition(id, Some(from), to));
        }
    }

    /// `attachment_create` for a server: refused unless the volume is `available` (or `in-use`
    /// and multiattach); the volume is `reserved` and the new attachment's id returned.
    pub fn create_attachment(
        &mut self,
        id: &str,
        server_id: &str,
        who: Requester,
        core: &mut impl Core<Event>,
    ) -> Result<String, VolumeError> {
        let v = self.show(id, who)?;
        let ok = v.status == "available" || (v.multiattach && ["in-use", "reserved"].contains(&v.status.as_str()));
        if !ok {
            return Err(VolumeError::BadRequest(format!(
                "Invalid volume: Volume {id} status must be available or downloading to reserve, but the current status is {}.",
                v.status
            )));
        }
        let now = core.now();
        let attachment_id = core.ids().uuid();
        let v = self.attached_volume_mut(id).expect("checked");
        v.attachments.push(Attachment {
            id: attachment_id.clone(),
            server_id: server_id.to_string(),
            device: String::new(),
            host_name: None,
            attached_at: now,
            attach_status: "reserved".into(),
        });
        if v.status == "available" {
            self.move_status(id, "reserved", core);
        }
        Ok(attachment_id)
    }

    /// `attachment_update` with the host's connector and `attachment_complete`: the attachment is
    /// `attached` at `device` on `host` and the volume `in-use`.
    pub fn complete_attachment(&mut self, id: &str, attachment_id: &str, device: &str, host: Option<&str>, core: &mut impl Core<Event>) {
        let now = core.now();
        let Some(v) = self.attached_volume_mut(id) else { return };
        let Some(a) = v.attachments.iter_mut().find(|a| a.id == attachment_id) else { return };
        a.attach_status = "attached".into();
        a.device = device.to_string();
        a.host_name = host.map(str::to_string);
        a.attached_at = now;
        v.admin_metadata.insert("attached_mode".into(), "rw".into());
        if v.host.is_none() {
            v.host = Some(format!("{BACKEND_HOST}#{BACKEND_POOL}"));
        }
        self.move_status(id, "in-use", core);
    }

    /// `begin_detaching`: only an `in-use` volume may start a detach.
    pub fn begin_detaching_attachment(&mut self, id: &str, attachment_id: &str, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.volume(id).ok_or_else(|| super::model::volume_not_found(id))?;
        if v.status != "in-use" {
            return Err(VolumeError::BadRequest(
                "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach."
                    .into(),
            ));
        }
        let v = self.attached_volume_mut(id).expect("checked");
        if let Some(a) = v.attachments.iter_mut().find(|a| a.id == attachment_id) {
            a.attach_status = "detaching".into();
        }
        self.move_status(id, "detaching", core);
        Ok(())
    }

    /// `attachment_delete`: the attachment goes; with none left the volume is `available` (else it
    /// stays `in-use`).
    pub fn delete_attachment(&mut self, id: &str, attachment_id: &str, core: &mut impl Core<Event>) {
        let Some(v) = self.attached_volume_mut(id) else { return };
        v.attachments.retain(|a| a.id != attachment_id);
        let to = if v.attachments.iter().any(Attachment::is_attached) {
            "in-use"
        } else if v.attachments.is_empty() {
            v.admin_metadata.remove("attached_mode");
            "available"
        } else {
            "reserved"
        };
        if v.status != "deleting" {
            self.move_status(id, to, core);
        }
    }

    /// A delete on a server's termination (`delete_on_termination`), asked as Nova does: the
    /// attachment is gone by now, so Cinder's ordinary delete rules apply.
    pub fn delete_for_server(&mut self, id: &str, core: &mut impl Core<Event>) {
        let who = Requester { project_id: "", user_id: "", admin: true };
        let _ = self.delete(id, who, false, core);
    }
}
