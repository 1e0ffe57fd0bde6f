//! `fakecloud-harness run`: the bundled incident library (or your own feature directory) against
//! your tools, named by role in a TOML file (`member-reconciler = "./bin/reconciler --cloud x"`).
//! It selects scenarios by tag, shows progress while it runs, prints a summary table, writes JUnit
//! and cucumber JSON on request, and for every failed scenario saves the world snapshot, the journal
//! and the tool's last output, with the command that serves that snapshot again. Exit status 1 when
//! a scenario fails.
//!
//! The project's own run of the library is the `features` test (src/suite.rs), not this command.

use crate::world::{self, CloudWorld};
use clap::{Args, Parser, Subcommand};
use cucumber::event::ScenarioFinished;
use cucumber::writer::Stats as _;
use cucumber::{writer, World as _, WriterExt as _};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The command line: clap's help for the program and each subcommand, `help` among them.
#[derive(Parser, Debug)]
#[command(
    name = "fakecloud-harness",
    version,
    about = "Plays fakecloud's incident library (Gherkin features) against your detection and repair tools",
    long_about = "Plays fakecloud's incident library (Gherkin features) against your detection and repair tools.\n\n\
        Each scenario gets its own fakecloud, in process, with simulated time; your tools are named by role \
        in a TOML file (docs/roles.md has each role's contract) and run with the scenario user's OS_* \
        variables, FAKECLOUD_URL, the sleep shim, the fake operator shell and the pinned openstack CLI \
        first on their PATH.",
    after_help = "Start with `fakecloud-harness run --tools tools.toml --tags @incident-C1`; \
        `fakecloud-harness help run` lists its options."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run the incident library against your tools: progress, a summary table, JUnit, cucumber JSON
    /// and HTML reports on request, and forensics with a replay command for each failed scenario.
    /// Exits 1 when a scenario fails, 2 when a tool or the pinned clients are missing.
    Run(RunOpts),
    /// Play every @catches-naive scenario with the correct and with the naive reference tools, and
    /// show which pass and which are caught. Exits 1 unless every one passes with the correct tool
    /// and catches the naive one.
    Matrix(MatrixOpts),
    /// Merge the JUnit or cucumber JSON reports of several `run --shard K/N` runs into one.
    Merge(crate::merge::MergeOpts),
}

#[derive(Args, Debug)]
struct RunOpts {
    /// TOML file mapping each tool role to the command that plays it (a `[tools]` table, or keys
    /// at the top level).
    #[arg(long)]
    tools: PathBuf,
    /// Feature directory; the bundled library by default.
    #[arg(long)]
    features: Option<PathBuf>,
    /// Run only scenarios carrying one of these tags (comma-separated; a feature's tags count for
    /// its scenarios), e.g. `@incident-C1,@octavia`.
    #[arg(long, value_delimiter = ',')]
    tags: Vec<String>,
    /// The scenario clouds' clock: `manual` (tools that poll with `sleep` move it through the sleep
    /// shim) or `scaled:F` (one simulated second lasts F real seconds, for tools that sleep natively).
    #[arg(long, default_value = "manual")]
    clock: fakecloud::sim::ClockMode,
    /// Scenarios run at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Write a JUnit report here (one test case per scenario).
    #[arg(long)]
    junit: Option<PathBuf>,
    /// Write a cucumber JSON report here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Where failed scenarios leave their snapshot, journal and tool output.
    #[arg(long, default_value = "fakecloud-forensics")]
    forensics: PathBuf,
    /// Start the pinned `openstack` CLI in a fresh interpreter for every command, instead of
    /// forking it from one pre-imported copy (same output, about seven times the CPU); also
    /// `FAKECLOUD_CLI_PRELOAD=0`.
    #[arg(long)]
    fresh_cli: bool,
    /// Fail the scenarios whose tool role the tools file does not name, instead of reporting them
    /// as not run.
    #[arg(long)]
    require_roles: bool,
    /// Run only this runner's share of the selected scenarios, `K/N` (1 <= K <= N): scenarios in
    /// path and line order dealt in turn to N shards. `fakecloud-harness merge` joins the reports.
    #[arg(long)]
    shard: Option<crate::shard::Shard>,
    /// Write an HTML report here: one self-contained page with each scenario's verdict, faults,
    /// commands and output, and a timeline in simulated time.
    #[arg(long)]
    html: Option<PathBuf>,
}

