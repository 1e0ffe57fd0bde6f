//! Nova's server snapshots and backups as rules and timings (`createImage`, `createBackup`): the
//! vm_states they start from, the task states they pass through, and the image metadata Nova gives
//! the new Glance image (nova/compute/utils.py `create_image` and
//! `initialize_instance_snapshot_metadata`, the libvirt driver's upload). The steps touch Glance
//! too, so they run in `flows/server_snapshots.rs`.

use super::model::VmState::{self, *};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `check_instance_state` of `snapshot` and `backup` in nova/compute/api.py.
pub const SNAPSHOT_FROM: &[VmState] = &[Active, Stopped, Paused, Suspended];

/// From the API call to the hypervisor's snapshot being taken (`image_pending_upload`).
pub const SNAPSHOT_TAKE_SECS: i64 = 2;
/// From the snapshot taken to the upload starting (`image_uploading`, the image `saving`).
pub const SNAPSHOT_PREPARE_SECS: i64 = 1;
/// The upload to Glance: the image is `saving` this long, then `active`.
pub const SNAPSHOT_UPLOAD_SECS: i64 = 40;

/// Image properties Nova never copies from the server's image to its snapshot
/// (`NON_INHERITABLE_IMAGE_PROPERTIES` and `[DEFAULT] non_inheritable_image_properties`).
const NON_INHERITABLE: &[&str] = &[
    "cinder_encryption_key_id",
    "cinder_encryption_key_deletion_policy",
    "img_signature",
    "img_signature_hash_method",
    "img_signature_key_type",
    "img_signature_certificate_uuid",
    "cache_in_nova",
    "bittorrent",
];
/// Property namespaces Nova never copies (`NON_INHERITABLE_IMAGE_NAMESPACES`).
const NON_INHERITABLE_NAMESPACES: &[&str] = &["os_glance_"];

/// Which of the two image actions: a snapshot, or a backup with its type and rotation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageKind {
    Snapshot,
    Backup {
        backup_type: String,
        rotation: u64,
    },
    /// The snapshot a shelve keeps of the server (`<name>-shelved`), deleted when it is unshelved;
    /// its steps run under the shelve's own tasks.
    Shelve,
}

impl ImageKind {
    /// The action's name in Nova's conflict messages.
    pub fn action(&self) -> &'static str {
        match self {
            ImageKind::Snapshot => "createImage",
            ImageKind::Backup { .. } => "createBackup",
            ImageKind::Shelve => "shelve",
        }
    }

    /// The `image_type` property.
    pub fn image_type(&self) -> &'static str {
        match self {
            ImageKind::Snapshot | ImageKind::Shelve => "snapshot",
            ImageKind::Backup { .. } => "backup",
        }
    }

    /// The first task state (`image_snapshot` or `image_backup`).
    pub fn first_task(&self) -> &'static str {
        match self {
            ImageKind::Snapshot => "image_snapshot",
            ImageKind::Backup { .. } => "image_backup",
            ImageKind::Shelve => "shelving",
        }
    }
}

/// The steps of a snapshot on the compute host, each a scheduled event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotStage {
    /// The hypervisor has taken the snapshot: `image_pending_upload`.
    Taken,
    /// The upload starts: `image_uploading`, the image `saving`.
    Uploading,
    /// The upload is done: the image `active`, the task over.
    Uploaded,
}

/// Where the base image's metadata comes from: what Nova kept of it in the server's system
/// metadata when the server was built.
pub struct BaseImage<'a> {
    pub id: &'a str,
    pub properties: &'a BTreeMap<String, String>,
    pub min_ram: u64,
    pub min_disk: u64,
    pub disk_format: &'a str,
    pub container_format: &'a str,
}

/// Who asks, and about which server.
pub struct SnapshotOf<'a> {
    pub server_id: &'a str,
    pub server_project: &'a str,
    pub server_project_name: &'a str,
    pub server_user_name: &'a str,
    pub flavor_root_gb: u64,
    pub caller_project: &'a str,
    pub caller_user: &'a str,
}

/// The Glance image Nova asks for before the upload.
#[derive(Debug, PartialEq)]
pub struct SnapshotImage {
    pub visibility: String,
    pub min_ram: u64,
    pub min_disk: u64,
    /// Empty for a snapshot: the driver sets the formats on upload.
    pub disk_format: String,
    pub container_format: String,
    pub properties: BTreeMap<String, String>,
    /// The server's project, to add as a member when someone else snapshots it.
    pub member: Option<String>,
}

