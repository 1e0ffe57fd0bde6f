//! `sleep` for tools under test: the fakecloud binary called as `sleep` moves the running cloud's
//! simulated clock instead of waiting. The harness links it first on a tool's PATH and sets
//! `FAKECLOUD_URL`, so a tool that polls with `sleep N` sees N simulated seconds pass at once.
//! Without `FAKECLOUD_URL` it is the real `sleep`. A native program because tools call it hundreds
//! of times per run, where an interpreter's start-up costs more than the advance itself.

use std::path::Path;

/// The name this program answers to.
pub const NAME: &str = "sleep";

/// The system's own sleep, run when no cloud is named.
const REAL_SLEEP: &str = "/bin/sleep";

/// Whether this binary was called as `sleep`.
pub fn called_as(argv0: &str) -> bool {
    Path::new(argv0).file_name().and_then(|n| n.to_str()) == Some(NAME)
}

/// The seconds a `sleep` command line asks for: the sum of its arguments, each a number with an
/// optional unit (`s`, `m`, `h`, `d`), as coreutils' sleep reads them; the first argument that is
/// not one is the error, worded as coreutils words it.
pub fn seconds(args: &[String]) -> Result<f64, String> {
    let mut total = 0.0;
    for arg in args {
        let (number, unit) = match arg.chars().last() {
            Some('s') => (&arg[..arg.len() - 1], 1.0),
            Some('m') => (&arg[..arg.len() - 1], 60.0),
            Some('h') => (&arg[..arg.len() - 1], 3600.0),
            Some('d') => (&arg[..arg.len() - 1], 86400.0),
            _ => (arg.as_str(), 1.0),
        };
        let n: f64 = number.trim().parse().map_err(|_| format!("sleep: invalid time interval '{arg}'"))?;
        total += n * unit;
    }
    Ok(total)
}

/// Runs `sleep` with `args` and exits: the clock advance when `FAKECLOUD_URL` names a cloud, else
/// the real sleep in this process's place.
pub fn run(args: Vec<String>) -> ! {
    let url = std::env::var("FAKECLOUD_URL").ok().filter(|u| !u.is_empty());
    let Some(url) = url else { real_sleep(&args) };
    let total = match seconds(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    // The control API reads `by` as seconds; `{:?}` writes a float as Python would (`5.0`).
    let body = serde_json::json!({ "by": format!("{total:?}") });
    let token = std::env::var(crate::control::access::TOKEN_ENV).ok();
    let client = match crate::cli::ctl::control_client(token.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sleep: {e:#}");
            std::process::exit(1);
        }
    };
    let reply = client
        .post(format!("{}/_fakecloud/clock/advance", url.trim_end_matches('/')))
        .timeout(std::time::Duration::from_secs(30))
        .json(&body)
        .send();
    match reply {
        Ok(r) if r.status().is_success() => std::process::exit(0),
        Ok(r) => {
            eprintln!("sleep: the clock did not advance ({})", r.status().as_u16());
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("sleep: cannot reach fakecloud at {url}: {e}");
            std::process::exit(1);
        }
    }
}

/// Becomes the system's sleep (same arguments, same exit status).
fn real_sleep(args: &[String]) -> ! {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = std::process::Command::new(REAL_SLEEP).arg0(NAME).args(args).exec();
        eprintln!("sleep: cannot run {REAL_SLEEP}: {e}");
        std::process::exit(126);
    }
    #[cfg(not(unix))]
    {
        let status = std::process::Command::new(REAL_SLEEP).args(args).status();
        std::process::exit(status.ok().and_then(|s| s.code()).unwrap_or(126));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn arguments_add_up_with_their_units() {
        assert_eq!(seconds(&args("5")), Ok(5.0));
        assert_eq!(seconds(&args("0.5 2m 1h 1d 3s")), Ok(0.5 + 120.0 + 3600.0 + 86400.0 + 3.0));
        assert_eq!(seconds(&[]), Ok(0.0));
    }

    #[test]
    fn a_bad_interval_is_named_as_coreutils_names_it() {
        assert_eq!(seconds(&args("5 soon")), Err("sleep: invalid time interval 'soon'".to_string()));
        assert_eq!(seconds(&args("1x")), Err("sleep: invalid time interval '1x'".to_string()));
    }

    #[test]
    fn only_the_name_sleep_is_this_program() {
        assert!(called_as("/tmp/shims/sleep"));
        assert!(called_as("sleep"));
        assert!(!called_as("/usr/bin/fakecloud"));
        assert!(!called_as("sleepy"));
    }
}
