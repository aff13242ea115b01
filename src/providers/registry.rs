//! The providers clusterform knows, by the local name configurations use (`aws`, `azurerm`,
//! `terraform`, `time`). Providers are compiled in: there is nothing to download.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Provider, ProviderSchema};

/// Makes a fresh, unconfigured provider instance.
pub type Factory = fn() -> Arc<dyn Provider>;

struct Entry {
    /// The source address state files record, as Terraform writes it.
    source: &'static str,
    factory: Factory,
    schema: ProviderSchema,
}

pub struct Registry {
    entries: BTreeMap<String, Entry>,
}

impl Registry {
    /// Every provider built into this binary.
    pub fn builtin() -> Registry {
        let mut r = Registry {
            entries: BTreeMap::new(),
        };
        r.add("aws", "registry.terraform.io/hashicorp/aws", || {
            std::sync::Arc::new(super::aws::AwsProvider::new())
        });
        r.add("azurerm", "registry.terraform.io/hashicorp/azurerm", || {
            std::sync::Arc::new(super::azurerm::AzurermProvider::new())
        });
        r.add(
            "terraform",
            "terraform.io/builtin/terraform",
            super::builtin::terraform_provider,
        );
        r.add(
            "time",
            "registry.terraform.io/hashicorp/time",
            super::builtin::time_provider,
        );
        r
    }

    pub fn add(&mut self, name: &str, source: &'static str, factory: Factory) {
        let schema = factory().schema().clone();
        self.entries.insert(
            name.to_string(),
            Entry {
                source,
                factory,
                schema,
            },
        );
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn instantiate(&self, name: &str) -> Option<Arc<dyn Provider>> {
        self.entries.get(name).map(|e| (e.factory)())
    }

    pub fn schema(&self, name: &str) -> Option<&ProviderSchema> {
        self.entries.get(name).map(|e| &e.schema)
    }

    /// `provider["registry.terraform.io/hashicorp/aws"].west`, as state files write it.
    pub fn state_address(&self, name: &str, alias: Option<&str>) -> String {
        let source = self.entries.get(name).map_or("unknown", |e| e.source);
        match alias {
            Some(a) => format!("provider[\"{source}\"].{a}"),
            None => format!("provider[\"{source}\"]"),
        }
    }
}
