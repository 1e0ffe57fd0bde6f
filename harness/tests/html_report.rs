//! `--html`: the report renders in a real headless browser (Debian's Chromium, which ci/test
//! installs), with one section per scenario, each verdict, and timelines whose marks are the
//! scenario's state changes, API calls and faults. The page's own script counts what the browser
//! drew onto `<body>`; `--dump-dom` shows the DOM after it ran.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_fakecloud-harness");

const FEATURE: &str = r#"Feature: Report

  Scenario: A host reboots while an admin lists servers
    Given a cloud from the default fixture
    When host "compute-2" reboots
    And the clock advances by "200s"
    And "admin" runs "openstack server list --all-projects -f value -c Name"
    Then it succeeds

  Scenario: A command whose exit status is not the one expected
    Given a cloud from the default fixture
    When "admin" runs "false"
    Then the exit status is 3
"#;

fn attribute(dom: &str, name: &str) -> Option<usize> {
    let at = dom.find(&format!("{name}=\""))? + name.len() + 2;
    dom[at..].split('"').next()?.parse().ok()
}

#[test]
fn the_html_report_renders_in_chromium_with_a_section_per_scenario_and_timeline_marks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("features")).unwrap();
    std::fs::write(dir.join("features/report.feature"), FEATURE).unwrap();
    std::fs::write(dir.join("tools.toml"), "[tools]\n").unwrap();
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(["run", "--tools", "tools.toml", "--features", "features", "--html", "report.html", "--forensics", "forensics"])
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "one scenario fails: {text}");
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(!page.contains("src=\"http") && !page.contains("href=\"http"), "self-contained: nothing fetched");

    let dom = render(&dir.join("report.html"));
    assert_eq!(attribute(&dom, "data-sections"), Some(2), "the script ran and found two sections: {}", &dom[..dom.len().min(2000)]);
    assert_eq!(dom.matches("<section class=\"scenario ").count(), 2);
    assert!(dom.contains("<section class=\"scenario passed\" data-verdict=\"passed\">"), "the passed scenario");
    assert!(dom.contains("<section class=\"scenario failed\" data-verdict=\"failed\">"), "the failed scenario");
    // The reboot's fault, the host's state changes, the CLI's calls.
    assert!(attribute(&dom, "data-marks-fault").unwrap_or(0) >= 1, "fault marks");
    assert!(attribute(&dom, "data-marks-state").unwrap_or(0) >= 2, "state marks");
    assert!(attribute(&dom, "data-marks-call").unwrap_or(0) >= 2, "call marks");
    assert!(dom.contains("host compute-2: up → down") || dom.contains("host compute-2"), "the host's transition is on the timeline");
    assert!(dom.contains("GET /compute/v2.1/servers/detail"), "the CLI's call is on the timeline");
    assert!(dom.contains("openstack server list --all-projects -f value -c Name</code> exited 0"), "the command and its status");
}

/// The page's DOM after Chromium loaded it and ran its script.
fn render(page: &Path) -> String {
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("Chromium is needed (Debian's package `chromium`; ci/test installs it)");
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
