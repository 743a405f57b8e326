//! Long-running work — imports, exports, backups — run on a background thread, reported as a
//! stream of [`JobEvent`]s and stoppable by id.
//!
//! Invariants: every job emits zero or more `Progress` events (at most one per
//! [`PROGRESS_INTERVAL`], so a fast loop cannot flood the UI) followed by exactly one `Finished`
//! or `Failed`, which is always the last event. A job's work runs on its own database connection
//! (see [`tasks`]), so the app's connection stays free for reviewing while it runs; cancelling
//! relies on the work honouring its cancel flag (imports and exports leave nothing behind).

pub mod tasks;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::Result;

/// Identifies a running job for [`Jobs::cancel`].
pub type JobId = u64;

/// The shortest time between two `Progress` events of one job.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// How far a job has come, as its work reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tick {
    /// Units done: bytes read for imports, rows for exports, inputs for LLM runs.
    pub done: u64,
    /// `None` while unknown.
    pub total: Option<u64>,
    /// LLM runs only: the cost of the calls so far, in USD.
    pub cost_usd: Option<f64>,
    /// Units that failed so far (LLM inputs without a result).
    pub failed: u64,
}

impl Tick {
    /// `done` of `total`, nothing failed, no cost.
    pub fn of(done: u64, total: Option<u64>) -> Tick {
        Tick {
            done,
            total,
            ..Tick::default()
        }
    }
}

/// What a job reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum JobEvent {
    /// See [`Tick`].
    Progress {
        #[ts(type = "number")]
        done: u64,
        #[ts(type = "number | null")]
        total: Option<u64>,
        cost_usd: Option<f64>,
        #[ts(type = "number")]
        failed: u64,
    },
    /// The job succeeded; `summary` is one line for the user.
    Finished { summary: String },
    /// The job failed or was cancelled (`code` = `cancelled`); `code`/`message` as in `AppError`.
    Failed {
        code: crate::error::ErrorCode,
        message: String,
    },
}

/// A job's work: reports progress through the callback, stops soon after the flag is set.
pub type Work = Box<dyn FnOnce(&mut dyn FnMut(Tick), &AtomicBool) -> Result<String> + Send>;

/// The running jobs of one app.
#[derive(Default)]
pub struct Jobs {
    next_id: AtomicU64,
    cancels: Arc<Mutex<HashMap<JobId, Arc<AtomicBool>>>>,
}

impl Jobs {
    /// Starts `work` on a new thread and returns its id at once; `emit` receives its events.
    pub fn spawn(&self, work: Work, emit: impl Fn(JobEvent) + Send + 'static) -> JobId {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let cancel = Arc::new(AtomicBool::new(false));
        self.registry().insert(id, cancel.clone());
        let cancels = self.cancels.clone();
        std::thread::spawn(move || {
            let mut last: Option<Instant> = None;
            let mut on_progress = |tick: Tick| {
                if last.is_none_or(|t| t.elapsed() >= PROGRESS_INTERVAL) {
                    last = Some(Instant::now());
                    emit(JobEvent::Progress {
                        done: tick.done,
                        total: tick.total,
                        cost_usd: tick.cost_usd,
                        failed: tick.failed,
                    });
                }
            };
            // A defect that panics still ends the job, so the window does not wait for it.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                work(&mut on_progress, &cancel)
            }))
            .unwrap_or_else(|panic| Err(stopped_by_defect(panic.as_ref())));
            cancels
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
            emit(match outcome {
                Ok(summary) => JobEvent::Finished { summary },
                Err(e) => JobEvent::Failed {
                    code: e.code(),
                    message: e.to_string(),
                },
            });
        });
        id
    }

    /// Asks job `id` to stop; `false` when it is not running (already finished or unknown).
    pub fn cancel(&self, id: JobId) -> bool {
        match self.registry().get(&id) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// How many jobs are still running.
    pub fn running(&self) -> usize {
        self.registry().len()
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, Arc<AtomicBool>>> {
        self.cancels.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What a job that panicked failed with: the panic's message, and what to do.
fn stopped_by_defect(panic: &(dyn std::any::Any + Send)) -> crate::error::Error {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    crate::error::Error::BadRequest(format!(
        "the job stopped on a defect in Vetted ({what}); what it finished before is kept. \
         Please report it with the steps that led here"
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::error::Error;

    fn collect(jobs: &Jobs, work: Work) -> (JobId, mpsc::Receiver<JobEvent>) {
        let (tx, rx) = mpsc::channel();
        let id = jobs.spawn(work, move |e| {
            let _ = tx.send(e);
        });
        (id, rx)
    }

    #[test]
    fn progress_is_throttled_and_the_outcome_is_the_last_event() {
        let jobs = Jobs::default();
        let (_, rx) = collect(
            &jobs,
            Box::new(|progress, _| {
                for i in 0..100_000 {
                    progress(Tick::of(i, Some(100_000)));
                }
                Ok("done".into())
            }),
        );
        let events: Vec<JobEvent> = rx.iter().collect();
        assert_eq!(
            events.last(),
            Some(&JobEvent::Finished {
                summary: "done".into()
            }),
            "the outcome comes last"
        );
        assert!(
            events.len() < 100,
            "100,000 progress calls in well under a second must not become {} events",
            events.len()
        );
        assert!(
            matches!(events[0], JobEvent::Progress { done: 0, .. }),
            "the first progress is reported at once: {events:?}"
        );
    }

    #[test]
    fn cancel_reaches_the_running_job_and_it_reports_cancelled() {
        let jobs = Jobs::default();
        let (started_tx, started_rx) = mpsc::channel();
        let (id, rx) = collect(
            &jobs,
            Box::new(move |_, cancel| {
                started_tx.send(()).unwrap();
                while !cancel.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(Error::Cancelled)
            }),
        );
        started_rx.recv().unwrap();
        assert!(jobs.cancel(id), "a running job can be cancelled");
        let last = rx.iter().last().expect("an outcome");
        assert!(
            matches!(&last, JobEvent::Failed { code, .. } if *code == crate::ErrorCode::Cancelled),
            "{last:?}"
        );
        assert!(!jobs.cancel(id), "a finished job is no longer registered");
        assert!(!jobs.cancel(999), "an unknown id is not running");
    }

    #[test]
    fn a_job_that_panics_still_ends_and_says_so() {
        let jobs = Jobs::default();
        let (tx, rx) = std::sync::mpsc::channel();
        jobs.spawn(Box::new(|_, _| panic!("a defect")), move |e| {
            let _ = tx.send(e);
        });
        let last = rx.iter().last();
        assert!(
            matches!(&last, Some(JobEvent::Failed { message, .. })
                if message.contains("a defect in Vetted (a defect)")),
            "the window is told the job ended: {last:?}"
        );
    }
}
