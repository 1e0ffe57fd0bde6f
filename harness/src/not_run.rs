//! Scenarios whose tool role the tools file does not configure are not run, rather than failed.
//! The step that would start the tool panics with [`ROLE_NOT_CONFIGURED`] and the role's name; this
//! writer, in front of every report writer, turns that failure into a log line naming the role and a
//! skipped step, so the progress output, the summary counts, JUnit (`<skipped/>`, the log line in
//! its system-out) and cucumber JSON (a skipped step, the log line embedded) all say "not run" and
//! the exit status counts only real failures. `fakecloud-harness run --require-roles` leaves the
//! failure as it is.

use cucumber::event::{Cucumber, Feature, RetryableScenario, Rule, Scenario, Step, StepError};
use cucumber::{parser, writer, Event, World, Writer};

/// How the step that runs a tool words a role the tools file does not name.
pub const ROLE_NOT_CONFIGURED: &str = "not run: no tool is configured for the role";

/// The role a failed step could not run, when that is why it failed.
pub fn missing_role(err: &StepError) -> Option<String> {
    let StepError::Panic(info) = err else { return None };
    let text = info.downcast_ref::<String>().map(String::as_str).or_else(|| info.downcast_ref::<&str>().copied())?;
    let rest = text.strip_prefix(ROLE_NOT_CONFIGURED)?;
    Some(rest.trim().split('"').nth(1).unwrap_or(rest.trim()).to_string())
}

/// Wraps the report writers: a step failed for a missing role reaches them as a log line and a
/// skipped step.
pub struct NotRun<Wr> {
    inner: Wr,
    enabled: bool,
}

impl<Wr> NotRun<Wr> {
    pub fn new(inner: Wr, enabled: bool) -> Self {
        NotRun { inner, enabled }
    }
}

impl<W: World, Wr: Writer<W>> Writer<W> for NotRun<Wr> {
    type Cli = Wr::Cli;

    async fn handle_event(&mut self, event: parser::Result<Event<Cucumber<W>>>, cli: &Self::Cli) {
        let role = match &event {
            Ok(ev) if self.enabled => match &ev.value {
                Cucumber::Feature(
                    _,
                    Feature::Scenario(_, RetryableScenario { event: Scenario::Step(_, Step::Failed(_, _, _, e)), .. }),
                )
                | Cucumber::Feature(
                    _,
                    Feature::Rule(_, Rule::Scenario(_, RetryableScenario { event: Scenario::Step(_, Step::Failed(_, _, _, e)), .. })),
                ) => missing_role(e),
                _ => None,
            },
            _ => None,
        };
        let Some(role) = role else {
            self.inner.handle_event(event, cli).await;
            return;
        };
        let Ok(event) = event else { unreachable!("a step event") };
        let (value, meta) = event.split();
        // The log line first: JSON attaches it to the next step, JUnit keeps it in system-out.
        for replace in [Replace::Log(format!("{ROLE_NOT_CONFIGURED} \"{role}\"")), Replace::Skip] {
            let ev = replace_step(value.clone(), replace);
            self.inner.handle_event(Ok(meta.clone().insert(ev)), cli).await;
        }
    }
}

#[derive(Clone)]
enum Replace {
    Log(String),
    Skip,
}

/// The same scenario event with its failed step replaced.
fn replace_step<W>(value: Cucumber<W>, with: Replace) -> Cucumber<W> {
    let swap = |retryable: RetryableScenario<W>| {
        let RetryableScenario { event, retries } = retryable;
        let event = match (event, &with) {
            (Scenario::Step(_, _), Replace::Log(msg)) => Scenario::Log(msg.clone()),
            (Scenario::Step(step, _), Replace::Skip) => Scenario::Step(step, Step::Skipped),
            (other, _) => other,
        };
        RetryableScenario { event, retries }
    };
    match value {
        Cucumber::Feature(f, Feature::Scenario(sc, ev)) => Cucumber::Feature(f, Feature::Scenario(sc, swap(ev))),
        Cucumber::Feature(f, Feature::Rule(r, Rule::Scenario(sc, ev))) => {
            Cucumber::Feature(f, Feature::Rule(r, Rule::Scenario(sc, swap(ev))))
        }
        other => other,
    }
}

impl<W: World, Wr: writer::Stats<W>> writer::Stats<W> for NotRun<Wr>
where
    Self: Writer<W>,
{
    fn passed_steps(&self) -> usize {
        self.inner.passed_steps()
    }
    fn skipped_steps(&self) -> usize {
        self.inner.skipped_steps()
    }
    fn failed_steps(&self) -> usize {
        self.inner.failed_steps()
    }
    fn retried_steps(&self) -> usize {
        self.inner.retried_steps()
    }
    fn parsing_errors(&self) -> usize {
        self.inner.parsing_errors()
    }
    fn hook_errors(&self) -> usize {
        self.inner.hook_errors()
    }
    fn execution_has_failed(&self) -> bool {
        self.inner.execution_has_failed()
    }
}

impl<W: World, Val, Wr: writer::Arbitrary<W, Val>> writer::Arbitrary<W, Val> for NotRun<Wr>
where
    Self: Writer<W>,
{
    async fn write(&mut self, val: Val) {
        self.inner.write(val).await;
    }
}

impl<Wr: writer::NonTransforming> writer::NonTransforming for NotRun<Wr> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_missing_role_is_read_from_the_step_panic_and_nothing_else_is() {
        let missing = StepError::Panic(Arc::new(format!("{ROLE_NOT_CONFIGURED} \"coe-triage\": add it to the tools file")));
        assert_eq!(missing_role(&missing).as_deref(), Some("coe-triage"));
        assert_eq!(missing_role(&StepError::Panic(Arc::new("assertion failed: ok"))), None);
        assert_eq!(missing_role(&StepError::NotFound), None);
    }
}
