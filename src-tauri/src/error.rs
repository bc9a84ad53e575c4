//! The one error type every command returns over IPC: a closed set of codes the UI branches on
//! and a message written for the user. It never carries a secret: messages come from errors
//! that redact connection URLs.

use serde::Serialize;
use specta::Type;

/// What kind of failure the UI is looking at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum IpcErrorCode {
    /// A file, folder, connection or migration the request named does not exist.
    NotFound,
    /// The request itself was wrong (bad URL, bad name, missing confirmation).
    InvalidInput,
    /// The project's files are not usable as they are (settings, migration file names).
    Project,
    /// The database refused or could not be reached.
    Database,
    /// The operating system refused a file operation.
    Io,
    /// The OS keychain is missing, locked or did not answer; the UI offers "ask for the
    /// password each time".
    Keychain,
    /// The connection asks for its password each session and none was given yet.
    PasswordNeeded,
    /// A protected connection refused a write: unlock it or type the database name.
    Protected,
    /// A plan was refused: migrations older than the newest applied one are pending (a
    /// parallel branch); the UI offers "apply out of order".
    OutOfOrder,
    /// A plan was refused: a migration is partially applied; the UI offers Resolve.
    Partial,
    /// A plan was refused: an applied migration's file changed since; the UI offers Repair.
    Modified,
    /// A bug in Strata: the message says what happened.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub code: IpcErrorCode,
    pub message: String,
    /// For `invalidInput` from a form: each rejected field with its message.
    pub fields: Vec<strata_project::FieldError>,
}

impl IpcError {
    pub fn new(code: IpcErrorCode, message: impl std::fmt::Display) -> Self {
        Self {
            code,
            message: message.to_string(),
            fields: Vec::new(),
        }
    }
}

impl From<strata_project::ProjectError> for IpcError {
    fn from(e: strata_project::ProjectError) -> Self {
        use strata_project::ProjectError as E;
        let code = match &e {
            E::NoSettings { .. } | E::NoMigrationsFolder { .. } => IpcErrorCode::NotFound,
            E::Read { .. } => IpcErrorCode::Io,
            _ => IpcErrorCode::Project,
        };
        Self::new(code, e)
    }
}

impl From<strata_core::SourceError> for IpcError {
    fn from(e: strata_core::SourceError) -> Self {
        use strata_core::SourceError as E;
        let code = match &e {
            E::ReadDir { .. } | E::ReadFile { .. } | E::CreateFile { .. } => IpcErrorCode::Io,
            E::BadName { .. } => IpcErrorCode::InvalidInput,
            _ => IpcErrorCode::Project,
        };
        Self::new(code, e)
    }
}

impl From<strata_core::engine::EngineError> for IpcError {
    fn from(e: strata_core::engine::EngineError) -> Self {
        use strata_core::engine::EngineError as E;
        use strata_core::plan::PlanError as P;
        let code = match &e {
            E::Connect(c) => return Self::new(connect_code(c), e),
            E::Plan(P::UnknownVersion { .. } | P::Irreversible { .. } | P::NothingToRedo) => {
                IpcErrorCode::InvalidInput
            }
            // The files against the history: each has its recovery action in the UI.
            E::Plan(P::OutOfOrder { .. }) => IpcErrorCode::OutOfOrder,
            E::Plan(P::Partial { .. } | P::PartialRollback { .. }) => IpcErrorCode::Partial,
            E::Plan(P::Modified { .. }) => IpcErrorCode::Modified,
            E::Plan(_) | E::ManagedByAnotherTool { .. } => IpcErrorCode::Project,
            E::BadVersion { .. } => IpcErrorCode::InvalidInput,
            _ => IpcErrorCode::Database,
        };
        Self::new(code, e)
    }
}

impl From<strata_core::admin::AdminError> for IpcError {
    fn from(e: strata_core::admin::AdminError) -> Self {
        use strata_core::admin::AdminError as E;
        let code = match &e {
            E::Connect(c) => return Self::new(connect_code(c), e),
            E::UnknownVersion { .. } => IpcErrorCode::NotFound,
            E::ReasonRequired
            | E::BaselinePartial { .. }
            | E::NotApplied { .. }
            | E::NotModified { .. }
            | E::NotPartial { .. }
            | E::StatementsChanged { .. }
            | E::NoDownSql { .. }
            | E::RollbackOfRollback { .. } => IpcErrorCode::InvalidInput,
            E::HistoryNotEmpty { .. }
            | E::NoForeignHistory { .. }
            | E::ForeignFailed { .. }
            | E::MissingFiles { .. } => IpcErrorCode::Project,
            _ => IpcErrorCode::Database,
        };
        Self::new(code, e)
    }
}

impl From<strata_core::executor::RunError> for IpcError {
    fn from(e: strata_core::executor::RunError) -> Self {
        Self::new(IpcErrorCode::Database, e)
    }
}

fn connect_code(e: &strata_core::ConnectError) -> IpcErrorCode {
    match e {
        strata_core::ConnectError::UnknownScheme { .. } => IpcErrorCode::InvalidInput,
        strata_core::ConnectError::CreateDir { .. } => IpcErrorCode::Io,
        _ => IpcErrorCode::Database,
    }
}

impl From<strata_core::ConnectError> for IpcError {
    fn from(e: strata_core::ConnectError) -> Self {
        Self::new(connect_code(&e), e)
    }
}

impl From<strata_project::connections::ConnectionsError> for IpcError {
    fn from(e: strata_project::connections::ConnectionsError) -> Self {
        use strata_project::connections::ConnectionsError as E;
        use strata_project::StoreError as S;
        let code = match &e {
            E::Store(S::NotFound { .. }) => IpcErrorCode::NotFound,
            E::Store(S::Invalid { .. }) | E::Invalid { .. } => IpcErrorCode::InvalidInput,
            E::Store(S::Read { .. } | S::Write { .. }) => IpcErrorCode::Io,
            E::Store(_) => IpcErrorCode::Project,
            E::KeychainSave { .. } | E::KeychainRead { .. } | E::KeychainDelete { .. } => {
                IpcErrorCode::Keychain
            }
            E::PasswordNeeded { .. } | E::PasswordMissing { .. } => IpcErrorCode::PasswordNeeded,
            E::Protection(_) => IpcErrorCode::Protected,
            E::Transfer(_) => IpcErrorCode::Io,
            _ => IpcErrorCode::Internal,
        };
        let fields = e.field_errors().to_vec();
        Self {
            fields,
            ..Self::new(code, e)
        }
    }
}

impl From<strata_project::StoreError> for IpcError {
    fn from(e: strata_project::StoreError) -> Self {
        strata_project::connections::ConnectionsError::from(e).into()
    }
}
