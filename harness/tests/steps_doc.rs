//! The step library's documentation is kept in sync with the code: every step defined in
//! `harness/src/steps.rs` must appear in docs/steps.md with an example that the step's own
//! expression matches. Adding a step without documenting it fails here.

use regex::Regex;

/// The steps' expressions: (keyword, cucumber expression).
fn defined_steps() -> Vec<(String, String)> {
    let source = std::fs::read_to_string(harness::repo_root().join("harness/src/steps.rs")).expect("steps.rs is readable");
    let attr = Regex::new(r#"#\[(given|when|then)\((?:expr = )?"((?:[^"\\]|\\.)*)"\)\]"#).unwrap();
    attr.captures_iter(&source).map(|c| (c[1].to_string(), c[2].replace("\\\"", "\""))).collect()
}

/// A regex for a cucumber expression as it reads in an example: `{string}` is a quoted string,
/// `{int}` a number, the rest literal.
fn example_pattern(keyword: &str, expr: &str) -> Regex {
    let mut pattern = String::new();
    let mut rest = expr;
    while let Some(at) = rest.find('{') {
        pattern.push_str(&regex::escape(&rest[..at]));
        let end = rest[at..].find('}').map(|e| at + e + 1).unwrap_or(rest.len());
        pattern.push_str(match &rest[at..end] {
            "{int}" => r"-?\d+",
            _ => r#"(?:"[^"]*"|'[^']*'|[A-Z_]+)"#,
        });
        rest = &rest[end..];
    }
    pattern.push_str(&regex::escape(rest));
    let first = {
        let mut k = keyword.chars();
        k.next().map(|c| c.to_uppercase().collect::<String>() + k.as_str()).unwrap_or_default()
    };
    Regex::new(&format!(r"`(?:{first}|And|But) {pattern}(?:[`:]|\s)")).unwrap()
}

#[test]
fn every_step_is_documented_with_an_example() {
    let docs = std::fs::read_to_string(harness::repo_root().join("docs/steps.md")).expect("docs/steps.md is readable");
    let steps = defined_steps();
    assert!(steps.len() >= 30, "the step definitions were found ({} of them)", steps.len());
    let missing: Vec<String> =
        steps.iter().filter(|(k, e)| !example_pattern(k, e).is_match(&docs)).map(|(k, e)| format!("{k} {e}")).collect();
    assert!(missing.is_empty(), "steps without an example in docs/steps.md:\n  {}", missing.join("\n  "));
}

#[test]
fn the_example_pattern_tells_steps_apart() {
    let p = example_pattern("then", "stdout contains {string}");
    assert!(p.is_match(r#"| `Then stdout contains "TEXT"` | x |"#));
    assert!(p.is_match(r#"`And stdout contains "demo"`"#));
    assert!(!p.is_match(r#"`Then stdout does not contain "demo"`"#));
    assert!(example_pattern("then", "the exit status is {int}").is_match("`Then the exit status is 2`"));
}
