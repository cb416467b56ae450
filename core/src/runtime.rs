//! Where the wallet's work runs: a tokio runtime of the core's own, so nothing heavy — SQLite fsyncs,
//! signing, TLS — runs on a host's thread (Android's main thread, a Swift actor), and a caller that
//! stops waiting (a cancelled coroutine, a rotated screen) cancels nothing: the work runs to its end
//! and the next call sees its outcome.

use std::future::Future;
use std::sync::Arc;

use crate::error::ErrorCode;
use crate::flow::FlowError;

/// A handle to the runtime the wallet's work runs on.
#[derive(Clone)]
pub struct WalletRuntime {
    handle: tokio::runtime::Handle,
    /// The runtime's own thread, when this handle owns it: told to stop (without waiting for it) when
    /// the last handle goes.
    owned: Option<Arc<Owned>>,
}

struct Owned(Option<tokio::sync::oneshot::Sender<()>>);

impl Drop for Owned {
    fn drop(&mut self) {
        if let Some(stop) = self.0.take() {
            let _ = stop.send(());
        }
    }
}

impl std::fmt::Debug for WalletRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletRuntime").field("owned", &self.owned.is_some()).finish()
    }
}

impl WalletRuntime {
    /// A runtime of its own, on one thread named `crossqr-worker` (a wallet does one thing at a time;
    /// its waits are network waits).
    pub fn new() -> Result<WalletRuntime, FlowError> {
        let failed = |e: std::io::Error| FlowError::new(ErrorCode::Internal, format!("runtime: {e}"));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(failed)?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("crossqr-worker".into())
            .spawn(move || {
                runtime.block_on(async {
                    let _ = stopped.await;
                });
                runtime.shutdown_background();
            })
            .map_err(failed)?;
        Ok(WalletRuntime { handle, owned: Some(Arc::new(Owned(Some(stop)))) })
    }

    /// Runs work on an existing runtime (a simulation's, a host's own).
    pub fn from_handle(handle: tokio::runtime::Handle) -> WalletRuntime {
        WalletRuntime { handle, owned: None }
    }

    /// Runs `work` on the runtime and waits for it. Dropping the returned future does not stop
    /// `work`: it runs to completion.
    pub async fn run<T, F>(&self, work: F) -> Result<T, FlowError>
    where
        F: Future<Output = Result<T, FlowError>> + Send + 'static,
        T: Send + 'static,
    {
        match self.handle.spawn(work).await {
            Ok(result) => result,
            Err(e) => Err(FlowError::new(ErrorCode::Internal, format!("the wallet's work failed: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_on_the_runtime_thread_and_to_its_end_when_the_caller_stops_waiting() {
        let runtime = WalletRuntime::new().unwrap();
        let caller = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let name = caller.block_on(runtime.run(async { Ok(std::thread::current().name().map(str::to_owned)) }));
        assert_eq!(name.unwrap().as_deref(), Some("crossqr-worker"));
        let (done_tx, done) = std::sync::mpsc::channel();
        caller.block_on(async {
            let (started_tx, started) = tokio::sync::oneshot::channel();
            let work = runtime.run(async move {
                let _ = started_tx.send(());
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                let _ = done_tx.send(());
                Ok(())
            });
            // The caller waits only until the work has begun, then gives up on it.
            tokio::select! {
                _ = work => panic!("the work cannot finish before it has started"),
                _ = started => {}
            }
        });
        assert_eq!(done.recv_timeout(std::time::Duration::from_secs(5)), Ok(()), "the work ran to its end");
    }
}
