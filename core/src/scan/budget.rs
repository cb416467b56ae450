//! The per-frame time budget as a hard bound (ADR 0010).
//!
//! - Our own loops (conversion, scaling, filters, binarisation, the finder-pattern scan) poll a
//!   [`Deadline`] every few rows and stop when it has passed: they are interruptible.
//! - Steps we cannot interrupt (a decoder's sample-and-decode of one symbol, rqrr over an image) start
//!   only when the [`CostModel`]'s prediction fits the time left. The model learns, per kind of step,
//!   the highest cost per unit of work it has seen in this session and adds a margin, so once it has
//!   seen a step it is never optimistic unless the machine slows down; before that a conservative prior
//!   stands in. Every prediction is compared with what the step then cost ([`ModelError`]).
//!
//! Time is an input: the scanner reads a [`ScanClock`], so tests can drive it.

use std::time::{Duration, Instant};

/// A monotonic clock the scanner reads for its deadline and its timings.
pub trait ScanClock: Send {
    /// Time since an arbitrary, fixed origin.
    fn now(&self) -> Duration;
}

/// The system's monotonic clock.
#[derive(Debug, Clone, Copy)]
pub struct MonotonicClock(Instant);

impl Default for MonotonicClock {
    fn default() -> Self {
        MonotonicClock(Instant::now())
    }
}

impl ScanClock for MonotonicClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A pass stopped because the frame's deadline passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interrupted;

/// Rows an interruptible loop processes between two looks at the clock.
pub(crate) const ROWS_PER_CHECK: usize = 16;

/// The end of one frame's budget.
///
/// The work between two checks is not free, so the deadline counts as passed once what is left is less
/// than the longest stretch seen between two consecutive checks: the loop that notices stops before the
/// budget rather than one stretch after it.
pub(crate) struct Deadline<'c> {
    clock: &'c dyn ScanClock,
    start: Duration,
    end: Duration,
    last_check: Duration,
    longest_gap: Duration,
    passed: bool,
}

impl<'c> Deadline<'c> {
    /// A deadline `budget` from now.
    pub fn new(clock: &'c dyn ScanClock, budget: Duration) -> Self {
        let start = clock.now();
        Deadline { clock, start, end: start + budget, last_check: start, longest_gap: Duration::ZERO, passed: false }
    }

    /// Time since the frame started.
    pub fn elapsed(&self) -> Duration {
        self.clock.now().saturating_sub(self.start)
    }

    /// Time left for work that cannot be interrupted: to the deadline, less the longest gap between
    /// checks; zero once passed.
    pub fn remaining(&self) -> Duration {
        if self.passed {
            return Duration::ZERO;
        }
        self.end.saturating_sub(self.clock.now()).saturating_sub(self.longest_gap)
    }

    /// `Err` once the deadline has (nearly) passed, and from then on without reading the clock again.
    pub fn check(&mut self) -> Result<(), Interrupted> {
        if !self.passed {
            let now = self.clock.now();
            self.longest_gap = self.longest_gap.max(now.saturating_sub(self.last_check));
            self.last_check = now;
            self.passed = now + self.longest_gap >= self.end;
        }
        if self.passed { Err(Interrupted) } else { Ok(()) }
    }

    /// Checks the deadline every [`ROWS_PER_CHECK`] rows.
    pub fn check_row(&mut self, row: usize) -> Result<(), Interrupted> {
        if row.is_multiple_of(ROWS_PER_CHECK) { self.check() } else { Ok(()) }
    }

    /// True once a check found the deadline passed.
    pub fn passed(&self) -> bool {
        self.passed
    }

    /// The clock, for timing steps.
    pub fn clock(&self) -> &'c dyn ScanClock {
        self.clock
    }
}

/// Kinds of step the scanner cannot interrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// rxing: sampling and decoding one finder-pattern set; units: the modules of the symbol its
    /// patterns' spacing implies (its side squared).
    Symbol,
    /// rxing: grouping finder patterns into sets; units: patterns.
    Sets,
    /// rqrr over a binarised image; units: pixels plus black/white transitions.
    Rqrr,
}

