//! Reporting: the detailed table, the summary against the ceiling, and the verdicts.

use crate::load::Load;
use crate::scenarios::LARGE_BODY_BYTES;

/// A read route should answer at least this share of the ceiling's requests per second.
pub const READ_RATIO_TARGET: f64 = 0.5;

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(|m| m.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into())
}

pub fn verdict(met: bool) -> &'static str {
    if met {
        "PASS"
    } else {
        "MISS"
    }
}

pub fn print_load_row(name: &str, load: &Load, ceiling: Option<f64>, target: Option<f64>) {
    let ratio = ceiling.map_or("-".to_string(), |c| format!("{:.1}%", 100.0 * load.rate() / c));
    let (target_text, result) = match target {
        Some(t) => (format!(">= {t:.0}/s"), verdict(load.rate() >= t)),
        None => ("-".to_string(), "-"),
    };
    println!(
        "| {name} | {} | {:.0} | {ratio} | {:.2} | {:.2} | {} | {} | {target_text} | {result} |",
        load.ok,
        load.rate(),
        load.percentile_ms(50),
        load.percentile_ms(99),
        load.errors,
        load.body_len,
    );
}

/// What a row measures, for the summary against the ceiling.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Ceiling,
    CeilingLarge,
    /// A read route: judged against `READ_RATIO_TARGET` of the ceiling.
    Read,
    /// A write route: its ratio is reported, with no target.
    Write,
    /// Shown in the detailed table only.
    Diagnostic,
}

pub struct Row {
    pub name: String,
    pub load: Load,
    pub route: Route,
    /// An absolute target in requests per second, where the route has one.
    pub target: Option<f64>,
}

impl Row {
    pub fn new(name: &str, load: Load, route: Route, target: Option<f64>) -> Row {
        Row { name: name.to_string(), load, route, target }
    }
}

/// The summary table: each route's requests per second, its ratio to the ceiling, and the verdict.
/// A route whose replies are large (a `servers/detail` page is about 178 KB) is judged against the
/// ceiling that serves a fixed body of the same size (`ceiling-large`): the bytes themselves cost
/// the stack (hyper, the kernel's loopback, the load generator) whatever produces them. Both
/// ratios are printed.
pub fn print_summary(rows: &[Row], ceiling: Option<f64>, ceiling_large: Option<f64>) {
    let ratio = |rate: f64, c: Option<f64>| c.map_or("-".to_string(), |c| format!("{:.2}", rate / c));
    println!("Summary against the ceiling (target: read routes >= {READ_RATIO_TARGET:.2} of the ceiling for their body size)");
    println!();
    println!("| route | req/s | of ceiling (15 B) | of size-matched ceiling | target | result |");
    println!("|---|---:|---:|---:|---|---|");
    for r in rows.iter().filter(|r| r.route != Route::Diagnostic) {
        let rate = r.load.rate();
        let large = r.load.body_len >= LARGE_BODY_BYTES / 2;
        let matched = if large { ceiling_large } else { ceiling };
        let matched_text = match (r.route, large) {
            (Route::Ceiling | Route::CeilingLarge, _) => "1.00 (itself)".to_string(),
            (_, true) => format!("{} (ceiling-large)", ratio(rate, matched)),
            (_, false) => ratio(rate, matched),
        };
        let (target, result) = match r.route {
            Route::Read => {
                (format!(">= {READ_RATIO_TARGET:.2}"), matched.map_or("-", |c| verdict(rate / c >= READ_RATIO_TARGET)).to_string())
            }
            Route::Write => ("none (write)".to_string(), "reported".to_string()),
            _ => ("reference".to_string(), "-".to_string()),
        };
        println!("| {} | {rate:.0} | {} | {matched_text} | {target} | {result} |", r.name, ratio(rate, ceiling));
    }
    println!();
}

pub fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}
