//! The scenario's world: its own cloud, the last tool run, and what earlier steps remembered.

use crate::tool::Output;
use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, Fixture, RunningCloud};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Which reference tool answers for a role: the correct one (the normal run) or the naive one (the
/// run that proves each @catches-naive scenario catches it).
static NAIVE_TOOLS: AtomicBool = AtomicBool::new(false);

pub fn use_naive_tools(naive: bool) {
    NAIVE_TOOLS.store(naive, Ordering::SeqCst);
}

pub fn tool_variant() -> &'static str {
    if NAIVE_TOOLS.load(Ordering::SeqCst) {
        "naive"
    } else {
        "correct"
    }
}

/// The tools under test by role, when `fakecloud-harness run --tools FILE` names them; otherwise the
/// reference tools in fixtures/tools answer.
static EXTERNAL_TOOLS: OnceLock<BTreeMap<String, String>> = OnceLock::new();
/// The clock scenario clouds run on (manual unless the runner asks for scaled real time).
static CLOCK: OnceLock<ClockMode> = OnceLock::new();

pub fn use_external_tools(tools: BTreeMap<String, String>) {
    let _ = EXTERNAL_TOOLS.set(tools);
}

pub fn use_clock(mode: ClockMode) {
    let _ = CLOCK.set(mode);
}

/// The command line that plays `role`: the configured one, or the reference tool's path.
pub fn tool_command(role: &str) -> String {
    match EXTERNAL_TOOLS.get() {
        Some(tools) => match tools.get(role) {
            Some(cmd) => cmd.clone(),
            None => panic!("{} \"{role}\": add `{role} = \"...\"` to the tools file", crate::not_run::ROLE_NOT_CONFIGURED),
        },
        None => {
            let tool = crate::repo_root().join("fixtures/tools").join(role).join(tool_variant());
            assert!(tool.exists(), "no reference tool at {}", tool.display());
            shell_words::quote(&tool.display().to_string()).into_owned()
        }
    }
}

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct CloudWorld {
    pub cloud: Option<RunningCloud>,
    pub fixture: Option<Fixture>,
    pub last: Option<Output>,
    /// Every command and tool the scenario ran, in order (saved with a failed scenario).
    pub history: Vec<Output>,
    /// Journal length when the last tool run started: journal steps look at what came after.
    pub journal_mark: usize,
    /// A token id a step remembered, with the user it belongs to.
    pub token: Option<(String, String)>,
    pub scratch: tempfile::TempDir,
}

impl std::fmt::Debug for CloudWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudWorld").field("cloud", &self.cloud.as_ref().map(|c| c.url())).field("last", &self.last).finish()
    }
}

impl CloudWorld {
    fn new() -> Self {
        CloudWorld {
            cloud: None,
            fixture: None,
            last: None,
            history: vec![],
            journal_mark: 0,
            token: None,
            scratch: tempfile::tempdir().expect("a scratch directory"),
        }
    }

    /// Starts this scenario's cloud: ephemeral port, manual clock (or the runner's), seed 0.
    pub async fn start_cloud(&mut self, fixture: Fixture) {
        let clock = CLOCK.get().copied().unwrap_or(ClockMode::Manual);
        let config = CloudConfig { fixture: fixture.clone(), seed: 0, clock, start: None, public_url: None, ..Default::default() };
        let addr = "127.0.0.1:0".parse().expect("a socket address");
        self.cloud = Some(fakecloud::start(config, addr).await.expect("the cloud starts"));
        self.fixture = Some(fixture);
    }

    pub fn cloud(&self) -> &RunningCloud {
        self.cloud.as_ref().expect("no cloud yet: start one with `Given a cloud from the default fixture`")
    }

    pub fn fixture(&self) -> &Fixture {
        self.fixture.as_ref().expect("no cloud yet")
    }

    pub fn last(&self) -> &Output {
        self.last.as_ref().expect("no tool has run yet")
    }

    /// The OS_* environment that logs `user` in with its password, as `fakecloud env` prints it.
    pub fn password_env(&self, user: &str) -> BTreeMap<String, String> {
        fakecloud::cli::env::os_vars(self.fixture(), &self.cloud().url(), user).expect("a fixture user").into_iter().collect()
    }

    /// The environment that selects `cloud` from a clouds.yaml written for this scenario's cloud.
    pub fn clouds_yaml_env(&self, cloud: &str) -> BTreeMap<String, String> {
        let path = self.scratch.path().join("clouds.yaml");
        let yaml = fakecloud::cli::env::clouds_yaml(self.fixture(), &self.cloud().url()).expect("clouds.yaml renders");
        std::fs::write(&path, yaml).expect("clouds.yaml is written");
        BTreeMap::from([("OS_CLIENT_CONFIG_FILE".to_string(), path.display().to_string()), ("OS_CLOUD".to_string(), cloud.to_string())])
    }
}
