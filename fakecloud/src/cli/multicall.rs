//! The fake operator shell's client side. `fakecloud shell install DIR` links `docker`, `podman`,
//! `pcs`, `crudini`, `paunch`, `ssh`, `sudo` and `kubectl` to the fakecloud binary; called by one of those
//! names, the binary sends its arguments to the running fakecloud at `FAKECLOUD_URL`, as the node
//! named by `FAKECLOUD_NODE` (default: the first controller), and prints what comes back.

use crate::shell::{Output, COMMANDS};
use base64::Engine as _;
use std::io::Write;
use std::path::Path;

/// The shell command this binary was called as, if it is one.
pub fn called_as(argv0: &str) -> Option<&'static str> {
    let name = Path::new(argv0).file_name()?.to_str()?;
    COMMANDS.iter().copied().find(|c| *c == name)
}

/// Runs a shell command against the cloud and exits with its status.
pub fn run(command: &str, args: Vec<String>) -> ! {
    let Ok(url) = std::env::var("FAKECLOUD_URL") else {
        eprintln!("{command}: FAKECLOUD_URL is not set: this is fakecloud's fake {command}, which talks to a running fakecloud");
        std::process::exit(127);
    };
    let node = std::env::var("FAKECLOUD_NODE").ok();
    let mut argv = vec![command.to_string()];
    argv.extend(args);
    let body = serde_json::json!({"node": node, "argv": &argv});
    let token = std::env::var(crate::control::access::TOKEN_ENV).ok();
    let client = match crate::cli::ctl::control_client(token.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{command}: {e:#}");
            std::process::exit(127);
        }
    };
    let reply = client.post(format!("{}/_fakecloud/shell", url.trim_end_matches('/'))).json(&body).send();
    let out: Output = match reply.and_then(|r| r.error_for_status()).and_then(|r| r.json()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{command}: cannot reach fakecloud at {url}: {e}");
            std::process::exit(127);
        }
    };
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    if let Some(f) = out.file {
        // The server says where its file goes; only a path this command line named is written.
        if asked_output(&argv[1..]) != Some(f.path.as_str()) {
            eprintln!("{command}: fakecloud sent a file for {}, which this command line did not ask for: not written", f.path);
            std::process::exit(1);
        }
        let bytes = base64::engine::general_purpose::STANDARD.decode(f.base64).unwrap_or_default();
        if let Err(e) = std::fs::write(&f.path, bytes) {
            eprintln!("open {}: {e}", f.path);
            std::process::exit(1);
        }
    }
    std::process::exit(out.status)
}

/// The output file a command line names (`-o PATH`, `-oPATH`, `--output PATH`, `--output=PATH`):
/// the last one, since `ssh -o OPTION node docker export -o FILE` names ssh's options first.
fn asked_output(args: &[String]) -> Option<&str> {
    let mut asked = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => asked = it.next().map(String::as_str),
            a if a.starts_with("--output=") => asked = Some(&a["--output=".len()..]),
            a if a.starts_with("-o") && a.len() > 2 && !a.starts_with("--") => asked = Some(&a[2..]),
            _ => {}
        }
    }
    asked
}

/// Links every shell command in `dir` to this binary.
pub fn install(dir: &Path) -> anyhow::Result<Vec<String>> {
    let exe = std::env::current_exe()?;
    std::fs::create_dir_all(dir)?;
    let mut made = vec![];
    for c in COMMANDS {
        let link = dir.join(c);
        let _ = std::fs::remove_file(&link);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&exe, &link)?;
        #[cfg(not(unix))]
        std::fs::copy(&exe, &link)?;
        made.push(link.display().to_string());
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_file_is_the_one_the_command_line_names() {
        let args = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(asked_output(&args("export -o /tmp/a.tar web")), Some("/tmp/a.tar"));
        assert_eq!(asked_output(&args("export --output=b.tar web")), Some("b.tar"));
        assert_eq!(asked_output(&args("export --output c.tar web")), Some("c.tar"));
        assert_eq!(asked_output(&args("export -od.tar web")), Some("d.tar"));
        assert_eq!(asked_output(&args("export web")), None);
        assert_eq!(asked_output(&args("-o StrictHostKeyChecking=no controller-1 docker export -o e.tar web")), Some("e.tar"));
    }
}