/// How a scenario ended.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    Passed,
    Failed,
    /// Not run: its tool role is not in the tools file.
    NotRun {
        role: String,
    },
}

/// One finished scenario, for the summary table.
struct Outcome {
    feature: String,
    scenario: String,
    line: usize,
    /// The incident IDs it reproduces (its and its feature's `@incident-*` tags).
    incidents: Vec<String>,
    verdict: Verdict,
    forensics: Option<PathBuf>,
}

static OUTCOMES: Mutex<Vec<Outcome>> = Mutex::new(Vec::new());
/// Every scenario's page section, when `--html` asks for the report.
static HTML: Mutex<Vec<crate::html::ScenarioReport>> = Mutex::new(Vec::new());

#[derive(Args, Debug)]
struct MatrixOpts {
    /// Feature directory; the bundled library by default.
    #[arg(long)]
    features: Option<PathBuf>,
    /// Only scenarios carrying one of these tags (comma-separated).
    #[arg(long, value_delimiter = ',')]
    tags: Vec<String>,
    /// Scenarios run at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
}

/// The exit status of a run that could not start: a missing tool, missing clients, a bad tools file.
pub const EXIT_SETUP: i32 = 2;

/// `fakecloud-harness`: parses the command line (clap prints help and usage errors itself) and
/// exits with the subcommand's status.
pub fn main() {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let status = match cli.cmd {
        Cmd::Run(opts) => match preflight_run(&opts) {
            Ok(tools) => i32::from(!rt.block_on(run(opts, tools))),
            Err(line) => setup_failed(&line),
        },
        Cmd::Matrix(opts) => match preflight::clients() {
            Ok(()) => i32::from(!rt.block_on(matrix(opts))),
            Err(line) => setup_failed(&line),
        },
        Cmd::Merge(opts) => match crate::merge::run(opts) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("fakecloud-harness merge: {e}");
                1
            }
        },
    };
    std::process::exit(status);
}

/// One line on stderr, and the setup status: nothing ran.
fn setup_failed(line: &str) -> i32 {
    eprintln!("fakecloud-harness: {line}");
    EXIT_SETUP
}

/// What `run` checks before it starts a single scenario, so a missing program is one clear line
/// rather than every scenario failing the same way.
fn preflight_run(opts: &RunOpts) -> Result<BTreeMap<String, String>, String> {
    let tools = load_tools(&opts.tools)?;
    preflight::clients()?;
    for (role, command) in &tools {
        preflight::tool(role, command, &opts.tools)?;
    }
    Ok(tools)
}

pub mod preflight {
    //! Checks that what a run needs is there, each failure worded as one line naming what is
    //! missing and where it was looked for.
    use std::path::{Path, PathBuf};

    /// The pinned `openstack` CLI: every scenario runs it, and the naive and correct reference
    /// tools call it too.
    pub fn clients() -> Result<(), String> {
        let openstack = crate::tool::client_dirs().remove(0).join("openstack");
        if is_executable(&openstack) {
            Ok(())
        } else {
            Err(format!(
                "the pinned clients are missing: {} is not there (ci/install installs them; FAKECLOUD_CLIENTS names another .clients directory)",
                openstack.display()
            ))
        }
    }

    /// The program a tools-file role starts: a path (relative to the current directory, where the
    /// tool runs) that must be an executable file, or a bare name found on PATH.
    pub fn tool(role: &str, command: &str, tools_file: &Path) -> Result<(), String> {
        let argv = shell_words::split(command)
            .map_err(|e| format!("the command for role \"{role}\" in {} does not split like a shell line: {e}", tools_file.display()))?;
        let Some(program) = argv.first() else {
            return Err(format!("the command for role \"{role}\" in {} is empty", tools_file.display()));
        };
        let found = if program.contains('/') {
            Some(PathBuf::from(program)).filter(|p| is_executable(p))
        } else {
            let mut dirs = crate::tool::client_dirs();
            dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
            dirs.into_iter().map(|d| d.join(program)).find(|p| is_executable(p))
        };
        match found {
            Some(_) => Ok(()),
            None if program.contains('/') => {
                let why = if Path::new(program).exists() { "is not executable" } else { "does not exist" };
                Err(format!("the tool for role \"{role}\" {why}: {program} (from {})", tools_file.display()))
            }
            None => Err(format!("the tool for role \"{role}\" is not on PATH: {program} (from {})", tools_file.display())),
        }
    }

