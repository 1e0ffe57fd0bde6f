//! The files fakecloud reads and writes on a user's behalf: start-up inputs (fixtures, snapshots)
//! read with a size limit before anything parses them, so `--fixture /dev/zero` is refused at once
//! rather than read until memory runs out; and snapshots written atomically over regular files
//! only, so `-o` never replaces a symlink, a FIFO or a device node.

use std::io::{Read, Write};
use std::path::Path;

/// Reads `path` whole if it holds at most `limit` bytes. Only `limit + 1` bytes are ever read, so
/// an endless source (`/dev/zero`, a FIFO that keeps writing) is refused as soon as it passes the
/// limit.
pub fn read_limited(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "is a directory"));
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("larger than the {limit} bytes allowed")));
    }
    Ok(bytes)
}

/// Writes `bytes` atomically: to a new file in the same directory, flushed to disk, then renamed
/// over `path`. A reader finds the old file or the new one, never a part; on any error `path` is
/// left as it was and nothing else stays behind. Only a regular file (or nothing) at `path` is
/// replaced: a symlink, FIFO, socket, device node or directory there is refused, since renaming
/// over it would swap a file in where the user had something else.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => {
            let what = if m.file_type().is_symlink() {
                "a symbolic link"
            } else if m.is_dir() {
                "a directory"
            } else {
                "not a regular file (a FIFO, socket or device)"
            };
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{what}: only a regular file is replaced")));
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{}.{}.{n}.tmp", name.to_string_lossy(), std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_source_is_refused_after_the_limit_and_a_small_file_read_whole() {
        let err = read_limited(Path::new("/dev/zero"), 1 << 16).unwrap_err();
        assert!(err.to_string().contains("larger than the 65536 bytes allowed"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.yaml");
        std::fs::write(&small, "users: []\n").unwrap();
        assert_eq!(read_limited(&small, 10).unwrap(), b"users: []\n");
        assert!(read_limited(&small, 9).is_err(), "one byte over");
        assert!(read_limited(dir.path(), 10).is_err(), "a directory");
    }

    #[cfg(unix)]
    #[test]
    fn only_a_regular_file_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("kept.json");
        std::fs::write(&target, "kept").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = write_atomically(&link, b"new").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
        assert_eq!(std::fs::read(&target).unwrap(), b"kept");
        let err = write_atomically(Path::new("/dev/null"), b"new").unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        assert!(!std::fs::symlink_metadata("/dev/null").unwrap().file_type().is_file(), "/dev/null is still a device");
        write_atomically(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, vec!["kept.json", "link.json"], "no temporary file is left");
    }
}
