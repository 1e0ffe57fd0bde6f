//! Cinder's state and rules: the services with their heartbeats, volume types, quotas and volumes,
//! whose status moves on the simulated clock through scheduled events.
//!
//! What happens to a volume follows cinder's flow: the API reserves quota and casts to a
//! cinder-scheduler; the scheduler picks a backend whose cinder-volume is up and enabled (else the
//! volume goes to `error`: "No valid backend was found"); the backend creates it (`available`).
//! A cast to a service that has stopped is not processed, so the volume stays `creating` (or
//! `deleting`) until the service comes back: a scheduler then places it, and cinder-volume's
//! `init_host` sets volumes it finds `creating` to `error` and finishes deletes it finds `deleting`.
//! The signatures of `from_fixture` and `set_service_alive` are a contract World and host events use.

pub use super::error::{invalid_input, VolumeError};
pub use super::request::MAX_LIMIT;
use super::request::{parse_metadata_filter, time_filter, truthy, ListQuery, NewVolume, VolumeUpdate};
use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::image::Images;
use crate::sim::heartbeat::{Heartbeat, Timing};

/// Cinder's services report every 10 s and are down 60 s after the last report
/// (`service_down_time`).
pub const CINDER: Timing = Timing { report_interval_secs: 10, down_time_secs: 60 };
use crate::sim::journal::{Journal, Record};
use crate::sim::{Core, Ids, SimTime};
use crate::volume::Event;
use anyhow::anyhow;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

pub const SCHEDULER_BINARY: &str = "cinder-scheduler";
pub const VOLUME_BINARY: &str = "cinder-volume";
/// The TripleO Ceph backend: cinder-volume runs under Pacemaker with this shared host name.
pub const BACKEND_HOST: &str = "hostgroup@tripleo_ceph";
pub const BACKEND_POOL: &str = "tripleo_ceph";
pub const ZONE: &str = "nova";
pub const DEFAULT_TYPE: &str = "__DEFAULT__";
/// How long the backend takes to create an empty volume, one from an image or a clone, and to delete.
pub const CREATE_SECS: i64 = 3;
pub const CREATE_FROM_IMAGE_SECS: i64 = 8;
pub const DELETE_SECS: i64 = 2;
const GIB: u64 = 1 << 30;
/// Statuses a volume may be deleted from (cinder/volume/api.py `delete`).
const DELETABLE: &[&str] = &["available", "error", "error_restoring", "error_extending", "error_managing"];

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VolumeService {
    pub binary: String,
    pub host: String,
    pub zone: String,
    pub disabled: bool,
    pub disabled_reason: Option<String>,
    pub heartbeat: Heartbeat,
    pub created_at: SimTime,
    /// Frozen by an admin (`os-services/freeze`): the backend takes no management calls.
    #[serde(default)]
    pub frozen: bool,
}

impl VolumeService {
    /// Running: the process reports (a stopped one may still look up for `service_down_time`).
    pub fn running(&self) -> bool {
        self.heartbeat.stopped_at.is_none()
    }

    pub fn is_up(&self, now: SimTime) -> bool {
        self.heartbeat.is_up(now, CINDER)
    }

    pub fn updated_at(&self, now: SimTime) -> SimTime {
        self.heartbeat.last_report(now, CINDER).max(self.created_at)
    }
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VolumeType {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    #[serde(default = "yes")]
    pub is_public: bool,
    #[serde(default)]
    pub extra_specs: BTreeMap<String, String>,
    /// The projects a private type is shared with (`os-volume-type-access`).
    #[serde(default)]
    pub projects: Vec<String>,
    #[serde(default)]
    pub qos_specs_id: Option<String>,
    #[serde(default)]
    pub encryption: Option<Encryption>,
}

impl VolumeType {
    /// Whether a project may use (and see) the type: public, shared with it, or asked by an admin.
    pub fn visible_to(&self, who: Requester) -> bool {
        who.admin || self.is_public || self.projects.iter().any(|p| p == who.project_id)
    }
}

/// A volume type's encryption (`os-volume-type-encryption`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Encryption {
    pub encryption_id: String,
    pub provider: String,
    pub cipher: Option<String>,
    pub key_size: Option<i64>,
    pub control_location: String,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
}

/// A QoS specs entity: a consumer and key/value specs, associated with volume types.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QosSpec {
    pub id: String,
    pub name: String,
    pub consumer: String,
    pub specs: BTreeMap<String, String>,
    pub created_at: SimTime,
}

/// A point-in-time copy of a volume, kept by the volume's backend.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: String,
    pub volume_id: String,
    pub project_id: String,
    pub user_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    /// GiB, the volume's size when taken.
    pub size: u64,
    pub status: String,
    pub metadata: BTreeMap<String, String>,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
    /// What the backend last reported (`os-update_snapshot_status`), e.g. `80%`.
    #[serde(default)]
    pub progress: Option<String>,
    /// The group snapshot it was taken as part of (3.14).
    #[serde(default)]
    pub group_snapshot_id: Option<String>,
}