    fn is_executable(path: &Path) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        path.is_file()
    }
}

/// The @catches-naive scenarios played with one variant of the reference tools: (feature file,
/// scenario, line, passed).
async fn play(features: &Path, tags: &[String], naive: bool, concurrency: usize) -> Vec<(String, String, usize, bool)> {
    static PLAYED: Mutex<Vec<(String, String, usize, bool)>> = Mutex::new(Vec::new());
    PLAYED.lock().expect("played").clear();
    world::use_naive_tools(naive);
    let tags = tags.to_vec();
    CloudWorld::cucumber()
        .max_concurrent_scenarios(concurrency.max(1))
        .after(|feature, _rule, scenario, ev, _w| {
            Box::pin(async move {
                let passed = !matches!(ev, ScenarioFinished::StepFailed(..) | ScenarioFinished::BeforeHookFailed(..));
                let file = feature.path.as_ref().and_then(|p| p.file_name()).map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
                PLAYED.lock().expect("played").push((file, scenario.name.clone(), scenario.position.line, passed));
            })
        })
        .with_writer(writer::Basic::raw(std::io::sink(), writer::Coloring::Never, 0).normalized())
        .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
        .filter_run(features, move |feature, _rule, scenario| {
            scenario.tags.iter().any(|t| t == "catches-naive")
                && (tags.is_empty() || scenario.tags.iter().chain(feature.tags.iter()).any(|t| tags.contains(t)))
        })
        .await;
    let mut played = std::mem::take(&mut *PLAYED.lock().expect("played"));
    played.sort();
    played
}

/// `matrix`: every @catches-naive scenario with the correct tools (must pass) and the naive ones
/// (must fail), as a table; feature files with no such scenario are listed too.
async fn matrix(opts: MatrixOpts) -> bool {
    crate::cli_preload::warm();
    let features = opts.features.clone().unwrap_or_else(|| crate::repo_root().join("features"));
    let tags: Vec<String> = opts.tags.iter().map(|t| t.trim_start_matches('@').to_string()).collect();
    let correct = play(&features, &tags, false, opts.concurrency).await;
    let naive = play(&features, &tags, true, opts.concurrency).await;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{:<28} {:<8} {:<11} SCENARIO", "FEATURE FILE", "CORRECT", "NAIVE");
    let mut ok = true;
    for (file, scenario, line, passed) in &correct {
        let caught = naive.iter().find(|n| &n.0 == file && &n.2 == line).map(|n| !n.3);
        ok &= *passed && caught == Some(true);
        let naive_cell = match caught {
            Some(true) => "caught",
            Some(false) => "NOT caught",
            None => "not run",
        };
        let _ = writeln!(out, "{file:<28} {:<8} {naive_cell:<11} {scenario} (line {line})", if *passed { "passed" } else { "FAILED" });
    }
    if tags.is_empty() {
        let without = crate::suite::files_without_naive_scenarios(&features);
        if !without.is_empty() {
            // An incomplete matrix is a failed one: a file without a naive scenario proves nothing.
            ok = false;
            let _ = writeln!(out, "\nfeature files with no @catches-naive scenario: {}", without.join(", "));
        }
    }
    let _ = writeln!(out, "\n{} scenarios: the naive tools were caught by {}", correct.len(), naive.iter().filter(|n| !n.3).count());
    ok
}

