//! The step library. Every step is documented with an example in docs/steps.md.

use crate::world::CloudWorld;
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use fakecloud::sim::journal::Record;
use fakecloud::Fixture;
use std::collections::BTreeMap;
use std::time::Duration;

/// Longest a tool under test may run before the step fails: a guard against a hung tool, not a
/// performance bound. Generous, because with a fresh interpreter per `openstack` command on a busy
/// 2-core machine a tool making a dozen calls takes minutes of wall time.
const TOOL_TIMEOUT: Duration = Duration::from_secs(600);

// ---- the cloud ----

#[given("a cloud from the default fixture")]
async fn default_cloud(w: &mut CloudWorld) {
    w.start_cloud(Fixture::default_cloud()).await;
}

#[given(expr = "a cloud from the fixture {string}")]
async fn fixture_cloud(w: &mut CloudWorld, path: String) {
    let fixture = Fixture::load(&crate::repo_root().join(path)).expect("the fixture loads");
    w.start_cloud(fixture).await;
}

/// Installs a fault from the JSON in the step's doc string (see docs/control-api.md for the kinds).
#[when("the fault is injected:")]
async fn inject_fault(w: &mut CloudWorld, step: &Step) {
    let json = step.docstring.as_ref().expect("a doc string holding the fault's JSON");
    let value: serde_json::Value = serde_json::from_str(json).expect("the fault is JSON");
    let req = fakecloud::faults::FaultRequest::from_json(value).expect("a valid fault");
    w.cloud().cloud.world().add_fault(req).expect("the fault applies");
}

/// Removes every installed fault of a kind (as `DELETE /_fakecloud/faults/{id}` would, one by one).
#[when(expr = "the {string} faults are removed")]
async fn remove_faults(w: &mut CloudWorld, kind: String) {
    let cloud = w.cloud();
    let mut world = cloud.cloud.world();
    let ids: Vec<String> = world
        .sim
        .faults
        .list()
        .iter()
        .filter(|f| serde_json::to_value(&f.action).ok().and_then(|v| v["kind"].as_str().map(|k| k == kind)).unwrap_or(false))
        .map(|f| f.id.clone())
        .collect();
    assert!(!ids.is_empty(), "no installed {kind} fault");
    for id in ids {
        world.remove_fault(&id);
    }
}

#[when(expr = "host {string} reboots")]
async fn host_reboots(w: &mut CloudWorld, host: String) {
    let req = fakecloud::faults::FaultRequest::from_json(serde_json::json!({"kind": "host-reboot", "host": host})).expect("a valid fault");
    w.cloud().cloud.world().add_fault(req).expect("the host exists");
}

#[when(expr = "the clock advances by {string}")]
async fn advance(w: &mut CloudWorld, by: String) {
    let d = fakecloud::sim::time::parse_duration(&by).expect("a duration such as 90s or 1h");
    w.cloud().cloud.world().advance_clock(d);
}

// ---- running the tool under test ----

async fn run_tool(w: &mut CloudWorld, command: &str, mut env: BTreeMap<String, String>) {
    // For the `sleep` shim, which advances this scenario's clock.
    env.insert("FAKECLOUD_URL".into(), w.cloud().url());
    if let Some(token) = &w.cloud().cloud.config.control.token {
        env.insert(fakecloud::control::access::TOKEN_ENV.into(), token.clone());
    }
    let mark = w.cloud().cloud.world().sim.journal.entries().len();
    w.journal_mark = mark;
    let out = crate::tool::run(command, &env, TOOL_TIMEOUT).await.expect("the tool could be started");
    w.history.push(out.clone());
    w.last = Some(out);
}

#[when(expr = "{string} runs {string}")]
async fn user_runs(w: &mut CloudWorld, user: String, command: String) {
    let env = w.password_env(&user);
    run_tool(w, &command, env).await;
}

/// On an overcloud node: the fake shell's commands (`docker`, `pcs`, ...) act as that node.
#[when(expr = "{string} runs {string} on {string}")]
async fn user_runs_on(w: &mut CloudWorld, user: String, command: String, node: String) {
    let mut env = w.password_env(&user);
    env.insert("FAKECLOUD_NODE".into(), node);
    run_tool(w, &command, env).await;
}

#[when(expr = "{string} runs {string} through clouds.yaml")]
async fn user_runs_with_clouds_yaml(w: &mut CloudWorld, cloud: String, command: String) {
    let env = w.clouds_yaml_env(&cloud);
    run_tool(w, &command, env).await;
}

#[when(expr = "{string} with password {string} runs {string}")]
async fn user_runs_with_password(w: &mut CloudWorld, user: String, password: String, command: String) {
    let mut env = w.password_env(&user);
    env.insert("OS_PASSWORD".into(), password);
    run_tool(w, &command, env).await;
}