/// A group type: what a group of volumes may be (3.11), with its group specs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GroupType {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub is_public: bool,
    pub group_specs: BTreeMap<String, String>,
}

/// A generic volume group (3.13): volumes of the listed types, managed together.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub project_id: String,
    pub user_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub availability_zone: String,
    pub group_type_id: String,
    pub volume_type_ids: Vec<String>,
    pub source_group_id: Option<String>,
    pub created_at: SimTime,
}

/// A group snapshot (3.14): one snapshot of each of a group's volumes, taken together.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GroupSnapshot {
    pub id: String,
    pub group_id: String,
    pub project_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub group_type_id: String,
    pub created_at: SimTime,
}

/// A message Cinder leaves for a project about an asynchronous failure (`/messages`, 3.3).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserMessage {
    pub id: String,
    pub project_id: String,
    pub event_id: String,
    pub user_message: String,
    pub resource_type: String,
    pub resource_uuid: String,
    pub request_id: String,
    pub created_at: SimTime,
}

/// What the RBD backend reports to the scheduler as its capabilities, which a volume type's
/// unscoped (or `capabilities:`) extra specs must match.
pub const BACKEND_CAPABILITIES: &[(&str, &str)] = &[
    ("volume_backend_name", BACKEND_POOL),
    ("vendor_name", "Open Source"),
    ("driver_version", "1.2.0"),
    ("storage_protocol", "ceph"),
    ("QoS_support", "False"),
    ("multiattach", "True"),
    ("thin_provisioning_support", "True"),
    ("replication_enabled", "False"),
    ("reserved_percentage", "0"),
];

/// Cinder's `extra_specs_ops.match` for the operators a string capability can meet.
fn spec_matches(cap: &str, req: &str) -> bool {
    let words: Vec<&str> = req.split_whitespace().collect();
    let num = |t: &str| t.parse::<f64>().ok();
    match words.as_slice() {
        ["<is>", want] => cap.eq_ignore_ascii_case(want),
        ["<in>", want] => cap.contains(want),
        ["s==", want] => cap == *want,
        ["s!=", want] => cap != *want,
        ["==", want] | ["=", want] => num(cap).zip(num(want)).is_some_and(|(c, w)| if words[0] == "=" { c >= w } else { c == w }),
        ["!=", want] => num(cap).zip(num(want)).is_some_and(|(c, w)| c != w),
        [">=", want] => num(cap).zip(num(want)).is_some_and(|(c, w)| c >= w),
        ["<=", want] => num(cap).zip(num(want)).is_some_and(|(c, w)| c <= w),
        ["<or>", ..] => words.iter().skip(1).filter(|w| **w != "<or>").any(|w| cap == *w),
        _ => cap == req,
    }
}

/// The capabilities filter: whether the backend can take a volume of a type with these specs.
pub fn backend_satisfies(extra_specs: &BTreeMap<String, String>) -> bool {
    extra_specs.iter().all(|(key, req)| {
        let scope: Vec<&str> = key.split(':').collect();
        let name = match scope.as_slice() {
            [one] => *one,
            ["capabilities", rest @ ..] => {
                return rest.len() == 1 && BACKEND_CAPABILITIES.iter().any(|(k, c)| *k == rest[0] && spec_matches(c, req))
            }
            _ => return true,
        };
        BACKEND_CAPABILITIES.iter().any(|(k, c)| *k == name && spec_matches(c, req))
    })
}

/// A volume offered to another project: who accepts it with the auth key becomes its owner.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Transfer {
    pub id: String,
    pub volume_id: String,
    pub name: Option<String>,
    pub project_id: String,
    /// Only the salted hash is kept in Cinder; the key itself is shown once, at create.
    pub auth_key: String,
    pub no_snapshots: bool,
    pub created_at: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub server_id: String,
    pub device: String,
    pub host_name: Option<String>,
    pub attached_at: SimTime,
    /// Cinder's attachment status: `reserved` from `attachment_create` until the compute host
    /// completes it (`attached`), `detaching` while it is taken down. The volume's `attachments`
    /// list shows only attached ones.
    #[serde(default = "attached")]
    pub attach_status: String,
}

fn attached() -> String {
    "attached".into()
}

