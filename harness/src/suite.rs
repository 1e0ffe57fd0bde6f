//! The project's own run of the incident library: every feature with the correct reference tools
//! (all must pass), then the @catches-naive scenarios with the naive ones (all must fail). A full
//! run also fails when a feature file has no @catches-naive scenario.
//! `FAKECLOUD_JUNIT=path.xml` also writes a JUnit report, which is then checked.

use crate::world::{self, CloudWorld};
use cucumber::gherkin::{Feature, GherkinEnv, Scenario};
use cucumber::writer::Stats as _;
use cucumber::{writer, World as _, WriterExt as _};
use std::path::{Path, PathBuf};

/// Scenarios run at once: each runs real clients (about a second of CPU each) on a 2-core machine.
const PARALLEL_SCENARIOS: usize = 4;

/// The feature files under `path` (searched recursively, as cucumber does; `path` may also be one
/// file), parsed, in path order.
pub(crate) fn parsed_features(path: &Path) -> Vec<(PathBuf, Feature)> {
    fn walk(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            for entry in std::fs::read_dir(path).unwrap_or_else(|e| panic!("{} is not readable: {e}", path.display())) {
                walk(&entry.expect("a directory entry").path(), out);
            }
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path.to_path_buf());
        }
    }
    let mut paths = vec![];
    walk(path, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let feature = Feature::parse_path(&p, GherkinEnv::default()).unwrap_or_else(|e| panic!("{} does not parse: {e}", p.display()));
            (p, feature)
        })
        .collect()
}

/// A feature's scenarios, those inside its rules included.
pub(crate) fn scenarios(feature: &Feature) -> impl Iterator<Item = &Scenario> {
    feature.scenarios.iter().chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()))
}

/// The scenarios in every feature file under `dir`.
pub fn count_scenarios(dir: &Path) -> usize {
    parsed_features(dir).iter().map(|(_, f)| scenarios(f).count()).sum()
}

/// The feature files under `dir` (paths relative to it) that have no scenario tagged
/// `@catches-naive`: nothing in them tells a naive reference tool from a correct one, so the
/// discrimination matrix does not cover them.
pub fn files_without_naive_scenarios(dir: &Path) -> Vec<String> {
    parsed_features(dir)
        .into_iter()
        .filter(|(_, f)| !scenarios(f).any(|s| s.tags.iter().any(|t| t == "catches-naive")))
        .map(|(p, _)| p.strip_prefix(dir).ok().filter(|r| !r.as_os_str().is_empty()).unwrap_or(&p).display().to_string())
        .collect()
}

/// Parses the JUnit report and checks it holds one named test case per scenario (when known).
pub fn check_junit(path: &Path, scenarios: Option<usize>) -> Result<(), String> {
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

/// The `features` test's entry: the project's own run of the library, with cucumber's command line
/// (`-- --tags @keystone`, `--name REGEX`).
pub fn main() {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime").block_on(run());
}

/// Which scenarios the naive pass plays: the @catches-naive ones, narrowed by the same `--tags`
/// (or `CUCUMBER_FILTER_TAGS`) and `--name` filters cucumber applied to the first pass.
pub struct NaiveSelection {
    tags: Option<cucumber::gherkin::tagexpr::TagOperation>,
    name: Option<regex::Regex>,
}

impl NaiveSelection {
    /// Reads the filters from cucumber's command line (the arguments after `--`); other options
    /// are cucumber's business and are passed over.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut tags = std::env::var("CUCUMBER_FILTER_TAGS").ok();
        let mut name = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let slot = match flag.as_str() {
                "--tags" | "-t" => &mut tags,
                "--name" | "--scenario-name" | "-n" => &mut name,
                _ => continue,
            };
            *slot = inline.or_else(|| args.next());
        }
        let tags = tags.map(|t| t.parse().map_err(|e| format!("--tags {t}: not a tag expression: {e}"))).transpose()?;
        let name = name.map(|n| regex::Regex::new(&n).map_err(|e| format!("--name {n}: not a regular expression: {e}"))).transpose()?;
        Ok(NaiveSelection { tags, name })
    }

    /// Whether the naive pass plays this scenario.
    pub fn selects(&self, feature: &Feature, rule: Option<&cucumber::gherkin::Rule>, scenario: &Scenario) -> bool {
        use cucumber::tag::Ext as _;
        let naive = scenario.tags.iter().any(|t| t == "catches-naive");
        // Feature, rule and scenario tags together, as cucumber's own filter reads them.
        let all = feature.tags.iter().chain(rule.iter().flat_map(|r| &r.tags)).chain(scenario.tags.iter());
        naive && self.tags.as_ref().is_none_or(|t| t.eval(all)) && self.name.as_ref().is_none_or(|n| n.is_match(&scenario.name))
    }
}

pub async fn run() {
    crate::cli_preload::warm();
    let features = crate::repo_root().join("features");
    // A run narrowed by `--tags` or `--name` plays only part of the library.
    let filtered = std::env::args().skip(1).any(|a| a.starts_with("--tags") || a.starts_with("--name") || a == "-t" || a == "-n");

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
            if let Err(e) = check_junit(Path::new(&path), if filtered { None } else { Some(count_scenarios(&features)) }) {
                eprintln!("JUnit report {}: {e}", Path::new(&path).display());
                std::process::exit(1);
            }
            failed
        }
        None => cucumber.run(&features).await.execution_has_failed(),
    };

    // 2. The scenarios tagged @catches-naive again, with the naive reference tools: every one must
    //    fail, or the feature does not tell a naive tool from a correct one. The command line's
    //    `--tags` and `--name` narrow this pass as they did the first.
    world::use_naive_tools(true);
    println!("\n=== Naive reference tools: each @catches-naive scenario below is expected to FAIL ===");
    let selection = match NaiveSelection::from_args(std::env::args().skip(1)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    // Given to cucumber as its options, a filter would replace this pass's own: it is applied in
    // the closure instead, and cucumber gets none.
    let naive = CloudWorld::cucumber()
        .max_concurrent_scenarios(PARALLEL_SCENARIOS)
        .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
        .filter_run(&features, move |feature, rule, scenario| selection.selects(feature, rule, scenario))
        .await;
    let stats = naive.scenarios_stats();
    println!("naive tools: {} caught, {} not caught (must be 0)", stats.failed, stats.passed);

    // 3. The matrix is complete: every feature file of the full run has a @catches-naive scenario.
    let uncovered = if filtered { vec![] } else { files_without_naive_scenarios(&features) };
    if !uncovered.is_empty() {
        println!("feature files with no @catches-naive scenario: {} (each needs one that the naive tools fail)", uncovered.join(", "));
    }

    if correct_failed || stats.passed > 0 || !uncovered.is_empty() {
        std::process::exit(1);
    }
}
