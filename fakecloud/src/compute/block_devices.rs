//! Nova's block device mappings for volumes: which Cinder volume a server has at which device,
//! with the tag and `delete_on_termination` the user gave. A mapping exists from the moment the
//! API accepts an attach (or a boot from volume) until the detach completes, so the server's
//! `os-extended-volumes:volumes_attached` and `os-volume_attachments` show it in between, as Nova's
//! do. The steps that move the volume in Cinder are in `flows/volume_attachments.rs`.

use serde::{Deserialize, Serialize};

/// How long nova-compute takes to connect a volume and complete the attachment, and to disconnect it.
pub const ATTACH_SECS: i64 = 2;
pub const DETACH_SECS: i64 = 2;
/// When the volumes of a server booted with them are connected: as it spawns, after Cinder has
/// built a volume from an image (`CREATE_FROM_IMAGE_SECS`).
pub const BOOT_ATTACH_SECS: i64 = 9;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlockDevice {
    /// The mapping's own uuid (`bdm_uuid` from 2.89).
    pub uuid: String,
    pub server_id: String,
    pub volume_id: String,
    pub device_name: String,
    pub tag: Option<String>,
    pub delete_on_termination: bool,
    /// 0 for the root disk of a server booted from a volume; `None` for a data volume.
    pub boot_index: Option<i64>,
    /// Cinder's attachment, once created.
    pub attachment_id: Option<String>,
}

impl BlockDevice {
    pub fn is_root(&self) -> bool {
        self.boot_index == Some(0)
    }
}

/// Disk letters as Linux names disks: a..z, then aa, ab...
pub(super) fn disk_letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

#[cfg(test)]
mod tests {
    use super::disk_letters;

    #[test]
    fn disk_letters_follow_linux_naming() {
        assert_eq!((disk_letters(0).as_str(), disk_letters(1).as_str(), disk_letters(25).as_str()), ("a", "b", "z"));
        assert_eq!((disk_letters(26).as_str(), disk_letters(27).as_str()), ("aa", "ab"));
    }
}