fn load_tools(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: toml::Table = text.parse().map_err(|e| format!("{} is not valid TOML: {e}", path.display()))?;
    let table = match doc.get("tools") {
        Some(toml::Value::Table(t)) => t.clone(),
        _ => doc,
    };
    table
        .into_iter()
        .map(|(role, cmd)| match cmd {
            toml::Value::String(c) => Ok((role, c)),
            other => Err(format!("tool `{role}` must be a command line string, got {other}")),
        })
        .collect()
}

fn slug(text: &str) -> String {
    let s: String = text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-").chars().take(80).collect()
}

/// Saves what a person needs to look at a failed scenario again: the world, its journal, and every
/// command and tool the scenario ran with their output.
fn save_forensics(dir: &Path, feature: &str, scenario: &str, w: &CloudWorld) -> std::io::Result<PathBuf> {
    let out = dir.join(format!("{}--{}", slug(feature), slug(scenario)));
    std::fs::create_dir_all(&out)?;
    if let Some(cloud) = &w.cloud {
        let world = cloud.cloud.world();
        // Atomic, so a replay never starts from half a snapshot.
        let atomic = fakecloud::world::write_atomically;
        atomic(&out.join("snapshot.json"), &serde_json::to_vec(&*world).unwrap_or_default())?;
        atomic(&out.join("journal.json"), &serde_json::to_vec_pretty(&world.sim.journal.entries()).unwrap_or_default())?;
    }
    let runs: String = w.history.iter().map(|o| format!("{}\n", o.describe())).collect();
    std::fs::write(out.join("tool-output.txt"), if runs.is_empty() { "(nothing ran)\n".into() } else { runs })?;
    Ok(out)
}

async fn run(opts: RunOpts, tools: BTreeMap<String, String>) -> bool {
    world::use_external_tools(tools);
    world::use_clock(opts.clock);
    if opts.fresh_cli {
        crate::cli_preload::disable();
    }
    crate::cli_preload::warm();
    let features = opts.features.clone().unwrap_or_else(|| crate::repo_root().join("features"));
    let tags: Vec<String> = opts.tags.iter().map(|t| t.trim_start_matches('@').to_string()).collect();
    let tagged = {
        let tags = tags.clone();
        move |feature: &cucumber::gherkin::Feature, scenario: &cucumber::gherkin::Scenario| {
            tags.is_empty() || scenario.tags.iter().chain(feature.tags.iter()).any(|t| tags.contains(t))
        }
    };
    let shard = opts.shard.map(|s| crate::shard::members(&features, s, &tagged));
    let forensics = opts.forensics.clone();
    let require_roles = opts.require_roles;
    let html = opts.html.is_some();
    let sink = |p: &Option<PathBuf>| -> Box<dyn std::io::Write> {
        match p {
            Some(p) => Box::new(std::fs::File::create(p).unwrap_or_else(|e| panic!("cannot create {}: {e}", p.display()))),
            None => Box::new(std::io::sink()),
        }
    };
    let writer = CloudWorld::cucumber()
        .max_concurrent_scenarios(opts.concurrency.max(1))
        .after(move |feature, _rule, scenario, ev, w| {
            let forensics = forensics.clone();
            Box::pin(async move {
                let verdict = match ev {
                    ScenarioFinished::StepFailed(_, _, e) => match crate::not_run::missing_role(e) {
                        Some(role) if !require_roles => Verdict::NotRun { role },
                        _ => Verdict::Failed,
                    },
                    ScenarioFinished::BeforeHookFailed(..) => Verdict::Failed,
                    _ => Verdict::Passed,
                };
                if html {
                    let word = match &verdict {
                        Verdict::Passed => "passed",
                        Verdict::Failed => "failed",
                        Verdict::NotRun { .. } => "not run",
                    };
                    let report = crate::html::capture(&feature.name, &scenario.name, scenario.position.line, word, w.as_deref());
                    HTML.lock().expect("html").push(report);
                }
                let saved = match (&verdict, w) {
                    (Verdict::Failed, Some(w)) => save_forensics(&forensics, &feature.name, &scenario.name, w).ok(),
                    _ => None,
                };
                OUTCOMES.lock().expect("outcomes").push(Outcome {
                    feature: feature.name.clone(),
                    scenario: scenario.name.clone(),
                    line: scenario.position.line,
                    incidents: scenario
                        .tags
                        .iter()
                        .chain(feature.tags.iter())
                        .filter_map(|t| t.strip_prefix("incident-"))
                        .map(str::to_string)
                        .collect(),
                    verdict,
                    forensics: saved,
                });
            })
        })
        .with_writer(
            crate::not_run::NotRun::new(
                writer::Basic::raw(std::io::stdout(), writer::Coloring::Auto, 0)
                    .summarized()
                    .tee::<CloudWorld, _>(writer::JUnit::for_tee(sink(&opts.junit), 0))
                    .tee::<CloudWorld, _>(writer::Json::for_tee(sink(&opts.json))),
                !opts.require_roles,
            )
            .normalized(),
        )
        // Our flags are not cucumber's: it must not read the command line.
        .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
        .filter_run(&features, move |feature, _rule, scenario| {
            let in_shard = shard.as_ref().is_none_or(|members| {
                feature.path.as_ref().is_some_and(|p| members.contains(&crate::shard::key(p, scenario.position.line)))
            });
            in_shard && tagged(feature, scenario)
        })
        .await;
    let failed = writer.execution_has_failed();
    if let Some(path) = &opts.html {
        let mut reports = std::mem::take(&mut *HTML.lock().expect("html"));
        reports.sort_by(|a, b| (&a.feature, a.line).cmp(&(&b.feature, b.line)));
        if let Err(e) = std::fs::write(path, crate::html::render(&reports)) {
            eprintln!("fakecloud-harness: cannot write {}: {e}", path.display());
            return false;
        }
    }
    print_summary();
    !failed
}

