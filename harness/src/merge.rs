//! `fakecloud-harness merge`: the reports of several shards (`--shard K/N`) as the one report a
//! single run would have written. JUnit: one `<testsuite>` per feature with every shard's test
//! cases, counts recomputed. Cucumber JSON: one entry per feature file with every shard's
//! scenarios, in line order.

use serde_json::Value;
use std::path::PathBuf;

/// `fakecloud-harness merge`'s options (its help is the subcommand's, in runner.rs).
#[derive(clap::Args, Debug)]
pub struct MergeOpts {
    /// Write the merged JUnit report here (the inputs are JUnit reports).
    #[arg(long, conflicts_with = "json", required_unless_present = "json")]
    junit: Option<PathBuf>,
    /// Write the merged cucumber JSON report here (the inputs are cucumber JSON reports).
    #[arg(long)]
    json: Option<PathBuf>,
    /// The shards' reports.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
}

pub fn run(opts: MergeOpts) -> Result<(), String> {
    let texts: Vec<String> = opts
        .inputs
        .iter()
        .map(|p| std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display())))
        .collect::<Result<_, _>>()?;
    let (out, merged) = match (&opts.junit, &opts.json) {
        (Some(out), _) => (out, merge_junit(&texts)?),
        (_, Some(out)) => (out, merge_json(&texts)?),
        _ => return Err("name the merged report with --junit or --json".into()),
    };
    std::fs::write(out, merged).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The test suites of every report, each feature's cases together; the cases keep their text.
pub fn merge_junit(texts: &[String]) -> Result<String, String> {
    // (suite name, its cases' XML, time)
    let mut suites: Vec<(String, Vec<String>, f64)> = vec![];
    for text in texts {
        let doc = roxmltree::Document::parse(text).map_err(|e| format!("a report is not XML: {e}"))?;
        for suite in doc.descendants().filter(|n| n.has_tag_name("testsuite")) {
            let name = suite.attribute("name").unwrap_or_default().to_string();
            let time: f64 = suite.attribute("time").and_then(|t| t.parse().ok()).unwrap_or(0.0);
            let cases: Vec<String> = suite.children().filter(|n| n.has_tag_name("testcase")).map(|c| text[c.range()].to_string()).collect();
            match suites.iter_mut().find(|s| s.0 == name) {
                Some(s) => {
                    s.1.extend(cases);
                    s.2 += time;
                }
                None => suites.push((name, cases, time)),
            }
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n");
    for (id, (name, cases, time)) in suites.iter().enumerate() {
        let count = |tag: &str| cases.iter().filter(|c| c.contains(&format!("<{tag}"))).count();
        out += &format!(
            "  <testsuite id=\"{id}\" name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{time:.3}\">\n",
            escape(name),
            cases.len(),
            count("failure"),
            count("error"),
            count("skipped"),
        );
        for c in cases {
            out += &format!("    {c}\n");
        }
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    Ok(out)
}

/// One entry per feature file, with every report's scenarios in line order.
pub fn merge_json(texts: &[String]) -> Result<String, String> {
    let mut features: Vec<Value> = vec![];
    for text in texts {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("a report is not JSON: {e}"))?;
        for f in doc.as_array().ok_or("a cucumber JSON report is an array of features")? {
            match features.iter_mut().find(|x| x["uri"] == f["uri"] && x["name"] == f["name"]) {
                Some(x) => {
                    let more = f["elements"].as_array().cloned().unwrap_or_default();
                    if let Some(e) = x["elements"].as_array_mut() {
                        e.extend(more);
                    }
                }
                None => features.push(f.clone()),
            }
        }
    }
    for f in &mut features {
        if let Some(e) = f["elements"].as_array_mut() {
            e.sort_by_key(|s| s["line"].as_u64().unwrap_or(0));
        }
    }
    serde_json::to_string_pretty(&features).map_err(|e| e.to_string())
}
