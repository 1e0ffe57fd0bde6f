//! The features check a tool's output only through the role contract in docs/roles.md. This test
//! reads the step library (which steps run a tool, which look at output), walks every feature, and
//! fails when a step after a tool run checks output the tool's role does not define: a line outside
//! the role's vocabulary, standard error, or JSON. It also fails when a role that the features run
//! or that has a reference tool has no entry, or an entry lacks its exit codes or output lines.

use regex::Regex;
use std::collections::BTreeMap;

/// A role's entry in docs/roles.md.
#[derive(Debug, Default)]
struct Role {
    exit_codes: Vec<String>,
    /// Output patterns, as words: `<x>` stands for any one word.
    lines: Vec<Vec<String>>,
}

fn parse_roles(text: &str) -> BTreeMap<String, Role> {
    let heading = Regex::new(r"^## `([a-z0-9-]+)`\s*$").unwrap();
    let code = Regex::new(r"^- `(\d+)`").unwrap();
    let mut roles: BTreeMap<String, Role> = BTreeMap::new();
    let mut current: Option<String> = None;
    let (mut in_output, mut in_block) = (false, false);
    for line in text.lines() {
        if let Some(c) = heading.captures(line) {
            current = Some(c[1].to_string());
            roles.entry(c[1].to_string()).or_default();
            (in_output, in_block) = (false, false);
            continue;
        }
        if line.starts_with("## ") {
            current = None;
            continue;
        }
        let Some(role) = current.as_ref().and_then(|r| roles.get_mut(r)) else { continue };
        if line.starts_with("```") {
            in_block = in_output && !in_block;
            if !in_block {
                in_output = false;
            }
            continue;
        }
        if in_block {
            role.lines.push(line.split_whitespace().map(str::to_string).collect());
        } else if line.trim() == "Output:" {
            in_output = true;
        } else if let Some(c) = code.captures(line) {
            role.exit_codes.push(c[1].to_string());
        }
    }
    roles
}

/// Whether `text` is a contract line of the role, whole or its first words.
fn conforms(role: &Role, text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && role.lines.iter().any(|pattern| {
            words.len() <= pattern.len() && words.iter().zip(pattern).all(|(w, p)| p == w || (p.starts_with('<') && p.ends_with('>')))
        })
}

/// What a step definition of steps.rs does, as far as this test cares.
#[derive(Debug, PartialEq)]
enum StepKind {
    /// Runs the tool playing a role (its expression names `the {string} tool`).
    RunsRole,
    /// Runs any other command.
    RunsCommand,
    /// Checks the last run's output; `verdict` when it checks the `verdict:` line.
    ChecksOutput {
        verdict: bool,
        contract: bool,
    },
    Other,
}

struct StepDef {
    pattern: Regex,
    kind: StepKind,
}

/// The step definitions, each with a regex that matches a feature's step text and captures its
/// `{string}` arguments.
fn step_defs(source: &str) -> Vec<StepDef> {
    let attr = Regex::new(r#"#\[(?:given|when|then)\((?:expr = )?"((?:[^"\\]|\\.)*)"\)\]"#).unwrap();
    let starts: Vec<_> = attr.captures_iter(source).map(|c| (c.get(0).unwrap().start(), c[1].replace("\\\"", "\""))).collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, (at, expr))| {
            let body = &source[*at..starts.get(i + 1).map(|n| n.0).unwrap_or(source.len())];
            let runs = ["run_tool(", "run_role(", "user_runs_tool_with(", "user_runs_tool_with_on("].iter().any(|f| body.contains(f));
            let kind = if runs && expr.contains("the {string} tool") {
                StepKind::RunsRole
            } else if runs {
                StepKind::RunsCommand
            } else if body.contains(".stdout") || body.contains(".stderr") {
                StepKind::ChecksOutput {
                    verdict: body.contains("\"verdict: \""),
                    contract: body.contains("reports(&") || body.contains("\"verdict: \""),
                }
            } else {
                StepKind::Other
            };
            let mut pattern = String::from("^");
            let mut rest = expr.as_str();
            while let Some(open) = rest.find('{') {
                pattern.push_str(&regex::escape(&rest[..open]));
                let close = rest[open..].find('}').map(|c| open + c + 1).unwrap_or(rest.len());
                pattern.push_str(if &rest[open..close] == "{int}" { r"-?\d+" } else { r#"(?:"([^"]*)"|'([^']*)')"# });
                rest = &rest[close..];
            }
            pattern.push_str(&regex::escape(rest));
            pattern.push('$');
            StepDef { pattern: Regex::new(&pattern).unwrap(), kind }
        })
        .collect()
}

/// Every step of `feature` that checks a tool's output outside its role's contract, as
/// `file:line: why`. `ran` collects the roles the feature runs.
fn violations(file: &str, feature: &str, defs: &[StepDef], roles: &BTreeMap<String, Role>, ran: &mut Vec<String>) -> Vec<String> {
    let keyword = Regex::new(r"^\s*(Given|When|Then|And|But|\*) (.*?)\s*$").unwrap();
    let mut role: Option<String> = None;
    let mut found = vec![];
    for (n, line) in feature.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("Scenario") || trimmed.starts_with("Background") || trimmed.starts_with("Example:") {
            role = None;
            continue;
        }
        let Some(step) = keyword.captures(line).map(|c| c[2].to_string()) else { continue };
        let Some((def, caps)) = defs.iter().find_map(|d| d.pattern.captures(&step).map(|c| (d, c))) else { continue };
        let args: Vec<String> = caps.iter().skip(1).flatten().map(|m| m.as_str().to_string()).collect();
        let at = format!("{file}:{}", n + 1);
        match &def.kind {
            StepKind::RunsRole => {
                let r = args.get(1).cloned().unwrap_or_default();
                ran.push(r.clone());
                role = Some(r);
            }
            StepKind::RunsCommand => role = None,
            StepKind::ChecksOutput { verdict, contract } => {
                let Some(r) = &role else { continue };
                let Some(entry) = roles.get(r) else {
                    found.push(format!("{at}: role {r} has no entry in docs/roles.md"));
                    continue;
                };
                if !contract {
                    found.push(format!("{at}: `{step}` checks the {r} tool's output outside its contract lines (use `the tool reports` or `the verdict is`)"));
                    continue;
                }
                for a in &args {
                    let text = if *verdict { format!("verdict: {a}") } else { a.clone() };
                    if !conforms(entry, &text) {
                        found.push(format!("{at}: `{text}` is no output line docs/roles.md defines for {r}"));
                    }
                }
            }
            StepKind::Other => {}
        }
    }
    found
}