fn print_summary() {
    let outcomes = OUTCOMES.lock().expect("outcomes");
    let mut out = std::io::stdout().lock();
    // Whole feature names: the column is as wide as the longest, so a name is never cut.
    let width = outcomes.iter().map(|o| o.feature.chars().count()).max().unwrap_or(0).max("FEATURE".len());
    let _ = writeln!(out, "\n{:<7} {:<9} {:<width$} SCENARIO", "RESULT", "INCIDENT", "FEATURE");
    for o in outcomes.iter() {
        let feature = &o.feature;
        let incidents = if o.incidents.is_empty() { "-".to_string() } else { o.incidents.join(",") };
        let _ = writeln!(
            out,
            "{:<7} {:<9} {:<width$} {} (line {})",
            match o.verdict {
                Verdict::Passed => "passed",
                Verdict::Failed => "FAILED",
                Verdict::NotRun { .. } => "not run",
            },
            incidents,
            feature,
            o.scenario,
            o.line
        );
    }
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.verdict == Verdict::Failed).collect();
    let passed = outcomes.iter().filter(|o| o.verdict == Verdict::Passed).count();
    let missing: std::collections::BTreeSet<&str> = outcomes
        .iter()
        .filter_map(|o| match &o.verdict {
            Verdict::NotRun { role } => Some(role.as_str()),
            _ => None,
        })
        .collect();
    let not_run = outcomes.len() - passed - failed.len();
    let mut counts = format!("\n{} scenarios: {passed} passed, {} failed", outcomes.len(), failed.len());
    if not_run > 0 {
        let roles: Vec<&str> = missing.into_iter().collect();
        counts += &format!(", {not_run} not run (no tool configured for: {})", roles.join(", "));
    }
    let _ = writeln!(out, "{counts}");
    for o in failed {
        if let Some(dir) = &o.forensics {
            let _ = writeln!(out, "\nFAILED {} / {} [incident {}]", o.feature, o.scenario, o.incidents.join(","));
            let _ = writeln!(out, "  forensics: {} (snapshot.json, journal.json, tool-output.txt)", dir.display());
            // An absolute, shell-quoted path: the line pastes into a shell in any directory.
            let snapshot = std::path::absolute(dir.join("snapshot.json")).unwrap_or_else(|_| dir.join("snapshot.json"));
            let quoted = shell_words::quote(&snapshot.to_string_lossy()).into_owned();
            let _ = writeln!(out, "  replay:    fakecloud serve --clock manual --snapshot {quoted}");
        }
    }
}
