//! `fakecloud-harness run --html report.html`: one self-contained page (inline CSS, SVG and a few
//! lines of script, nothing fetched) with a section per scenario: its verdict, the faults it
//! injected, every command and tool it ran with their output, and a timeline in simulated time
//! drawn from the scenario cloud's journal: resource state changes, API calls, faults, and each
//! load balancer's availability (red where it had no serving member).

use crate::tool::Output;
use crate::world::CloudWorld;
use fakecloud::sim::journal::Record;
use fakecloud::sim::SimTime;

/// One point on a timeline lane, seconds after the scenario's first journal entry.
pub struct Mark {
    pub at: f64,
    /// `state`, `call` or `fault`.
    pub lane: &'static str,
    pub label: String,
}

/// What the report shows of one scenario.
pub struct ScenarioReport {
    pub feature: String,
    pub scenario: String,
    pub line: usize,
    /// `passed`, `failed` or `not run`.
    pub verdict: String,
    pub commands: Vec<Output>,
    pub faults: Vec<String>,
    pub marks: Vec<Mark>,
    /// Per load balancer: (name, its outages as (from, to) seconds).
    pub availability: Vec<(String, Vec<(f64, f64)>)>,
    /// Seconds from the first journal entry to the scenario's end.
    pub length: f64,
}

fn secs(from: SimTime, to: SimTime) -> f64 {
    (to - from).num_milliseconds() as f64 / 1000.0
}