/// The image metadata Nova creates a snapshot or backup with: the base image's inheritable
/// properties and the ones Nova kept at boot (`base_image_ref`, `owner_*`), then `instance_uuid`,
/// `user_id`, `image_type` (and `backup_type`), then the caller's metadata, which wins.
pub fn snapshot_image(of: &SnapshotOf, base: Option<&BaseImage>, kind: &ImageKind, metadata: &BTreeMap<String, String>) -> SnapshotImage {
    let mut properties: BTreeMap<String, String> = base
        .map(|b| {
            b.properties
                .iter()
                .filter(|(k, _)| !NON_INHERITABLE.contains(&k.as_str()) && !NON_INHERITABLE_NAMESPACES.iter().any(|ns| k.starts_with(ns)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    if let Some(b) = base {
        properties.insert("base_image_ref".into(), b.id.to_string());
    }
    properties.insert("owner_project_name".into(), of.server_project_name.to_string());
    properties.insert("owner_user_name".into(), of.server_user_name.to_string());
    properties.insert("instance_uuid".into(), of.server_id.to_string());
    properties.insert("user_id".into(), of.caller_user.to_string());
    properties.insert("image_type".into(), kind.image_type().into());
    if let ImageKind::Backup { backup_type, .. } = kind {
        properties.insert("backup_type".into(), backup_type.clone());
    }
    let (visibility, member) = if of.caller_project != of.server_project {
        // Someone else's server (an admin's snapshot): shared with the server's project.
        properties.insert("instance_owner".into(), of.server_project.to_string());
        ("shared".to_string(), Some(of.server_project.to_string()))
    } else {
        ("private".to_string(), None)
    };
    properties.extend(metadata.iter().map(|(k, v)| (k.clone(), v.clone())));
    let (disk_format, container_format) = match (kind, base) {
        (ImageKind::Backup { .. }, Some(b)) => (b.disk_format.to_string(), b.container_format.to_string()),
        _ => (String::new(), String::new()),
    };
    SnapshotImage {
        visibility,
        // Nova keeps the larger of the image's min_disk and the flavor's root disk at boot.
        min_disk: base.map_or(0, |b| b.min_disk).max(of.flavor_root_gb),
        min_ram: base.map_or(0, |b| b.min_ram),
        disk_format,
        container_format,
        properties,
        member,
    }
}

/// What the libvirt driver adds when it uploads the snapshot.
pub fn upload_properties(server_project: &str) -> [(&'static str, String); 3] {
    [("image_location", "snapshot".into()), ("image_state", "available".into()), ("owner_id", server_project.to_string())]
}

/// The backups a rotation deletes: of `backups` (id, created order key), all but the newest
/// `rotation` (`_rotate_backups` in nova/compute/manager.py).
pub fn rotated_out<K: Ord + Copy>(mut backups: Vec<(String, K)>, rotation: u64) -> Vec<String> {
    backups.sort_by(|a, b| b.1.cmp(&a.1));
    backups.into_iter().skip(rotation as usize).map(|(id, _)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of<'a>(caller_project: &'a str) -> SnapshotOf<'a> {
        SnapshotOf {
            server_id: "srv",
            server_project: "p1",
            server_project_name: "demo",
            server_user_name: "alice",
            flavor_root_gb: 5,
            caller_project,
            caller_user: "u1",
        }
    }

    #[test]
    fn snapshot_inherits_properties_but_not_signatures_and_metadata_wins() {
        let props = BTreeMap::from([
            ("hw_disk_bus".to_string(), "scsi".to_string()),
            ("img_signature".to_string(), "sig".to_string()),
            ("os_glance_importing_to_stores".to_string(), "x".to_string()),
            ("image_type".to_string(), "golden".to_string()),
        ]);
        let base = BaseImage { id: "img", properties: &props, min_ram: 64, min_disk: 1, disk_format: "qcow2", container_format: "bare" };
        let meta = BTreeMap::from([("image_type".to_string(), "test".to_string())]);
        let img = snapshot_image(&of("p1"), Some(&base), &ImageKind::Snapshot, &meta);
        assert_eq!(img.properties.get("hw_disk_bus").map(String::as_str), Some("scsi"));
        assert!(!img.properties.contains_key("img_signature"));
        assert!(!img.properties.contains_key("os_glance_importing_to_stores"));
        assert_eq!(img.properties["image_type"], "test");
        assert_eq!(img.properties["base_image_ref"], "img");
        assert_eq!(img.properties["instance_uuid"], "srv");
        assert_eq!((img.min_disk, img.min_ram), (5, 64));
        assert_eq!(img.visibility, "private");
        assert_eq!(img.disk_format, "");
        assert_eq!(img.member, None);
    }

    #[test]
    fn another_projects_snapshot_is_shared_with_the_server_project() {
        let kind = ImageKind::Backup { backup_type: "daily".into(), rotation: 1 };
        let img = snapshot_image(&of("admin"), None, &kind, &BTreeMap::new());
        assert_eq!(img.visibility, "shared");
        assert_eq!(img.member.as_deref(), Some("p1"));
        assert_eq!(img.properties["instance_owner"], "p1");
        assert_eq!(img.properties["image_type"], "backup");
        assert_eq!(img.properties["backup_type"], "daily");
    }

    #[test]
    fn rotation_keeps_the_newest() {
        let gone = rotated_out(vec![("a".into(), 1), ("c".into(), 3), ("b".into(), 2)], 2);
        assert_eq!(gone, vec!["a".to_string()]);
        assert_eq!(rotated_out(vec![("a".into(), 1)], 0), vec!["a".to_string()]);
    }
}