impl Attachment {
    pub fn is_attached(&self) -> bool {
        self.attach_status == "attached"
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImageRef {
    pub image_id: String,
    pub image_name: String,
    pub disk_format: String,
    pub container_format: String,
    pub min_disk: u64,
    pub min_ram: u64,
    pub size: u64,
    pub checksum: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Volume {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub project_id: String,
    pub user_id: String,
    /// GiB.
    pub size: u64,
    pub status: String,
    pub availability_zone: String,
    pub volume_type_id: String,
    pub bootable: bool,
    pub multiattach: bool,
    pub metadata: BTreeMap<String, String>,
    /// `host@backend#pool`, once the scheduler has placed it.
    pub host: Option<String>,
    pub source_volid: Option<String>,
    pub image: Option<ImageRef>,
    pub attachments: Vec<Attachment>,
    pub created_at: SimTime,
    pub updated_at: Option<SimTime>,
    #[serde(default)]
    pub snapshot_id: Option<String>,
    /// What `volume_image_metadata` shows: the image's properties for a volume made from one, and
    /// whatever `os-set_image_metadata` added.
    #[serde(default)]
    pub image_metadata: BTreeMap<String, String>,
    /// Admin metadata Cinder keeps apart from the user's: `readonly`, `attached_mode`.
    #[serde(default)]
    pub admin_metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub migration_status: Option<String>,
    /// The generic volume group (3.13) the volume belongs to.
    #[serde(default)]
    pub group_id: Option<String>,
}

impl Volume {
    fn backend(&self) -> Option<&str> {
        self.host.as_deref().map(|h| h.split('#').next().unwrap_or(h))
    }
}

/// Cinder's default quota class (`quota_volumes`, `quota_snapshots`, `quota_gigabytes`,
/// `quota_backups`, `quota_backup_gigabytes`, `quota_groups`, `per_volume_size_limit`); `-1` is
/// unlimited. Each volume type adds `volumes_<type>`, `snapshots_<type>` and `gigabytes_<type>`,
/// unlimited by default.
pub const QUOTA_DEFAULTS: [(&str, i64); 7] = [
    ("volumes", 10),
    ("snapshots", 10),
    ("gigabytes", 1000),
    ("backups", 10),
    ("backup_gigabytes", 1000),
    ("groups", 10),
    ("per_volume_gigabytes", -1),
];

pub fn volume_not_found(id: &str) -> VolumeError {
    VolumeError::NotFound(format!("Volume {id} could not be found."))
}

/// Who is asking, for Cinder's project scoping (admin context reads every project).
#[derive(Clone, Copy, Debug)]
pub struct Requester<'a> {
    pub project_id: &'a str,
    pub user_id: &'a str,
    pub admin: bool,
}

/// The listing rules: how a parsed query orders and selects volumes.
impl ListQuery {
    fn compare(&self, a: &Volume, b: &Volume) -> Ordering {
        for (key, asc) in &self.sort {
            let ord = match key.as_str() {
                "id" => a.id.cmp(&b.id),
                "name" => a.name.cmp(&b.name),
                "status" => a.status.cmp(&b.status),
                "size" => a.size.cmp(&b.size),
                "availability_zone" => a.availability_zone.cmp(&b.availability_zone),
                "bootable" => a.bootable.cmp(&b.bootable),
                "project_id" => a.project_id.cmp(&b.project_id),
                "updated_at" => a.updated_at.cmp(&b.updated_at),
                _ => a.created_at.cmp(&b.created_at),
            };
            let ord = if *asc { ord } else { ord.reverse() };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }

    fn matches(&self, v: &Volume) -> bool {
        self.filters.iter().all(|(k, want)| match k.as_str() {
            "name" => v.name.as_deref() == Some(want.as_str()),
            "name~" => v.name.as_deref().is_some_and(|n| n.contains(want.as_str())),
            "status" => v.status == *want,
            "status~" => v.status.contains(want.as_str()),
            "availability_zone" => v.availability_zone == *want,
            "bootable" => truthy(want) == Some(v.bootable),
            "size" => want.parse::<u64>().ok() == Some(v.size),
            "project_id" => v.project_id == *want,
            "metadata" => parse_metadata_filter(want).iter().all(|(mk, mv)| v.metadata.get(mk) == Some(mv)),
            "created_at" => time_filter(want).is_ok_and(|(op, t)| op.holds(v.created_at.cmp(&t))),
            "updated_at" => time_filter(want).is_ok_and(|(op, t)| op.holds(v.updated_at.unwrap_or(v.created_at).cmp(&t))),
            "group_id" => v.group_id.as_deref() == Some(want.as_str()),
            "migration_status" => false,
            _ => false,
        })
    }
}

/// One page of a listing.
pub struct Page<'a> {
    pub volumes: Vec<&'a Volume>,
    /// Set when the page is full, as Cinder's `_get_collection_links` decides.
    pub next_marker: Option<String>,
    pub count: usize,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Volumes {
    pub services: Vec<VolumeService>,
    pub types: Vec<VolumeType>,
    pub volumes: Vec<Volume>,
    /// Per-project quota overrides, by resource; what is not listed comes from the default class.
    #[serde(default)]
    pub quotas: BTreeMap<String, BTreeMap<String, i64>>,
    /// The default quota class as an admin changed it (`os-quota-class-sets/default`).
    #[serde(default)]
    pub quota_class: BTreeMap<String, i64>,
    #[serde(default)]
    pub qos_specs: Vec<QosSpec>,
    #[serde(default)]
    pub snapshots: Vec<Snapshot>,
    #[serde(default)]
    pub transfers: Vec<Transfer>,
    #[serde(default)]
    pub messages: Vec<UserMessage>,
    #[serde(default)]
    pub group_types: Vec<GroupType>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub group_snapshots: Vec<GroupSnapshot>,
}

impl Volumes {
    /// Services (cinder-scheduler on each controller, cinder-volume on the backend host) and the
    /// fixture's volumes; `server_id` maps a fixture server name to its id for attachments. A volume
    /// whose server is unknown (no server of that name, or Nova not built) is left `available`.
    pub fn from_fixture(
        f: &Fixture,
        idn: &Identity,
        ids: &mut Ids,
        now: SimTime,
        server_id: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Volumes> {
        let service = |binary: &str, host: &str| VolumeService {
            binary: binary.into(),
            host: host.into(),
            zone: ZONE.into(),
            disabled: false,
            disabled_reason: None,
            heartbeat: Heartbeat::default(),
            created_at: now,
            frozen: false,
        };
        let mut services: Vec<VolumeService> = f.controllers.iter().map(|c| service(SCHEDULER_BINARY, c)).collect();
        services.push(service(VOLUME_BINARY, BACKEND_HOST));
        let types = vec![VolumeType {
            id: ids.uuid(),
            name: DEFAULT_TYPE.into(),
            description: Some("Default Volume Type".into()),
            is_public: true,
            extra_specs: BTreeMap::new(),
            projects: Vec::new(),
            qos_specs_id: None,
            encryption: None,
        }];
        let mut volumes: Vec<Volume> = Vec::new();
        for spec in &f.volumes {
            let project =
                idn.project_named(&spec.project).ok_or_else(|| anyhow!("volume {}: unknown project {}", spec.name, spec.project))?;
            let user_id = idn
                .users
                .iter()
                .find(|u| u.default_project_id.as_deref() == Some(project.id.as_str()))
                .or_else(|| idn.users.iter().find(|u| idn.user_projects(&u.id).iter().any(|p| p.id == project.id)))
                .map(|u| u.id.clone())
                .unwrap_or_default();
            let id = spec.id.clone().unwrap_or_else(|| ids.uuid());
            let mut attachments = Vec::new();
            if let Some(sid) = spec.attached_to.as_deref().and_then(server_id) {
                let taken = volumes.iter().flat_map(|v| &v.attachments).filter(|a| a.server_id == sid).count();
                attachments.push(Attachment {
                    id: ids.uuid(),
                    device: format!("/dev/vd{}", (b'b' + taken.min(24) as u8) as char),
                    server_id: sid,
                    host_name: None,
                    attached_at: now,
                    attach_status: attached(),
                });
            }
            volumes.push(Volume {
                id,
                name: Some(spec.name.clone()),
                description: None,
                project_id: project.id.clone(),
                user_id,
                size: spec.size,
                status: if attachments.is_empty() { "available" } else { "in-use" }.into(),
                availability_zone: ZONE.into(),
                volume_type_id: types[0].id.clone(),
                bootable: false,
                multiattach: false,
                metadata: BTreeMap::new(),
                host: Some(format!("{BACKEND_HOST}#{BACKEND_POOL}")),
                source_volid: None,
                image: None,
                attachments,
                created_at: now,
                updated_at: Some(now),
                snapshot_id: None,
                image_metadata: BTreeMap::new(),
                admin_metadata: BTreeMap::new(),
                migration_status: None,
                group_id: None,
            });
        }
        Ok(Volumes { services, types, volumes, ..Volumes::default() })
    }

    /// Host events: a volume service stops (or resumes) reporting. `binary` e.g. `cinder-volume`.
    /// A scheduler that resumes places the volumes left waiting for one; a cinder-volume that
    /// resumes runs `init_host`: its `creating` volumes go to `error`, its `deleting` ones are
    /// deleted. Returns whether such a service exists.
    pub fn set_service_alive(&mut self, binary: &str, host: &str, alive: bool, now: SimTime) -> bool {
        let Some(svc) = self.services.iter_mut().find(|s| s.binary == binary && s.host == host) else { return false };
        if !alive {
            svc.heartbeat.stop(now);
            return true;
        }
        let was_stopped = !svc.running();
        svc.heartbeat.resume();
        if was_stopped && binary == SCHEDULER_BINARY {
            let waiting: Vec<String> =
                self.volumes.iter().filter(|v| v.status == "creating" && v.host.is_none()).map(|v| v.id.clone()).collect();
            for id in waiting {
                self.place(&id, now, None);
            }
        }
        if was_stopped && binary == VOLUME_BINARY {
            for v in self.volumes.iter_mut().filter(|v| v.backend() == Some(host) && v.status == "creating") {
                v.status = "error".into();
                v.updated_at = Some(now);
            }
            self.volumes.retain(|v| !(v.backend() == Some(host) && v.status == "deleting"));
        }
        true
    }

    /// An operator disables (or enables) a service, as `cinder service-disable` does; the scheduler
    /// skips disabled backends.
    pub fn set_service_disabled(&mut self, binary: &str, host: &str, disabled: bool, reason: Option<String>) -> bool {
        let Some(svc) = self.services.iter_mut().find(|s| s.binary == binary && s.host == host) else { return false };
        svc.disabled = disabled;
        svc.disabled_reason = if disabled { reason } else { None };
        true
    }

    pub fn service(&self, binary: &str, host: &str) -> Option<&VolumeService> {
        self.services.iter().find(|s| s.binary == binary && s.host == host)
    }

    pub fn volume(&self, id: &str) -> Option<&Volume> {
        self.volumes.iter().find(|v| v.id == id)
    }

    pub fn volume_type(&self, id: &str) -> Option<&VolumeType> {
        self.types.iter().find(|t| t.id == id)
    }

    /// The volumes attached to a server, for Nova's `os-extended-volumes:volumes_attached`.
    pub fn attached_to(&self, server_id: &str) -> Vec<&Volume> {
        self.volumes.iter().filter(|v| v.attachments.iter().any(|a| a.server_id == server_id)).collect()
    }

    /// The default class's limit for a resource (a per-type resource of an unknown type is -1).
    pub fn quota_default(&self, resource: &str) -> i64 {
        self.quota_class
            .get(resource)
            .copied()
            .or_else(|| QUOTA_DEFAULTS.iter().find(|(r, _)| *r == resource).map(|(_, l)| *l))
            .unwrap_or(-1)
    }

    /// A project's limit for a resource: its own if an admin set one, else the default class's.
    pub fn quota_limit(&self, project_id: &str, resource: &str) -> i64 {
        self.quotas.get(project_id).and_then(|q| q.get(resource)).copied().unwrap_or_else(|| self.quota_default(resource))
    }

    /// What a project uses of a resource, counted from what it owns.
    pub fn quota_usage(&self, project_id: &str, resource: &str) -> i64 {
        let vols = self.volumes.iter().filter(|v| v.project_id == project_id);
        let snaps = self.snapshots.iter().filter(|s| s.project_id == project_id);
        let type_of = |suffix: &str| self.types.iter().find(|t| t.name == suffix).map(|t| t.id.clone());
        let snap_type = |s: &Snapshot| self.volume(&s.volume_id).map(|v| v.volume_type_id.clone());
        match resource {
            "volumes" => vols.count() as i64,
            "gigabytes" => vols.map(|v| v.size as i64).sum::<i64>() + snaps.map(|s| s.size as i64).sum::<i64>(),
            "snapshots" => snaps.count() as i64,
            r => {
                if let Some(t) = r.strip_prefix("volumes_").and_then(type_of) {
                    vols.filter(|v| v.volume_type_id == t).count() as i64
                } else if let Some(t) = r.strip_prefix("snapshots_").and_then(type_of) {
                    snaps.filter(|s| snap_type(s).as_deref() == Some(t.as_str())).count() as i64
                } else if let Some(t) = r.strip_prefix("gigabytes_").and_then(type_of) {
                    vols.filter(|v| v.volume_type_id == t).map(|v| v.size as i64).sum::<i64>()
                        + snaps.filter(|s| snap_type(s).as_deref() == Some(t.as_str())).map(|s| s.size as i64).sum::<i64>()
                } else {
                    0
                }
            }
        }
    }

    /// Every quota resource: the fixed ones, then three per volume type.
    pub fn quota_resources(&self) -> Vec<String> {
        let mut out: Vec<String> = QUOTA_DEFAULTS.iter().map(|(r, _)| r.to_string()).collect();
        for t in &self.types {
            for k in ["volumes", "snapshots", "gigabytes"] {
                out.push(format!("{k}_{}", t.name));
            }
        }
        out
    }

    /// Cinder's gigabytes check for a volume or snapshot of `size` more GiB (413 when over).
    pub fn check_gigabytes(&self, project_id: &str, size: u64) -> Result<(), VolumeError> {
        let limit = self.quota_limit(project_id, "gigabytes");
        let used = self.quota_usage(project_id, "gigabytes");
        if limit >= 0 && used + size as i64 > limit {
            return Err(VolumeError::OverLimit(format!(
                "Requested volume or snapshot exceeds allowed gigabytes quota. Requested {size}G, quota is {limit}G and {used}G has been consumed."
            )));
        }
        Ok(())
    }

    /// A volume the requester may see: its own project's, or any for admin.
    pub fn show(&self, id: &str, who: Requester) -> Result<&Volume, VolumeError> {
        self.volume(id).filter(|v| who.admin || v.project_id == who.project_id).ok_or_else(|| volume_not_found(id))
    }

    /// `GET /volumes(/detail)`: the requester's project (every project for an admin asking
    /// `all_tenants`), filtered, sorted, then paged after the marker.
    pub fn list(&self, q: &ListQuery, who: Requester) -> Result<Page<'_>, VolumeError> {
        let everyone = who.admin && q.all_tenants;
        let mut found: Vec<&Volume> =
            self.volumes.iter().filter(|v| (everyone || v.project_id == who.project_id) && q.matches(v)).collect();
        found.sort_by(|a, b| q.compare(a, b));
        let count = found.len();
        if let Some(m) = &q.marker {
            let marker = self.show(m, who)?;
            found.retain(|v| q.compare(v, marker) == Ordering::Greater);
        }
        let found: Vec<&Volume> = found.into_iter().skip(q.offset).collect();
        let limit = q.limit.unwrap_or(MAX_LIMIT);
        let full = found.len() >= limit && limit > 0;
        let page: Vec<&Volume> = found.into_iter().take(limit).collect();
        let next_marker = if full { page.last().map(|v| v.id.clone()) } else { None };
        Ok(Page { volumes: page, next_marker, count })
    }

    /// `POST /volumes`: validates everything, reserves quota, and schedules the creation.
    pub fn create(&mut self, new: NewVolume, who: Requester, images: &Images, core: &mut impl Core<Event>) -> Result<&Volume, VolumeError> {
        let now = core.now();
        let snapshot = match &new.snapshot_id {
            Some(id) => {
                let snap = self.snapshot_for(id, who)?;
                if snap.status != "available" {
                    return Err(VolumeError::BadRequest(format!(
                        "Invalid snapshot: Originating snapshot status must be one of 'available' values"
                    )));
                }
                Some(snap)
            }
            None => None,
        };
        if let Some(id) = &new.backup_id {
            return Err(VolumeError::NotFound(format!("Backup {id} could not be found.")));
        }
        let zone = new.availability_zone.clone().unwrap_or_else(|| ZONE.into());
        if zone != ZONE {
            return Err(VolumeError::BadRequest(format!("Availability zone '{zone}' is invalid.")));
        }
        // Without a type, a volume takes its source's (snapshot or volume), else the default.
        let inherited = snapshot
            .and_then(|s| self.volume(&s.volume_id))
            .or_else(|| new.source_volid.as_deref().and_then(|id| self.volume(id)))
            .and_then(|v| self.volume_type(&v.volume_type_id));
        let vtype = match new.volume_type.as_deref() {
            None | Some("") => inherited.unwrap_or(&self.types[0]),
            Some(t) => self
                .types
                .iter()
                .filter(|x| x.visible_to(who))
                .find(|x| x.name == t || x.id == t)
                .ok_or_else(|| VolumeError::NotFound(format!("Volume type with name {t} could not be found.")))?,
        };
        if let Some(gid) = &new.group_id {
            let g = self
                .groups
                .iter()
                .find(|g| g.id == *gid && (who.admin || g.project_id == who.project_id))
                .ok_or_else(|| VolumeError::NotFound(format!("Group {gid} could not be found.")))?;
            if g.status != "available" {
                return Err(VolumeError::BadRequest(format!(
                    "Invalid group: Group status must be available, but current status is: {}.",
                    g.status
                )));
            }
            if !g.volume_type_ids.contains(&vtype.id) {
                return Err(invalid_input(format!(
                    "Invalid volume_type provided: {} (requested type is not compatible with group).",
                    vtype.id
                )));
            }
        }
        let source = match &new.source_volid {
            Some(id) => {
                let s = self.show(id, who)?;
                if !["available", "in-use"].contains(&s.status.as_str()) {
                    return Err(VolumeError::BadRequest(format!(
                        "Invalid volume: Unable to create a volume from an originating source volume when its status is not 'available' or 'in-use'. The source volume status is {}.",
                        s.status
                    )));
                }
                Some(s)
            }
            None => None,
        };
        let image = match &new.image_ref {
            Some(r) => {
                let i = images
                    .find(r, who.project_id, who.admin)
                    .ok_or_else(|| VolumeError::BadRequest("Invalid image identifier or unable to access requested image.".into()))?;
                if i.status != "active" {
                    return Err(invalid_input(format!("Image {} is not active.", i.id)));
                }
                Some(i)
            }
            None => None,
        };
        if let (Some(snap), Some(size)) = (snapshot, new.size) {
            if size < snap.size {
                return Err(invalid_input(format!(
                    "Volume size '{size}'GB cannot be smaller than the snapshot size {}GB. They must be >= original snapshot size.",
                    snap.size
                )));
            }
        }
        let size = new.size.or(source.map(|s| s.size)).or(snapshot.map(|s| s.size)).ok_or_else(|| {
            invalid_input("Invalid volume size provided for create request: None (size argument must be an integer (or string representation of an integer) and greater than zero).")
        })?;
        if let Some(s) = source {
            if size < s.size {
                return Err(invalid_input(format!(
                    "Volume size '{size}'GB cannot be smaller than original volume size  {}GB. They must be >= original volume size.",
                    s.size
                )));
            }
        }
        if let Some(i) = image {
            let image_gb = i.size.div_ceil(GIB);
            if image_gb > size {
                return Err(invalid_input(format!("Size of specified image {image_gb}GB is larger than volume size {size}GB.")));
            }
            if i.min_disk > size {
                return Err(invalid_input(format!("Volume size {size}GB cannot be smaller than the image minDisk size {}GB.", i.min_disk)));
            }
        }
        let per_volume = self.quota_limit(who.project_id, "per_volume_gigabytes");
        if per_volume >= 0 && size as i64 > per_volume {
            return Err(VolumeError::OverLimit(format!(
                "Requested volume size {size}G is larger than maximum allowed limit {per_volume}G."
            )));
        }
        self.check_gigabytes(who.project_id, size)?;
        let max_volumes = self.quota_limit(who.project_id, "volumes");
        if max_volumes >= 0 && self.quota_usage(who.project_id, "volumes") >= max_volumes {
            return Err(VolumeError::OverLimit(format!("Maximum number of volumes allowed ({max_volumes}) exceeded for quota 'volumes'.")));
        }
        let image_ref = image.map(|i| ImageRef {
            image_id: i.id.clone(),
            image_name: i.name.clone(),
            disk_format: i.disk_format.clone(),
            container_format: i.container_format.clone(),
            min_disk: i.min_disk,
            min_ram: i.min_ram,
            size: i.size,
            checksum: i.checksum.clone(),
        });
        let mut image_metadata = BTreeMap::new();
        if let (Some(r), Some(i)) = (&image_ref, image) {
            image_metadata.extend(i.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
            image_metadata.insert("image_id".into(), r.image_id.clone());
            image_metadata.insert("image_name".into(), r.image_name.clone());
            image_metadata.insert("disk_format".into(), r.disk_format.clone());
            image_metadata.insert("container_format".into(), r.container_format.clone());
            image_metadata.insert("min_disk".into(), r.min_disk.to_string());
            image_metadata.insert("min_ram".into(), r.min_ram.to_string());
            image_metadata.insert("size".into(), r.size.to_string());
            if let Some(c) = &r.checksum {
                image_metadata.insert("checksum".into(), c.clone());
            }
        }
        let origin = source.or_else(|| snapshot.and_then(|s| self.volume(&s.volume_id)));
        if image_metadata.is_empty() {
            if let Some(o) = origin {
                image_metadata = o.image_metadata.clone();
            }
        }
        let bootable = image_ref.is_some() || origin.is_some_and(|s| s.bootable);
        let took = if image_ref.is_some() { CREATE_FROM_IMAGE_SECS } else { CREATE_SECS };
        let volume = Volume {
            id: core.ids().uuid(),
            name: new.name,
            description: new.description,
            project_id: who.project_id.into(),
            user_id: who.user_id.into(),
            size,
            status: "creating".into(),
            availability_zone: zone,
            volume_type_id: vtype.id.clone(),
            bootable,
            multiattach: new.multiattach,
            metadata: new.metadata,
            host: None,
            source_volid: new.source_volid,
            image: image_ref,
            attachments: Vec::new(),
            created_at: now,
            updated_at: None,
            snapshot_id: new.snapshot_id,
            image_metadata,
            admin_metadata: BTreeMap::new(),
            migration_status: None,
            group_id: new.group_id,
        };
        core.record(transition(&volume.id, None, "creating"));
        core.schedule_at(now + Duration::seconds(took), Event::VolumeCreated { volume_id: volume.id.clone() });
        self.volumes.push(volume);
        Ok(self.volumes.last().expect("just pushed"))
    }

    /// The scheduled end of a create: the scheduler places the volume and the backend builds it.
    pub fn finish_create(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        if self.volume(id).is_some_and(|v| v.status == "creating" && v.host.is_none()) {
            self.place(id, at, Some(journal));
        }
    }

    /// The scheduler's decision for a `creating` volume: no running scheduler leaves it waiting;
    /// no backend up and enabled is `error`; a backend that is up but has stopped takes the cast and
    /// never answers, so the volume stays `creating` on that host; otherwise it is `available`.
    fn place(&mut self, id: &str, at: SimTime, journal: Option<&mut Journal>) {
        if !self.services.iter().any(|s| s.binary == SCHEDULER_BINARY && s.running()) {
            return;
        }
        let specs = self.volume(id).and_then(|v| self.volume_type(&v.volume_type_id)).map(|t| t.extra_specs.clone()).unwrap_or_default();
        let backend = self
            .services
            .iter()
            .find(|s| s.binary == VOLUME_BINARY && s.is_up(at) && !s.disabled && backend_satisfies(&specs))
            .map(|s| (s.host.clone(), s.running()));
        if backend.is_none() {
            self.leave_message(id, at);
        }
        let Some(v) = self.volumes.iter_mut().find(|v| v.id == id) else { return };
        let to = match backend {
            None => "error",
            Some((host, running)) => {
                v.host = Some(format!("{host}#{BACKEND_POOL}"));
                if running {
                    "available"
                } else {
                    "creating"
                }
            }
        };
        v.updated_at = Some(at);
        if v.status != to {
            let from = std::mem::replace(&mut v.status, to.into());
            if let Some(j) = journal {
                j.record(at, transition(id, Some(from), to));
            }
        }
    }

    /// The scheduler found no backend for a volume: its project gets a message. Its id is derived
    /// from the volume's, so a replay gives the same one.
    fn leave_message(&mut self, volume_id: &str, at: SimTime) {
        let Some(v) = self.volume(volume_id) else { return };
        let mut bytes = *uuid::Uuid::parse_str(volume_id).unwrap_or_default().as_bytes();
        bytes.iter_mut().for_each(|b| *b ^= 0x5a);
        let id = uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated().to_string();
        bytes.iter_mut().for_each(|b| *b ^= 0xa5);
        let request_id = format!("req-{}", uuid::Builder::from_random_bytes(bytes).into_uuid().hyphenated());
        let project_id = v.project_id.clone();
        self.messages.retain(|m| m.id != id);
        self.messages.push(UserMessage {
            id,
            project_id,
            event_id: "VOLUME_VOLUME_001_002".into(),
            user_message: "schedule allocate volume: Could not find any available weighted backend.".into(),
            resource_type: "VOLUME".into(),
            resource_uuid: volume_id.into(),
            request_id,
            created_at: at,
        });
    }

    /// `PUT /volumes/{id}`: name, description, metadata (replaced as a whole).
    pub fn update(&mut self, id: &str, u: VolumeUpdate, who: Requester, now: SimTime) -> Result<&Volume, VolumeError> {
        self.show(id, who)?;
        let v = self.volumes.iter_mut().find(|v| v.id == id).expect("shown above");
        if v.status == "maintenance" {
            return Err(VolumeError::BadRequest(format!("Invalid volume: Volume {id} is in maintenance state.")));
        }
        if let Some(n) = u.name {
            v.name = n;
        }
        if let Some(d) = u.description {
            v.description = d;
        }
        if let Some(m) = u.metadata {
            v.metadata = m;
        }
        v.updated_at = Some(now);
        Ok(v)
    }

    /// `DELETE /volumes/{id}`: only from a settled, unattached state, and without snapshots unless
    /// `cascade` asks to delete them too.
    pub fn delete(&mut self, id: &str, who: Requester, cascade: bool, core: &mut impl Core<Event>) -> Result<(), VolumeError> {
        let v = self.show(id, who)?;
        let snaps = self.snapshots.iter().filter(|s| s.volume_id == id).count();
        if !DELETABLE.contains(&v.status.as_str()) || !v.attachments.is_empty() || (snaps > 0 && !cascade) || v.group_id.is_some() {
            return Err(VolumeError::BadRequest(
                "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.".into(),
            ));
        }
        if cascade && self.snapshots.iter().any(|s| s.volume_id == id && !["available", "error"].contains(&s.status.as_str())) {
            return Err(VolumeError::BadRequest("Invalid volume: Snapshot of the volume is not in a deletable state.".into()));
        }
        self.start_delete(id, core);
        Ok(())
    }

    /// A delete the API has allowed: a volume the scheduler never placed has no backend to ask and
    /// is gone at once; otherwise it (and its snapshots) are `deleting` until the backend finishes.
    pub(super) fn start_delete(&mut self, id: &str, core: &mut impl Core<Event>) {
        let now = core.now();
        let Some(v) = self.volumes.iter_mut().find(|v| v.id == id) else { return };
        let from = std::mem::replace(&mut v.status, "deleting".into());
        v.updated_at = Some(now);
        if v.host.is_none() {
            self.volumes.retain(|v| v.id != id);
            self.snapshots.retain(|s| s.volume_id != id);
            core.record(transition(id, Some(from), "deleted"));
            return;
        }
        for s in self.snapshots.iter_mut().filter(|s| s.volume_id == id) {
            s.status = "deleting".into();
        }
        core.record(transition(id, Some(from), "deleting"));
        core.schedule_at(now + Duration::seconds(DELETE_SECS), Event::VolumeDeleted { volume_id: id.into() });
    }

    /// The scheduled end of a delete: gone, unless its backend has stopped (then it stays
    /// `deleting` until `init_host` finishes it).
    pub fn finish_delete(&mut self, id: &str, at: SimTime, journal: &mut Journal) {
        let Some(v) = self.volume(id).filter(|v| v.status == "deleting") else { return };
        let backend = v.backend().unwrap_or_default().to_string();
        if self.services.iter().any(|s| s.binary == VOLUME_BINARY && s.host == backend && s.running()) {
            self.volumes.retain(|v| v.id != id);
            self.snapshots.retain(|s| s.volume_id != id);
            self.transfers.retain(|t| t.volume_id != id);
            journal.record(at, transition(id, Some("deleting".into()), "deleted"));
        }
    }
}

pub(super) fn transition(id: &str, from: Option<String>, to: &str) -> Record {
    Record::Transition { resource: "volume".into(), id: id.into(), from, to: to.into() }
}

#[cfg(test)]
mod tests;
