//! A provider's resource types and data sources by name, and the routing of every verb to
//! them.

use std::collections::BTreeMap;

use super::{DataSource, PlanContext, ResourceType};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::schema::Schema;
use crate::providers::{
    with_creation_tag, ApplyAction, ApplyRequest, ApplyResponse, Creation, ImportResponse,
    OperationContext, PlanRequest, PlanResponse, ProviderSchema, ReadRequest, ReadResponse,
    ValidateRequest,
};
use crate::value::Value;

pub struct TypeTable<C: Sync + 'static> {
    provider: &'static str,
    /// The tag map a create's creation mark goes into (`tags_all` where default tags are
    /// merged, else `tags`); only types whose schema has it are marked.
    mark_key: &'static str,
    resources: BTreeMap<&'static str, &'static dyn ResourceType<C>>,
    data_sources: BTreeMap<&'static str, &'static dyn DataSource<C>>,
    schema: ProviderSchema,
}

impl<C: Sync + 'static> TypeTable<C> {
    pub fn new(
        provider: &'static str,
        provider_schema: Schema,
        mark_key: &'static str,
        resources: &[&'static dyn ResourceType<C>],
        data_sources: &[&'static dyn DataSource<C>],
    ) -> TypeTable<C> {
        let mut schema = ProviderSchema {
            provider: provider_schema,
            ..ProviderSchema::default()
        };
        for r in resources {
            schema.resources.insert(r.name().to_string(), r.schema());
        }
        for d in data_sources {
            schema.data_sources.insert(d.name().to_string(), d.schema());
        }
        TypeTable {
            provider,
            mark_key,
            resources: resources.iter().map(|r| (r.name(), *r)).collect(),
            data_sources: data_sources.iter().map(|d| (d.name(), *d)).collect(),
            schema,
        }
    }

    pub fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn resource(&self, name: &str) -> Result<&'static dyn ResourceType<C>, Diagnostic> {
        self.resources.get(name).copied().ok_or_else(|| {
            Diagnostic::error("Unknown resource type").detail(format!(
                "The {} provider has no resource type {name}.",
                self.provider
            ))
        })
    }

    fn configured<'c>(&self, client: Option<&'c C>) -> Result<&'c C, Diagnostic> {
        client.ok_or_else(|| {
            Diagnostic::error(format!("{} provider not configured", self.provider)).detail(format!(
                "The {} provider was used before its configuration was loaded.",
                self.provider
            ))
        })
    }

    pub fn validate(&self, req: &ValidateRequest<'_>) -> Diagnostics {
        match self.resources.get(req.type_name) {
            Some(r) if !req.data => r.validate(req.config, req.spans),
            _ => Diagnostics::new(),
        }
    }

    pub fn plan(&self, client: Option<&C>, req: &PlanRequest<'_>) -> PlanResponse {
        let (Ok(r), Some(schema)) = (
            self.resource(req.type_name),
            self.schema.resources.get(req.type_name),
        ) else {
            return crate::providers::default_plan::plan(&self.schema, req);
        };
        r.plan(&PlanContext { schema, client }, req)
    }

    pub async fn read(&self, client: Option<&C>, req: ReadRequest) -> ReadResponse {
        let result = async {
            let c = self.configured(client)?;
            let states: Vec<Value> = req.instances.into_iter().map(|(_, v)| v).collect();
            self.resource(&req.type_name)?.read(c, &states).await
        };
        match result.await {
            Ok(states) => ReadResponse {
                states,
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ReadResponse {
                states: Vec::new(),
                diagnostics,
            },
        }
    }

    /// Creates, updates or deletes one instance. A create is marked with its attempt; a
    /// create an earlier run started first finishes what that run made, if anything.
    pub async fn apply(
        &self,
        client: Option<&C>,
        req: ApplyRequest,
        ctx: OperationContext,
    ) -> ApplyResponse {
        let mut prior = req.prior.clone();
        let result = async {
            let c = self.configured(client)?;
            let r = self.resource(&req.type_name)?;
            let mut action = req.action;
            if let Some(cr) = req.creation.as_ref().filter(|cr| cr.resuming) {
                if action == ApplyAction::Create {
                    let id = r.created_id(c, &req.planned);
                    if let Some(found) = r.resume(c, id.as_deref(), cr).await? {
                        ctx.report("found the object an interrupted apply of this state created; finishing it");
                        prior = Some(found);
                        action = ApplyAction::Update;
                    }
                }
            }
            let none = Value::Null;
            match action {
                ApplyAction::Create => {
                    let planned = self.marked(&req.type_name, &req.planned, req.creation.as_ref());
                    r.create(c, &planned, req.creation.as_ref(), &ctx)
                        .await
                        .map(Some)
                }
                ApplyAction::Update => r
                    .update(c, prior.as_ref().unwrap_or(&none), &req.planned, &ctx)
                    .await
                    .map(Some),
                ApplyAction::Delete => r
                    .delete(c, prior.as_ref().unwrap_or(&none), &ctx)
                    .await
                    .map(|()| None),
            }
        };
        match result.await {
            Ok(new_state) => ApplyResponse {
                new_state,
                diagnostics: Diagnostics::new(),
            },
            Err(d) => ApplyResponse {
                new_state: prior,
                diagnostics: d.into(),
            },
        }
    }

    /// `planned` with the creation mark in its tags, for types that have tags.
    fn marked(&self, type_name: &str, planned: &Value, creation: Option<&Creation>) -> Value {
        let taggable = self
            .schema
            .resources
            .get(type_name)
            .is_some_and(|s| s.attributes.contains_key(self.mark_key));
        if taggable {
            with_creation_tag(planned, self.mark_key, creation)
        } else {
            planned.clone()
        }
    }

    pub async fn read_data(
        &self,
        client: Option<&C>,
        type_name: &str,
        config: &Value,
    ) -> Result<Value, Diagnostics> {
        let c = self.configured(client)?;
        let d = self.data_sources.get(type_name).ok_or_else(|| {
            Diagnostic::error("Unknown data source").detail(format!(
                "The {} provider has no data source {type_name}.",
                self.provider
            ))
        })?;
        d.read(c, config).await.map_err(Diagnostics::from)
    }

    pub async fn import(&self, client: Option<&C>, type_name: &str, id: &str) -> ImportResponse {
        let result = async {
            let c = self.configured(client)?;
            let r = self.resources.get(type_name).ok_or_else(|| {
                Diagnostic::error("Import not supported").detail(format!(
                    "The {} provider cannot import {type_name}.",
                    self.provider
                ))
            })?;
            r.import(c, id).await
        };
        match result.await {
            Ok(state) => ImportResponse {
                state,
                diagnostics: Diagnostics::new(),
            },
            Err(d) => ImportResponse {
                state: None,
                diagnostics: d.into(),
            },
        }
    }

    pub fn created_id(
        &self,
        client: Option<&C>,
        type_name: &str,
        planned: &Value,
    ) -> Option<String> {
        self.resources.get(type_name)?.created_id(client?, planned)
    }

    pub async fn find_created(
        &self,
        client: Option<&C>,
        type_name: &str,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostics> {
        let c = self.configured(client)?;
        Ok(self
            .resource(type_name)?
            .find_created(c, id, creation)
            .await?)
    }
}