/// Runs the reference tool for a role (`fixtures/tools/<role>/correct`, or `naive` in the run that
/// checks the features catch naive tools) as the user.
#[when(expr = "{string} runs the {string} tool")]
async fn user_runs_tool(w: &mut CloudWorld, user: String, role: String) {
    user_runs_tool_with(w, user, role, String::new()).await;
}

#[when(expr = "{string} runs the {string} tool with {string}")]
async fn user_runs_tool_with(w: &mut CloudWorld, user: String, role: String, args: String) {
    run_role(w, &user, &role, &args, None).await;
}

/// The tool playing `role` (a reference tool, or the runner's configured one), as `user`, on an
/// overcloud node when one is named.
async fn run_role(w: &mut CloudWorld, user: &str, role: &str, args: &str, node: Option<String>) {
    let mut env = w.password_env(user);
    if let Some(n) = node {
        env.insert("FAKECLOUD_NODE".into(), n);
    }
    run_tool(w, &format!("{} {args}", crate::world::tool_command(role)), env).await;
}

#[when(expr = "{string} runs the {string} tool on {string}")]
async fn user_runs_tool_on(w: &mut CloudWorld, user: String, role: String, node: String) {
    user_runs_tool_with_on(w, user, role, String::new(), node).await;
}

#[when(expr = "{string} runs the {string} tool with {string} on {string}")]
async fn user_runs_tool_with_on(w: &mut CloudWorld, user: String, role: String, args: String, node: String) {
    run_role(w, &user, &role, &args, Some(node)).await;
}

/// Remembers the token id the last command printed: `-f json` output's `id`, or the bare value.
#[when(expr = "the token {string} got is remembered")]
async fn remember_token(w: &mut CloudWorld, user: String) {
    let out = w.last().stdout.trim().to_string();
    let id = match serde_json::from_str::<serde_json::Value>(&out) {
        Ok(v) => v["id"].as_str().expect("JSON output with an id field").to_string(),
        Err(_) => out,
    };
    assert!(id.starts_with("gAAAAA"), "not a token id: {id}");
    w.token = Some((user, id));
}

/// Runs a command authenticated by the remembered token (keystoneauth's `v3token` plugin re-scopes
/// it with the token method, so Keystone must still accept it).
#[when(expr = "the remembered token is used to run {string}")]
async fn run_with_token(w: &mut CloudWorld, command: String) {
    let (user, token) = w.token.clone().expect("no token remembered");
    let mut env = w.password_env(&user);
    for k in ["OS_USERNAME", "OS_PASSWORD", "OS_USER_DOMAIN_NAME"] {
        env.remove(k);
    }
    env.insert("OS_AUTH_TYPE".into(), "v3token".into());
    env.insert("OS_TOKEN".into(), token);
    run_tool(w, &command, env).await;
}

// ---- the tool's outcome ----

#[then("it succeeds")]
async fn succeeds(w: &mut CloudWorld) {
    assert_eq!(w.last().status, 0, "expected success: {}", w.last().describe());
}

#[then("it fails")]
async fn fails(w: &mut CloudWorld) {
    assert_ne!(w.last().status, 0, "expected a failure: {}", w.last().describe());
}

#[then(expr = "the exit status is {int}")]
async fn exit_status(w: &mut CloudWorld, code: i32) {
    assert_eq!(w.last().status, code, "{}", w.last().describe());
}

#[then(expr = "stdout contains {string}")]
async fn stdout_contains(w: &mut CloudWorld, text: String) {
    assert!(w.last().stdout.contains(&text), "stdout lacks {text:?}: {}", w.last().describe());
}

#[then(expr = "stdout does not contain {string}")]
async fn stdout_lacks(w: &mut CloudWorld, text: String) {
    assert!(!w.last().stdout.contains(&text), "stdout has {text:?}: {}", w.last().describe());
}

#[then(expr = "stderr contains {string}")]
async fn stderr_contains(w: &mut CloudWorld, text: String) {
    assert!(w.last().stderr.contains(&text), "stderr lacks {text:?}: {}", w.last().describe());
}

/// Whether a tool's stdout has a contract line (docs/roles.md) that is `line`, or starts with its
/// words: `PROBLEM stuck scratch` matches `PROBLEM stuck scratch creating`.
fn reports(stdout: &str, line: &str) -> bool {
    let want: Vec<&str> = line.split_whitespace().collect();
    stdout.lines().any(|l| {
        let got: Vec<&str> = l.split_whitespace().collect();
        got.len() >= want.len() && got[..want.len()] == want[..]
    })
}

/// A contract line of the tool's role (docs/roles.md), the only output a feature checks of a tool.
#[then(expr = "the tool reports {string}")]
async fn tool_reports(w: &mut CloudWorld, line: String) {
    assert!(reports(&w.last().stdout, &line), "the tool did not report {line:?}: {}", w.last().describe());
}

