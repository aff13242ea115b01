//! Running the backend's async HTTP calls from the synchronous [`super::Backend`] trait.
//!
//! The CLI calls the backend from inside its multi-thread tokio runtime; tests and tools may
//! call it with no runtime, or from a current-thread one. Calling `block_on` inside a runtime
//! panics, so [`block_on`] picks what is safe where it is called:
//!
//! - on a multi-thread runtime: `block_in_place` tells the runtime this thread will block,
//!   and the future runs on that same runtime;
//! - anywhere else (no runtime, or a current-thread runtime that must not be blocked from
//!   within): a thread of its own with a small current-thread runtime, joined before
//!   returning.
//!
//! The HTTP client keeps no pooled connections (see `azure_blob_rest`), so nothing made on
//! one runtime is reused on another.

use std::future::Future;

use tokio::runtime::{Handle, RuntimeFlavor};

/// Runs `future` to completion from synchronous code, wherever that code runs. `Err` only
/// when a runtime could not be created (the operating system refused a thread or a poller).
pub(super) fn block_on<F>(future: F) -> Result<F::Output, std::io::Error>
where
    F: Future + Send,
    F::Output: Send,
{
    if let Ok(handle) = Handle::try_current() {
        if handle.runtime_flavor() == RuntimeFlavor::MultiThread {
            return Ok(tokio::task::block_in_place(|| handle.block_on(future)));
        }
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("clusterform-azure-blob".into())
            .spawn_scoped(scope, || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                Ok(runtime.block_on(future))
            })?;
        match worker.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn sleepy_answer() -> u32 {
        tokio::time::sleep(Duration::from_millis(5)).await;
        42
    }

    #[test]
    fn without_a_runtime() {
        assert_eq!(block_on(sleepy_answer()).unwrap(), 42);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn inside_a_multi_thread_runtime() {
        assert_eq!(block_on(sleepy_answer()).unwrap(), 42);
        // And from a blocking-pool thread of that runtime.
        let n = tokio::task::spawn_blocking(|| block_on(sleepy_answer()).unwrap())
            .await
            .unwrap();
        assert_eq!(n, 42);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn inside_a_current_thread_runtime() {
        assert_eq!(block_on(sleepy_answer()).unwrap(), 42);
    }

    #[test]
    fn inside_a_multi_thread_runtimes_block_on() {
        // The CLI's shape: `Runtime::block_on` on the main thread, the backend called within.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let n = runtime.block_on(async { block_on(sleepy_answer()).unwrap() });
        assert_eq!(n, 42);
    }
}
