//! Blocking work called from async code: the synchronous PostgreSQL client (a team server, a
//! data product read where it lives) blocks on a runtime of its own, to sign in, query and sign
//! out when dropped, which tokio refuses on a thread that drives one of its runtimes (an LLM
//! run's calls, the app's commands).

/// Runs `work` where it may block: here, unless this thread drives an async runtime, then on a
/// thread of its own, waited for. A panic in `work` is the caller's.
pub fn off_runtime<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return work();
    }
    std::thread::scope(|scope| {
        scope
            .spawn(work)
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_that_blocks_on_a_runtime_of_its_own_runs_from_inside_another() {
        let blocking = || {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(async { 42 })
        };
        assert_eq!(off_runtime(blocking), 42, "outside a runtime, in place");
        let outer = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let inside = outer.block_on(async { off_runtime(blocking) });
        assert_eq!(inside, 42, "inside a runtime, on a thread of its own");
    }
}