#[then(expr = "the tool does not report {string}")]
async fn tool_does_not_report(w: &mut CloudWorld, line: String) {
    assert!(!reports(&w.last().stdout, &line), "the tool reported {line:?}: {}", w.last().describe());
}

/// The tool's `verdict: <word>` line (docs/roles.md): exactly one, with this word.
#[then(expr = "the verdict is {string}")]
async fn verdict_is(w: &mut CloudWorld, word: String) {
    let verdicts: Vec<&str> = w.last().stdout.lines().filter_map(|l| l.trim().strip_prefix("verdict: ")).collect();
    assert_eq!(verdicts, [word.as_str()], "verdict lines: {}", w.last().describe());
}

#[then(expr = "stdout is JSON whose {string} is {string}")]
async fn stdout_json_field(w: &mut CloudWorld, field: String, value: String) {
    let v: serde_json::Value =
        serde_json::from_str(&w.last().stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", w.last().describe()));
    let got = match &v[field.as_str()] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    assert_eq!(got, value, "field {field}: {}", w.last().describe());
}

/// The project id of a fixture project, for comparing with what a tool printed.
#[then(expr = "stdout contains the id of project {string}")]
async fn stdout_has_project_id(w: &mut CloudWorld, project: String) {
    let id = w.cloud().cloud.world().identity.project_named(&project).expect("a fixture project").id.clone();
    assert!(w.last().stdout.contains(&id), "stdout lacks project {project} ({id}): {}", w.last().describe());
}

// ---- the journal ----

/// The API calls made since the last tool run started, as `METHOD path status`.
fn calls_since_mark(w: &CloudWorld) -> Vec<(String, String, u16)> {
    let world = w.cloud().cloud.world();
    world.sim.journal.entries()[w.journal_mark..]
        .iter()
        .filter_map(|e| match &e.record {
            Record::Api { method, path, status, .. } => Some((method.clone(), path.clone(), *status)),
            _ => None,
        })
        .collect()
}

/// The table's rows (method, path glob, status) appear among the tool's calls in this order;
/// other calls may come between them.
#[then("the journal shows these calls in order:")]
async fn journal_in_order(w: &mut CloudWorld, step: &Step) {
    let table = step.table.as_ref().expect("a table of method | path | status");
    let calls = calls_since_mark(w);
    let mut rest = calls.iter();
    for row in table.rows.iter().skip(1) {
        let (method, path, status) = (&row[0], &row[1], row[2].parse::<u16>().expect("a status code"));
        let glob = wildmatch::WildMatch::new(path);
        let found = rest.any(|(m, p, s)| m == method && glob.matches(p) && *s == status);
        assert!(found, "no `{method} {path} -> {status}` in order among the calls:\n{}", render(&calls));
    }
}

#[then(expr = "the journal has no call answered {int}")]
async fn journal_no_status(w: &mut CloudWorld, status: u16) {
    let calls = calls_since_mark(w);
    assert!(calls.iter().all(|c| c.2 != status), "a call was answered {status}:\n{}", render(&calls));
}

fn render(calls: &[(String, String, u16)]) -> String {
    calls.iter().map(|(m, p, s)| format!("  {m} {p} -> {s}\n")).collect()
}

// ---- Octavia: the availability oracle and journal order ----

/// The load balancer's availability record as the control API serves it
/// (`GET /_fakecloud/loadbalancers/{name}/availability`): the record a user's own tooling reads.
async fn lb_availability(w: &CloudWorld, name: &str) -> serde_json::Value {
    let url = format!("{}/_fakecloud/loadbalancers/{name}/availability", w.cloud().url());
    let mut req = reqwest::Client::new().get(&url);
    if let Some(token) = &w.cloud().cloud.config.control.token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"));
    assert!(status.is_success(), "GET {url} answered {status}: {body}");
    body["availability"].clone()
}

/// What an availability record says, in one sentence for a failed assertion.
fn describe_outage(name: &str, a: &serde_json::Value) -> String {
    let mut text = format!(
        "load balancer {name} was without a serving member for {} s in all (longest {} s)",
        a["total_down_seconds"], a["longest_down_seconds"]
    );
    if let Some(since) = a["open_outage"]["since"].as_str() {
        text += &format!(", and still is: since {since} ({} s at {})", a["open_outage"]["seconds"], a["now"]);
    }
    text
}

/// Over the whole scenario: the load balancer served, and never stopped (an amphora running and at
/// least one serving member: ACTIVE, and ONLINE or NO_MONITOR), at any simulated instant, not only
/// at the end.
#[then(expr = "the load balancer {string} was never without a serving member")]
async fn lb_never_down(w: &mut CloudWorld, name: String) {
    let a = lb_availability(w, &name).await;
    assert!(a["served"] == true, "load balancer {name} never served");
    assert!(a["total_down_seconds"] == 0.0, "{}", describe_outage(&name, &a));
}

#[then(expr = "the load balancer {string} was unavailable for at most {int} seconds")]
async fn lb_down_at_most(w: &mut CloudWorld, name: String, secs: u64) {
    let a = lb_availability(w, &name).await;
    assert!(a["served"] == true, "load balancer {name} never served");
    let down = a["total_down_seconds"].as_f64().expect("total_down_seconds is a number");
    assert!(down <= secs as f64, "{} (allowed {secs} s)", describe_outage(&name, &a));
}

/// The opposite check, for scenarios that show a mistake's cost: an outage of at least this long.
#[then(expr = "the load balancer {string} was without a serving member for at least {int} seconds")]
async fn lb_down_at_least(w: &mut CloudWorld, name: String, secs: u64) {
    let a = lb_availability(w, &name).await;
    let down = a["total_down_seconds"].as_f64().expect("total_down_seconds is a number");
    assert!(down >= secs as f64, "{}; expected at least {secs} s", describe_outage(&name, &a));
}

/// Journal order: whenever a member of the pool was deleted (its DELETE call), another member of
/// that pool had already become ACTIVE and was not being deleted.
#[then(expr = "no member of pool {string} was deleted before its replacement was ACTIVE")]
async fn replacement_before_delete(w: &mut CloudWorld, pool_name: String) {
    let world = w.cloud().cloud.world();
    let pool_id = world.octavia.pools.values().find(|p| p.c.name == pool_name).map(|p| p.c.id.clone()).expect("the pool exists");
    let in_pool = |id: &str| world.octavia.member_pools.get(id).is_some_and(|p| *p == pool_id);
    // Member status by id as the journal tells it; members made by the fixture (no creation in the
    // journal) start ACTIVE.
    let created: std::collections::BTreeSet<&str> = world
        .sim
        .journal
        .entries()
        .iter()
        .filter_map(|e| match &e.record {
            Record::Transition { resource, id, from: None, .. } if resource == "member" => Some(id.as_str()),
            _ => None,
        })
        .collect();
    let mut status: BTreeMap<String, String> = world
        .octavia
        .member_pools
        .iter()
        .filter(|(m, p)| **p == pool_id && !created.contains(m.as_str()))
        .map(|(m, _)| (m.clone(), "ACTIVE".to_string()))
        .collect();
    let mut deletes = 0;
    for e in world.sim.journal.entries() {
        match &e.record {
            Record::Transition { resource, id, to, .. } if resource == "member" && in_pool(id) => {
                status.insert(id.clone(), to.clone());
            }
            Record::Api { method, path, status: code, .. }
                if method == "DELETE" && *code == 204 && path.contains(&format!("/pools/{pool_id}/members/")) =>
            {
                let victim = path.rsplit('/').next().unwrap_or_default().to_string();
                let others_active = status.iter().any(|(m, s)| *m != victim && s == "ACTIVE");
                assert!(others_active, "member {victim} of pool {pool_name} was deleted (at {}) while no other member was ACTIVE", e.at);
                status.insert(victim, "PENDING_DELETE".into());
                deletes += 1;
            }
            _ => {}
        }
    }
    assert!(deletes > 0, "no member of pool {pool_name} was deleted at all");
}

// ---- Magnum and the CAPI management plane ----

/// The management plane's state as `GET /_fakecloud/capi` shows it.
fn capi_state(w: &CloudWorld) -> serde_json::Value {
    fakecloud::container_infra::views::management(&w.cloud().cloud.world())
}

#[then(expr = "the CAPI management plane is {string}")]
async fn management_phase(w: &mut CloudWorld, phase: String) {
    let state = capi_state(w);
    assert_eq!(state["management"]["phase"], phase.as_str(), "management plane: {}", state["management"]);
}

#[then(expr = "the CAPI condition {string} of cluster {string} is {string}")]
async fn capi_condition(w: &mut CloudWorld, kind: String, cluster: String, status: String) {
    let state = capi_state(w);
    let c = state["clusters"].as_array().into_iter().flatten().find(|c| c["name"] == cluster.as_str());
    let c = c.unwrap_or_else(|| panic!("no CAPI cluster {cluster}: {state}"));
    let cond = c["cluster"]["conditions"].as_array().into_iter().flatten().find(|x| x["type"] == kind.as_str());
    let cond = cond.unwrap_or_else(|| panic!("cluster {cluster} has no {kind} condition: {}", c["cluster"]));
    assert_eq!(cond["status"], status.as_str(), "{kind} of {cluster}: {cond}");
}
