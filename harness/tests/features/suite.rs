//! The project's own run of the incident library: every feature with the correct reference tools
//! (all must pass), then the @catches-naive scenarios with the naive ones (all must fail).
//! `FAKECLOUD_JUNIT=path.xml` also writes a JUnit report, which is then checked.

use crate::world::{self, CloudWorld};
use cucumber::writer::Stats as _;
use cucumber::{writer, World as _, WriterExt as _};

/// Scenarios run at once: each runs real clients (about a second of CPU each) on a 2-core machine.
const PARALLEL_SCENARIOS: usize = 4;

/// The scenarios in every feature file under `dir`.
pub fn count_scenarios(dir: &std::path::Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("features/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "feature") {
            let feature =
                cucumber::gherkin::Feature::parse_path(&path, cucumber::gherkin::GherkinEnv::default()).expect("the feature parses");
            n += feature.scenarios.len() + feature.rules.iter().map(|r| r.scenarios.len()).sum::<usize>();
        }
    }
    n
}

/// Parses the JUnit report and checks it holds one named test case per scenario (when known).
pub fn check_junit(path: &std::path::Path, scenarios: Option<usize>) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let doc = roxmltree::Document::parse(&text).map_err(|e| format!("not well-formed XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "testsuites" {
        return Err(format!("the root element is <{}>, not <testsuites>", root.tag_name().name()));
    }
    let cases: Vec<_> = root.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    if let Some(bad) = cases.iter().find(|c| c.attribute("name").is_none_or(str::is_empty)) {
        return Err(format!("a test case without a name: {bad:?}"));
    }
    match scenarios {
        Some(n) if n != cases.len() => Err(format!("{} test cases for {n} scenarios", cases.len())),
        _ => Ok(()),
    }
}

pub async fn run() {
    let features = harness::repo_root().join("features");

    // 1. Every scenario, with the correct reference tools: all must pass.
    world::use_naive_tools(false);
    let cucumber = CloudWorld::cucumber().max_concurrent_scenarios(PARALLEL_SCENARIOS).fail_on_skipped();
    let correct_failed = match std::env::var_os("FAKECLOUD_JUNIT") {
        Some(path) => {
            let file = std::fs::File::create(&path).expect("cannot create the JUnit report file");
            let writer = cucumber
                .with_writer(
                    writer::Basic::raw(std::io::stdout(), writer::Coloring::Never, 0)
                        .summarized()
                        .tee::<CloudWorld, _>(writer::JUnit::for_tee(file, 0))
                        .normalized(),
                )
                .run(&features)
                .await;
            let failed = writer.execution_has_failed();
            // The report must be valid JUnit with one test case per scenario run.
            let filtered = std::env::args().skip(1).any(|a| a.starts_with("--tags") || a.starts_with("--name") || a == "-t" || a == "-n");
            if let Err(e) = check_junit(std::path::Path::new(&path), if filtered { None } else { Some(count_scenarios(&features)) }) {
                eprintln!("JUnit report {}: {e}", std::path::Path::new(&path).display());
                std::process::exit(1);
            }
            failed
        }
        None => cucumber.run(&features).await.execution_has_failed(),
    };

    // 2. The scenarios tagged @catches-naive again, with the naive reference tools: every one must
    //    fail, or the feature does not tell a naive tool from a correct one.
    world::use_naive_tools(true);
    println!("\n=== Naive reference tools: each @catches-naive scenario below is expected to FAIL ===");
    // Command-line filters (`--tags`, `--name`) would replace this run's own filter, so it ignores them.
    let naive = CloudWorld::cucumber()
        .max_concurrent_scenarios(PARALLEL_SCENARIOS)
        .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
        .filter_run(&features, |_, _, scenario| scenario.tags.iter().any(|t| t == "catches-naive"))
        .await;
    let stats = naive.scenarios_stats();
    println!("naive tools: {} caught, {} not caught (must be 0)", stats.failed, stats.passed);

    if correct_failed || stats.passed > 0 {
        std::process::exit(1);
    }
}