/// Reads what the report needs from a finished scenario's world.
pub fn capture(feature: &str, scenario: &str, line: usize, verdict: &str, w: Option<&CloudWorld>) -> ScenarioReport {
    let mut report = ScenarioReport {
        feature: feature.into(),
        scenario: scenario.into(),
        line,
        verdict: verdict.into(),
        commands: w.map(|w| w.history.clone()).unwrap_or_default(),
        faults: vec![],
        marks: vec![],
        availability: vec![],
        length: 0.0,
    };
    let Some(cloud) = w.and_then(|w| w.cloud.as_ref()) else { return report };
    let world = cloud.cloud.world();
    let entries = world.sim.journal.entries();
    let now = world.now();
    let start = entries.first().map_or(now, |e| e.at);
    report.length = secs(start, now).max(1.0);
    for e in entries {
        let at = secs(start, e.at);
        let (lane, label) = match &e.record {
            Record::Transition { resource, id, from, to } => {
                ("state", format!("{resource} {id}: {} → {to}", from.as_deref().unwrap_or("(new)")))
            }
            Record::Api { method, path, status, .. } => ("call", format!("{method} {path} → {status}")),
            Record::Fault { action, fault_id, detail } => {
                let text = format!("fault {fault_id} {action} {detail}").trim().to_string();
                report.faults.push(format!("{at:.0} s: {text}"));
                ("fault", text)
            }
            _ => continue,
        };
        report.marks.push(Mark { at, lane, label });
    }
    for (id, timeline) in &world.octavia.availability {
        let name = world.octavia.loadbalancers.get(id).map(|lb| lb.c.name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| id.clone());
        let mut outages = vec![];
        let mut down: Option<f64> = None;
        let mut served = false;
        for (t, up) in timeline {
            let at = secs(start, *t).max(0.0);
            match (up, down) {
                (true, Some(d)) => {
                    outages.push((d, at));
                    down = None;
                }
                (true, None) => {}
                (false, None) if served => down = Some(at),
                _ => {}
            }
            served |= *up;
        }
        if let Some(d) = down {
            outages.push((d, report.length));
        }
        report.availability.push((name, outages));
    }
    report
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const LEFT: f64 = 190.0;
const WIDTH: f64 = 760.0;
const ROW: f64 = 22.0;

/// The timeline of one scenario as inline SVG: a lane each for states, calls and faults, and a
/// row per load balancer.
fn timeline(r: &ScenarioReport) -> String {
    let x = |t: f64| LEFT + (t / r.length).clamp(0.0, 1.0) * WIDTH;
    let lanes = [("state", "resource states"), ("call", "API calls"), ("fault", "faults")];
    let rows = lanes.len() + r.availability.len();
    let height = ROW * rows as f64 + 30.0;
    let mut svg = format!(
        "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">\n",
        LEFT + WIDTH + 20.0,
        LEFT + WIDTH + 20.0
    );
    for (i, (lane, title)) in lanes.iter().enumerate() {
        let y = ROW * i as f64 + ROW / 2.0;
        svg += &format!(
            "<text x=\"4\" y=\"{}\">{title}</text><line class=\"lane\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>\n",
            y + 4.0,
            LEFT + WIDTH
        );
        for m in r.marks.iter().filter(|m| m.lane == *lane) {
            svg += &format!(
                "<circle class=\"mark {lane}\" data-lane=\"{lane}\" cx=\"{:.1}\" cy=\"{y}\" r=\"4\"><title>{:.1} s: {}</title></circle>\n",
                x(m.at),
                m.at,
                escape(&m.label)
            );
        }
    }
    for (j, (name, outages)) in r.availability.iter().enumerate() {
        let y = ROW * (lanes.len() + j) as f64 + 4.0;
        svg += &format!(
            "<text x=\"4\" y=\"{}\">{}</text><rect class=\"serving\" x=\"{LEFT}\" y=\"{y}\" width=\"{WIDTH}\" height=\"{}\"/>\n",
            y + 12.0,
            escape(&name.chars().take(26).collect::<String>()),
            ROW - 8.0
        );
        for (from, to) in outages {
            svg += &format!(
                "<rect class=\"mark outage\" data-lane=\"availability\" x=\"{:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"{}\"><title>{name}: no serving member from {from:.0} s to {to:.0} s</title></rect>\n",
                x(*from),
                (x(*to) - x(*from)).max(1.0),
                ROW - 8.0
            );
        }
    }
    let axis = ROW * rows as f64 + 16.0;
    svg += &format!(
        "<text x=\"{LEFT}\" y=\"{axis}\">0 s</text><text x=\"{}\" y=\"{axis}\" text-anchor=\"end\">{:.0} s (simulated)</text>\n</svg>",
        LEFT + WIDTH,
        r.length
    );
    svg
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;color:#222}section{border:1px solid #ccc;border-radius:6px;padding:1em;margin:1em 0}\
section.passed h2::before{content:'✔ ';color:#2a2}section.failed h2::before{content:'✘ ';color:#c22}section.not-run h2::before{content:'– ';color:#888}\
.verdict{font-weight:bold}pre{background:#f6f6f6;padding:.5em;overflow-x:auto;max-height:20em}text{font-size:11px}\
line.lane{stroke:#ddd}circle.state{fill:#36c}circle.call{fill:#999}circle.fault{fill:#c22}rect.serving{fill:#cfc}rect.outage{fill:#e33}";

/// The whole page.
pub fn render(reports: &[ScenarioReport]) -> String {
    let count = |v: &str| reports.iter().filter(|r| r.verdict == v).count();
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>fakecloud-harness report</title><style>{STYLE}</style></head><body>\n\
<h1>fakecloud-harness report</h1><p id=\"summary\">{} scenarios: {} passed, {} failed, {} not run</p>\n",
        reports.len(),
        count("passed"),
        count("failed"),
        count("not run")
    );
    for r in reports {
        let class = r.verdict.replace(' ', "-");
        html += &format!(
            "<section class=\"scenario {class}\" data-verdict=\"{}\">\n<h2>{}</h2><p>{} (line {}) · <span class=\"verdict\">{}</span></p>\n",
            escape(&r.verdict),
            escape(&r.scenario),
            escape(&r.feature),
            r.line,
            escape(&r.verdict)
        );
        html += "<h3>Timeline</h3>\n";
        html += &timeline(r);
        if !r.faults.is_empty() {
            html += "<h3>Faults</h3><ul class=\"faults\">";
            for f in &r.faults {
                html += &format!("<li>{}</li>", escape(f));
            }
            html += "</ul>\n";
        }
        html += "<h3>Commands and tools</h3>\n";
        for c in &r.commands {
            html += &format!(
                "<details class=\"command\"><summary><code>{}</code> exited {}</summary><pre>{}</pre><pre class=\"stderr\">{}</pre></details>\n",
                escape(&c.command),
                c.status,
                escape(&c.stdout),
                escape(&c.stderr)
            );
        }
        html += "</section>\n";
    }
    // Counts what the browser drew, per lane, on the body: a reader (or a test) sees at a glance
    // that the page rendered and what its timelines hold.
    html += "<script>for (const lane of ['state','call','fault','availability']) {\
document.body.dataset['marks' + lane[0].toUpperCase() + lane.slice(1)] = document.querySelectorAll('svg .mark[data-lane=\"' + lane + '\"]').length; }\
document.body.dataset.sections = document.querySelectorAll('section.scenario').length;</script>\n</body></html>\n";
    html
}
