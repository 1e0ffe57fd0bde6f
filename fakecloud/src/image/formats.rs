//! Glance's format inspection (glance/common/format_inspector.py, enforced by
//! `[image_format] require_image_format_match`): image data is read for the signature of a disk
//! format, and data that is not what its `disk_format` says is refused, so that a guest never
//! boots a qcow2 declared raw (or the reverse).

/// The disk formats Glance can recognise in data; for the others (`ami`, `ari`, `aki`, `ploop`)
/// nothing is checked.
pub const INSPECTED: &[&str] = &["raw", "qcow2", "vhd", "vhdx", "vmdk", "vdi", "iso"];

fn at(data: &[u8], offset: usize, magic: &[u8]) -> bool {
    data.get(offset..offset + magic.len()) == Some(magic)
}

/// The format the data's signature names; `raw` when none matches (as for any plain disk).
pub fn detect(data: &[u8]) -> &'static str {
    if at(data, 0, b"QFI\xfb") {
        "qcow2"
    } else if at(data, 0, b"vhdxfile") {
        "vhdx"
    } else if at(data, 0, b"conectix") || (data.len() >= 512 && at(data, data.len() - 512, b"conectix")) {
        "vhd"
    } else if at(data, 0, b"KDMV") || at(data, 0, b"# Disk DescriptorFile") {
        "vmdk"
    } else if at(data, 0x40, &[0x7f, 0x10, 0xda, 0xbe]) {
        "vdi"
    } else if [0x8001, 0x8801, 0x9001].iter().any(|&o| at(data, o, b"CD001")) {
        "iso"
    } else {
        "raw"
    }
}

/// Whether data may be stored as `disk_format`: an uninspected format takes anything; an
/// inspected one must be what the data is.
pub fn matches(disk_format: &str, data: &[u8]) -> bool {
    !INSPECTED.contains(&disk_format) || detect(data) == disk_format
}

/// Glance's refusal of data that is not its declared format.
pub fn mismatch(disk_format: &str, data: &[u8]) -> String {
    format!("Image disk_format {disk_format} does not match the data, which is {}.", detect(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_name_their_format_and_anything_else_is_raw() {
        let mut qcow = b"QFI\xfb\x00\x00\x00\x03".to_vec();
        qcow.resize(1024, 0);
        assert_eq!(detect(&qcow), "qcow2");
        assert_eq!(detect(b"vhdxfile and more"), "vhdx");
        assert_eq!(detect(&[0u8; 2048]), "raw");
        let mut iso = vec![0u8; 0x9000];
        iso[0x8001..0x8006].copy_from_slice(b"CD001");
        assert_eq!(detect(&iso), "iso");
        assert!(matches("raw", &[1, 2, 3]));
        assert!(!matches("qcow2", &[1, 2, 3]));
        assert!(!matches("raw", &qcow));
        assert!(matches("ami", &qcow), "ami is not inspected");
    }
}
