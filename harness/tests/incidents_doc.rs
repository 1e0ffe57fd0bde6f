//! The incident catalogue, docs/incidents.md, is kept in step with the features: every
//! `@incident-<ID>` tag in `features/` has an entry, every entry is tagged by some scenario, and
//! each entry names every scenario tagged with its ID, with that scenario's feature file. Tagging a
//! new scenario, renaming one, or adding an incident without documenting it fails here.

use std::collections::{BTreeMap, BTreeSet};

/// A scenario tagged with an incident: its feature file (as `features/NAME.feature`) and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Tagged {
    file: String,
    scenario: String,
}

/// Every `@incident-<ID>` tag in the features, with the scenarios it applies to. Tags on the
/// `Feature:` or a `Rule:` line apply to every scenario under it, as in Gherkin.
fn tagged_scenarios() -> BTreeMap<String, Vec<Tagged>> {
    let dir = harness::repo_root().join("features");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("features/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "feature"))
        .collect();
    files.sort();
    let mut out: BTreeMap<String, Vec<Tagged>> = BTreeMap::new();
    for path in files {
        let file = format!("features/{}", path.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&path).expect("a feature file is readable");
        let (mut pending, mut feature_tags, mut rule_tags) = (Vec::new(), Vec::new(), Vec::new());
        for line in text.lines().map(str::trim) {
            if line.starts_with('@') {
                pending.extend(line.split_whitespace().map(str::to_string));
            } else if line.starts_with("Feature:") {
                feature_tags = std::mem::take(&mut pending);
            } else if line.starts_with("Rule:") {
                rule_tags = std::mem::take(&mut pending);
            } else if let Some(name) = line.strip_prefix("Scenario:").or_else(|| line.strip_prefix("Scenario Outline:")) {
                let tags = std::mem::take(&mut pending);
                for tag in tags.iter().chain(&feature_tags).chain(&rule_tags) {
                    if let Some(id) = tag.strip_prefix("@incident-") {
                        let entry = Tagged { file: file.clone(), scenario: name.trim().to_string() };
                        out.entry(id.to_string()).or_default().push(entry);
                    }
                }
            } else if !line.is_empty() && !line.starts_with('#') {
                // Tags belong to the next keyword line; anything else in between drops them.
                pending.clear();
            }
        }
    }
    out
}

/// The catalogue's entries: each `### <ID>: title` heading with its text up to the next heading,
/// whitespace collapsed so that wrapped scenario names still match.
fn catalogue_entries(doc: &str) -> BTreeMap<String, String> {
    let mut entries = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        if line.starts_with("## ") || line.starts_with("### ") {
            if let Some((id, body)) = current.take() {
                entries.insert(id, body);
            }
        }
        if let Some(heading) = line.strip_prefix("### ") {
            let id = heading.split(':').next().unwrap_or_default().trim().to_string();
            assert!(!entries.contains_key(&id), "docs/incidents.md has two entries for {id}");
            current = Some((id, String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push(' ');
            body.push_str(line.trim());
        }
    }
    if let Some((id, body)) = current {
        entries.insert(id, body);
    }
    entries.into_iter().map(|(id, body)| (id, body.split_whitespace().collect::<Vec<_>>().join(" "))).collect()
}

/// The IDs in the summary table's first column.
fn summary_ids(doc: &str) -> BTreeSet<String> {
    let after = doc.split("## Summary").nth(1).expect("docs/incidents.md has a Summary section");
    after
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .filter_map(|l| l.split('|').nth(1).map(|c| c.trim().to_string()))
        .collect()
}

fn catalogue() -> String {
    std::fs::read_to_string(harness::repo_root().join("docs/incidents.md")).expect("docs/incidents.md is readable")
}

#[test]
fn every_tagged_incident_has_an_entry_and_every_entry_is_tagged() {
    let tagged = tagged_scenarios();
    assert!(tagged.len() >= 20, "the incident tags were found ({} of them)", tagged.len());
    let doc = catalogue();
    let entries = catalogue_entries(&doc);
    let tags: BTreeSet<&String> = tagged.keys().collect();
    let documented: BTreeSet<&String> = entries.keys().collect();
    let undocumented: Vec<_> = tags.difference(&documented).collect();
    let untagged: Vec<_> = documented.difference(&tags).collect();
    assert!(undocumented.is_empty(), "incidents tagged in features/ with no entry in docs/incidents.md: {undocumented:?}");
    assert!(untagged.is_empty(), "entries in docs/incidents.md that no scenario tags: {untagged:?}");
    let summary = summary_ids(&doc);
    let in_summary: BTreeSet<&String> = summary.iter().collect();
    assert_eq!(in_summary, documented, "the summary table lists exactly the documented incidents");
}

#[test]
fn every_entry_names_the_scenarios_tagged_with_it() {
    let entries = catalogue_entries(&catalogue());
    let mut missing = Vec::new();
    for (id, scenarios) in tagged_scenarios() {
        let Some(body) = entries.get(&id) else { continue };
        for Tagged { file, scenario } in scenarios {
            if !body.contains(&format!("`{file}`")) {
                missing.push(format!("{id}: the file {file}"));
            }
            if !body.contains(&format!("\"{scenario}\"")) {
                missing.push(format!("{id}: \"{scenario}\" ({file})"));
            }
        }
    }
    assert!(missing.is_empty(), "docs/incidents.md does not name:\n  {}", missing.join("\n  "));
}

#[test]
fn the_catalogue_parser_reads_wrapped_names_and_the_summary() {
    let doc =
        "intro\n## Summary\n\n| ID | t |\n|---|---|\n| X1 | a |\n\n## Part\n\n### X1: A title\n\n- a \"long\n  name\" here\n## Next\n";
    let entries = catalogue_entries(doc);
    assert_eq!(entries.len(), 1);
    assert!(entries["X1"].contains("\"long name\""));
    assert_eq!(summary_ids(doc), BTreeSet::from(["X1".to_string()]));
}