const STEPS: usize = 3;

impl Step {
    fn index(self) -> usize {
        self as usize
    }

    fn name(self) -> &'static str {
        match self {
            Step::Symbol => "symbol",
            Step::Sets => "sets",
            Step::Rqrr => "rqrr",
        }
    }

    /// Nanoseconds per unit assumed before the step has been seen: about five times the worst this
    /// step was measured to cost on a 2020s laptop core (a symbol: 35 ns a module, on a version-40
    /// symbol), so a slow phone is covered too.
    fn prior_ns_per_unit(self) -> f64 {
        match self {
            Step::Symbol => 200.0,
            Step::Sets => 20_000.0,
            Step::Rqrr => RQRR_FLOOR_NS,
        }
    }

    /// The rate never assumed lower than this, whatever was seen: rqrr's cost is not proportional to
    /// its input (it fits a grid to every plausible group of capstones, and a cheap image teaches
    /// nothing about an expensive one), so it is held to its worst rate measured over the scan corpus
    /// (about 1 µs per unit, on a v40 symbol of one-pixel modules) with a margin.
    fn floor_ns_per_unit(self) -> f64 {
        match self {
            Step::Symbol | Step::Sets => 0.0,
            Step::Rqrr => RQRR_FLOOR_NS,
        }
    }
}

/// rqrr's floor, nanoseconds per unit.
const RQRR_FLOOR_NS: f64 = 1_500.0;
/// Predictions are the worst rate seen times this, plus [`FIXED_MARGIN`].
const RATE_MARGIN: f64 = 2.0;
/// A fixed allowance on every prediction (timer resolution, cache misses).
const FIXED_MARGIN: Duration = Duration::from_micros(100);

/// How far the cost model's predictions were from what steps then cost.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ModelError {
    /// Predictions checked.
    pub predictions: u64,
    /// Predictions below the step's actual cost.
    pub optimistic: u64,
    /// The largest ratio of actual to predicted cost.
    pub worst_ratio: f64,
    /// Mean ratio of actual to predicted cost (below 1: the model is conservative).
    pub mean_ratio: f64,
    /// The kind of step whose prediction was furthest below its cost (`symbol`, `sets`, `rqrr`).
    pub worst_step: &'static str,
}

/// Cost per unit of work of each step kind, learned over a session.
#[derive(Debug, Clone, Default)]
pub(crate) struct CostModel {
    worst_ns_per_unit: [Option<f64>; STEPS],
    error: ModelError,
    ratio_sum: f64,
}

impl CostModel {
    /// Predicted cost of `step` over `units` of work.
    pub fn predict(&self, step: Step, units: usize) -> Duration {
        let seen = self.worst_ns_per_unit[step.index()].map_or(step.prior_ns_per_unit(), |r| r * RATE_MARGIN);
        let rate = seen.max(step.floor_ns_per_unit());
        Duration::from_nanos((rate * units.max(1) as f64) as u64) + FIXED_MARGIN
    }

    /// Runs `f` if it fits the deadline, learning its cost; `None` if it did not fit.
    pub fn run<T>(
        &mut self,
        step: Step,
        units: usize,
        deadline: &mut Deadline<'_>,
        f: impl FnOnce() -> T,
    ) -> Option<T> {
        let predicted = self.predict(step, units);
        if predicted > deadline.remaining() {
            return None;
        }
        let clock = deadline.clock();
        let start = clock.now();
        let out = f();
        let took = clock.now().saturating_sub(start);
        self.learn(step, units, predicted, took);
        Some(out)
    }

