//! The one bridge from the synchronous [`super::Backend`] trait to async HTTP clients: each
//! remote backend (s3, azurerm) owns a small runtime, and every call runs on it.
//!
//! Backends are called from plain threads (`state list`), from inside the CLI's runtime
//! (`plan` locks and reads while its future runs), from current-thread runtimes (tests) and
//! from blocking threads (the apply's state writer). Tokio's `block_on` panics inside a
//! runtime, and `block_in_place` outside a multi-thread one, so a call is driven by
//! `Runtime::block_on` on a short-lived thread of its own, which is inside no runtime. The
//! backend's clients were made for this runtime, so their pooled connections stay on it.
//!
//! This module must not know what the calls do.

use std::future::Future;

use super::StateError;

/// One worker thread that runs a backend's requests.
pub struct RemoteRuntime {
    runtime: Option<tokio::runtime::Runtime>,
}

impl RemoteRuntime {
    pub fn new() -> Result<RemoteRuntime, StateError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("clusterform-state")
            .enable_all()
            .build()
            .map_err(|e| StateError::Remote {
                what: "starting the state backend's runtime".to_string(),
                message: e.to_string(),
                hint: None,
            })?;
        Ok(RemoteRuntime {
            runtime: Some(runtime),
        })
    }

    /// Runs `work` to completion on this runtime and returns its output. Safe to call from
    /// any thread, inside another runtime or not; `work` may borrow from the caller. A panic
    /// in `work` is passed on.
    pub fn block_on<F>(&self, work: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        let runtime = self
            .runtime
            .as_ref()
            .expect("the runtime lives until the backend is dropped");
        std::thread::scope(|scope| {
            scope
                .spawn(|| runtime.block_on(work))
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }
}

impl Drop for RemoteRuntime {
    fn drop(&mut self) {
        // A runtime dropped inside another runtime's async code would panic; letting it shut
        // down in the background never does.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn works_from_a_plain_thread_and_from_inside_another_runtime() {
        let remote = RemoteRuntime::new().unwrap();
        assert_eq!(remote.block_on(async { 2 + 2 }), 4);

        let outer = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let answer = outer.block_on(async {
            let inside = remote.block_on(async {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                "slept"
            });
            // Dropping a remote runtime inside async code must not panic either.
            drop(RemoteRuntime::new().unwrap());
            inside
        });
        assert_eq!(answer, "slept");

        let from_blocking = outer.block_on(async move {
            tokio::task::spawn_blocking(move || remote.block_on(async { 7 }))
                .await
                .unwrap()
        });
        assert_eq!(from_blocking, 7);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn works_inside_a_current_thread_runtime_with_borrowed_work() {
        let remote = RemoteRuntime::new().unwrap();
        let words = String::from("borrowed");
        let seen = remote.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            words.len()
        });
        assert_eq!(seen, 8);
    }
}