fn load() -> (Vec<StepDef>, BTreeMap<String, Role>) {
    let root = harness::repo_root();
    let defs = step_defs(&std::fs::read_to_string(root.join("harness/src/steps.rs")).unwrap());
    let roles = parse_roles(&std::fs::read_to_string(root.join("docs/roles.md")).unwrap());
    (defs, roles)
}

#[test]
fn features_check_tool_output_only_through_the_role_contract() {
    let (defs, roles) = load();
    let root = harness::repo_root();
    let mut ran = vec![];
    let mut found = vec![];
    let mut files: Vec<_> = std::fs::read_dir(root.join("features")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "feature")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        found.extend(violations(&name, &std::fs::read_to_string(path).unwrap(), &defs, &roles, &mut ran));
    }
    assert!(ran.len() > 40, "the tool runs were found ({} of them)", ran.len());
    for r in &ran {
        if !roles.contains_key(r) {
            found.push(format!("the features run role {r}, which docs/roles.md does not describe"));
        }
    }
    assert!(found.is_empty(), "tool output checked outside docs/roles.md:\n  {}", found.join("\n  "));
}

#[test]
fn every_role_lists_its_exit_codes_and_output_lines() {
    let (_, roles) = load();
    let mut tools: Vec<String> = std::fs::read_dir(harness::repo_root().join("fixtures/tools"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    tools.sort();
    assert!(tools.len() >= 20, "the reference tools were found");
    for t in &tools {
        let role = roles.get(t).unwrap_or_else(|| panic!("reference tool {t} has no entry in docs/roles.md"));
        assert!(!role.exit_codes.is_empty(), "{t}: no exit codes in docs/roles.md");
        assert!(!role.lines.is_empty(), "{t}: no output lines in docs/roles.md");
    }
    assert_eq!(roles.keys().cloned().collect::<Vec<_>>(), tools, "docs/roles.md describes exactly the reference tools' roles");
}

#[test]
fn the_check_flags_output_outside_the_contract_and_lets_commands_be() {
    let (defs, roles) = load();
    let feature = r#"
  Scenario: one
    When "admin" runs the "coe-triage" tool with "kube"
    Then the exit status is 2
    And the verdict is "infrastructure-failure"
    And the tool reports "PROBLEM infrastructure kube"
    And the tool reports "load balancer"
    And the verdict is "unhealthy"
    And stderr contains "went to ERROR"
    And stdout contains "verdict: cosmetic"
    When "admin" runs "openstack server list"
    Then stdout contains "ERROR"
  Scenario: two
    Then stdout contains "anything"
"#;
    let mut ran = vec![];
    let found = violations("x.feature", feature, &defs, &roles, &mut ran);
    assert_eq!(ran, ["coe-triage"]);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found[0].starts_with("x.feature:7: `load balancer`"), "{found:#?}");
    assert!(found[1].starts_with("x.feature:8: `verdict: unhealthy`"), "{found:#?}");
    assert!(found[2].starts_with("x.feature:9: `stderr contains"), "{found:#?}");
    assert!(found[3].starts_with("x.feature:10: `stdout contains"), "{found:#?}");
}
