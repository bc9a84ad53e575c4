//! Engine work runs on a blocking-pool thread that drives it to completion: the engine's
//! futures hold database connections across awaits in ways that are not `Send`, while Tauri
//! async commands must be. The window's thread is never blocked.

use std::future::Future;

use crate::error::{IpcError, IpcErrorCode};

/// Run the future `make` builds on its own thread of the blocking pool; its output.
pub async fn run<F, Fut, T>(make: F) -> Result<T, IpcError>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(make()))
        .await
        .map_err(|e| {
            IpcError::new(
                IpcErrorCode::Internal,
                format!("the engine task stopped: {e}"),
            )
        })
}
