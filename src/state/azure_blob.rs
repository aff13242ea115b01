//! The `azurerm` backend: state as a block blob in an Azure Storage container, locked with a
//! blob lease. (Being written.)

use std::collections::BTreeMap;
use std::time::Duration;

use super::{Backend, State, StateError, StateLock};

pub struct AzureBlobBackend {
    _settings: BTreeMap<String, String>,
    _workspace: String,
}

impl AzureBlobBackend {
    /// `settings`: the backend block's arguments merged with `init --backend-config`
    /// (storage_account_name, container_name, key, resource_group_name, use_azuread_auth,
    /// endpoint, access_key, …), as strings.
    pub fn new(
        settings: &BTreeMap<String, String>,
        workspace: &str,
    ) -> Result<AzureBlobBackend, StateError> {
        Ok(AzureBlobBackend {
            _settings: settings.clone(),
            _workspace: workspace.to_string(),
        })
    }
}

fn not_yet() -> StateError {
    StateError::Remote {
        what: "the azurerm backend".into(),
        message: "not implemented yet".into(),
        hint: None,
    }
}

impl Backend for AzureBlobBackend {
    fn read(&self) -> Result<Option<State>, StateError> {
        Err(not_yet())
    }
    fn write(&self, _state: &State) -> Result<(), StateError> {
        Err(not_yet())
    }
    fn lock(&self, _operation: &str, _timeout: Duration) -> Result<StateLock, StateError> {
        Err(not_yet())
    }
    fn force_unlock(&self, _id: &str) -> Result<(), StateError> {
        Err(not_yet())
    }
    fn describe(&self) -> String {
        "azurerm backend".into()
    }
}