    fn learn(&mut self, step: Step, units: usize, predicted: Duration, took: Duration) {
        let rate = took.as_nanos() as f64 / units.max(1) as f64;
        let slot = &mut self.worst_ns_per_unit[step.index()];
        *slot = Some(slot.map_or(rate, |r| r.max(rate)));
        let ratio = took.as_secs_f64() / predicted.as_secs_f64().max(1e-9);
        let e = &mut self.error;
        e.predictions += 1;
        e.optimistic += u64::from(took > predicted);
        if ratio > e.worst_ratio {
            (e.worst_ratio, e.worst_step) = (ratio, step.name());
        }
        self.ratio_sum += ratio;
        e.mean_ratio = self.ratio_sum / e.predictions as f64;
    }

    /// The model's error so far.
    pub fn error(&self) -> ModelError {
        self.error
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::cell::Cell;
    use std::sync::Mutex;

    /// A clock that moves only when told to, or by `step` at every reading.
    #[derive(Default)]
    pub struct ManualClock {
        now: Mutex<Cell<Duration>>,
        step: Duration,
    }

    impl ManualClock {
        pub fn stepping(step: Duration) -> Self {
            ManualClock { now: Mutex::default(), step }
        }

        pub fn advance(&self, by: Duration) {
            let now = self.now.lock().unwrap();
            now.set(now.get() + by);
        }
    }

    impl ScanClock for ManualClock {
        fn now(&self) -> Duration {
            let now = self.now.lock().unwrap();
            let t = now.get();
            now.set(t + self.step);
            t
        }
    }

    #[test]
    fn the_deadline_passes_once_and_stays_passed() {
        let clock = ManualClock::default();
        let mut d = Deadline::new(&clock, Duration::from_millis(10));
        assert!(d.check().is_ok());
        clock.advance(Duration::from_millis(2));
        assert!(d.check().is_ok());
        assert_eq!(d.remaining(), Duration::from_millis(6), "8 ms to go, less the 2 ms stretch between checks");
        clock.advance(Duration::from_millis(5));
        assert!(d.check_row(1).is_ok(), "only every ROWS_PER_CHECK rows looks at the clock");
        assert_eq!(d.check_row(ROWS_PER_CHECK), Err(Interrupted), "3 ms left, the last stretch took 5");
        assert!(d.passed() && d.check().is_err() && d.remaining().is_zero());
        assert_eq!(d.elapsed(), Duration::from_millis(7));
    }

    #[test]
    fn the_model_starts_conservative_learns_the_worst_rate_and_reports_its_error() {
        let clock = ManualClock::default();
        let mut model = CostModel::default();
        let mut d = Deadline::new(&clock, Duration::from_millis(30));
        // The prior for a symbol of 10,000 modules (2 ms) fits; it then costs 1 ms.
        assert_eq!(model.run(Step::Symbol, 10_000, &mut d, || clock.advance(Duration::from_millis(1))), Some(()));
        assert_eq!(model.predict(Step::Symbol, 10_000), Duration::from_millis(2) + FIXED_MARGIN);
        // A slower run (over the prediction) raises the rate; a faster one does not lower it.
        model.run(Step::Symbol, 10_000, &mut d, || clock.advance(Duration::from_millis(3)));
        model.run(Step::Symbol, 10_000, &mut d, || clock.advance(Duration::from_micros(500)));
        assert_eq!(model.predict(Step::Symbol, 20_000), Duration::from_millis(12) + FIXED_MARGIN);
        let e = model.error();
        assert_eq!((e.predictions, e.optimistic, e.worst_step), (3, 1, "symbol"), "{e:?}");
        assert!(e.worst_ratio > 1.4 && e.worst_ratio < 1.5, "{e:?}");
        // rqrr never goes below its floor, however cheap it was.
        model.run(Step::Rqrr, 1000, &mut d, || clock.advance(Duration::from_micros(10)));
        assert!(
            model.predict(Step::Rqrr, 1000) >= Duration::from_micros(1500),
            "{:?}",
            model.predict(Step::Rqrr, 1000)
        );
        // A step that does not fit the time left does not run.
        clock.advance(Duration::from_micros(25_000));
        assert_eq!(model.run(Step::Symbol, 10_000, &mut d, || unreachable!("does not fit")), None);
    }
}
