//! The `aws` provider: one configured instance per `provider "aws"` block, dispatching each
//! verb to the resource type's module.

use std::sync::OnceLock;

use async_trait::async_trait;

use super::client::{connect, AwsSettings, Clients};
use super::{
    checks, ec2_network as net, ec2_security as sec, eks_cluster as eks, eks_plan, endpoint,
    resume, schema,
};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::{default_plan, with_creation_tag};
use crate::providers::{
    ApplyAction, ApplyRequest, ApplyResponse, ConfigureRequest, ImportResponse, OperationContext,
    PlanRequest, PlanResponse, PlannedInstance, Provider, ProviderSchema, ReadRequest,
    ReadResponse, ValidateRequest,
};
use crate::value::Value;

pub struct AwsProvider {
    schema: ProviderSchema,
    settings: OnceLock<AwsSettings>,
    clients: OnceLock<Clients>,
}

impl AwsProvider {
    pub fn new() -> AwsProvider {
        AwsProvider {
            schema: schema::provider_schema(),
            settings: OnceLock::new(),
            clients: OnceLock::new(),
        }
    }

    fn settings(&self) -> AwsSettings {
        self.settings.get().cloned().unwrap_or_default()
    }

    fn clients(&self) -> Result<&Clients, Diagnostic> {
        self.clients.get().ok_or_else(|| {
            Diagnostic::error("AWS provider not configured")
                .detail("The aws provider was used before its configuration was loaded.")
        })
    }

    /// How many API calls this provider made, by operation.
    pub fn api_calls(&self) -> std::collections::BTreeMap<String, usize> {
        self.clients
            .get()
            .map(|c| c.calls.snapshot())
            .unwrap_or_default()
    }
}

impl Default for AwsProvider {
    fn default() -> Self {
        AwsProvider::new()
    }
}

fn id_of(v: &Value) -> String {
    v.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn failed(prior: Option<Value>, d: Diagnostic) -> ApplyResponse {
    ApplyResponse {
        new_state: prior,
        diagnostics: d.into(),
    }
}

#[async_trait]
impl Provider for AwsProvider {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn validate(&self, req: &ValidateRequest<'_>) -> Diagnostics {
        if req.data {
            return Diagnostics::new();
        }
        match req.type_name {
            "aws_eks_cluster" => endpoint::vpc_config(req.config)
                .map(|v| endpoint::check(v, req.spans))
                .unwrap_or_default(),
            "aws_vpc_security_group_ingress_rule" => {
                let has = |k: &str| req.config.get(k).is_some_and(|v| !v.is_null());
                if has("cidr_ipv4") == has("referenced_security_group_id") {
                    Diagnostic::error("Rule needs exactly one source")
                        .at(req.spans.root())
                        .detail("Set either cidr_ipv4 or referenced_security_group_id, not both and not neither.")
                        .into()
                } else {
                    Diagnostics::new()
                }
            }
            _ => Diagnostics::new(),
        }
    }

    async fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        let settings = AwsSettings::from_config(&req.config);
        match connect(&settings).await {
            Ok(c) => {
                let _ = self.clients.set(c);
                let _ = self.settings.set(settings);
                Diagnostics::new()
            }
            Err(d) => d.at(req.spans.root()).into(),
        }
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let c = match self.clients() {
            Ok(c) => c,
            Err(d) => {
                return ReadResponse {
                    states: Vec::new(),
                    diagnostics: d.into(),
                }
            }
        };
        let tags = self.settings().default_tags;
        let ids: Vec<String> = req.instances.iter().map(|(_, v)| id_of(v)).collect();
        let result = match req.type_name.as_str() {
            "aws_vpc" => net::read_vpcs(c, &ids, &tags).await,
            "aws_subnet" => net::read_subnets(c, &ids, &tags).await,
            "aws_security_group" => sec::read_groups(c, &ids, &tags).await,
            "aws_vpc_security_group_ingress_rule" => sec::read_ingress_rules(c, &ids, &tags).await,
            "aws_eks_cluster" => {
                // DescribeCluster takes one name; ask for all of them at once.
                let calls = req.instances.iter().map(|(_, v)| {
                    let name = v
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    async move { eks::describe_cluster(c, &name).await }
                });
                let results = futures::future::join_all(calls).await;
                results
                    .into_iter()
                    .map(|r| r.map(|o| o.map(|cl| eks::to_value(&cl, &tags))))
                    .collect()
            }
            other => Err(Diagnostic::error("Unknown resource type")
                .detail(format!("The aws provider has no resource type {other}."))),
        };
        match result {
            Ok(states) => ReadResponse {
                states,
                diagnostics: Diagnostics::new(),
            },
            Err(d) => ReadResponse {
                states: Vec::new(),
                diagnostics: d.into(),
            },
        }
    }

    fn plan(&self, req: &PlanRequest<'_>) -> PlanResponse {
        let tags = self.settings().default_tags;
        match req.type_name {
            "aws_eks_cluster" => eks_plan::plan_cluster(
                &self.schema.resources["aws_eks_cluster"],
                req.prior,
                req.config,
                &tags,
                req.spans,
            ),
            other => {
                let mut resp = default_plan::plan(&self.schema, req);
                if let Value::Object(m) = &mut resp.planned {
                    if m.contains_key("tags_all") {
                        m.insert(
                            "tags_all".into(),
                            eks_plan::tags_all(&tags, req.config.get("tags")),
                        );
                    }
                    if other == "aws_security_group" {
                        for rules in ["ingress", "egress"] {
                            if let Some(Value::Set(items)) = m.get(rules).cloned() {
                                m.insert(
                                    rules.into(),
                                    Value::set(items.iter().map(sec::normalise_rule).collect()),
                                );
                            }
                        }
                    }
                    if other == "aws_vpc_security_group_ingress_rule" {
                        if let Some(p) = m
                            .get("ip_protocol")
                            .and_then(Value::as_str)
                            .map(sec::normalise_protocol)
                        {
                            m.insert("ip_protocol".into(), Value::from(p));
                        }
                    }
                }
                if let Some(p) = req.prior {
                    resp.requires_replace = default_plan::replace_paths(
                        &self.schema.resources[other],
                        p,
                        &resp.planned,
                    );
                }
                resp
            }
        }
    }

    async fn check_plan(&self, planned: &[PlannedInstance<'_>]) -> Diagnostics {
        match self.clients() {
            Ok(c) => checks::check(c, planned).await,
            Err(_) => checks::check_offline(planned),
        }
    }

    async fn apply(&self, req: ApplyRequest, ctx: OperationContext) -> ApplyResponse {
        let c = match self.clients() {
            Ok(c) => c,
            Err(d) => return failed(req.prior, d),
        };
        let tags = self.settings().default_tags;
        let mut prior = req.prior.clone();
        let mut action = req.action;
        let creation_owned = req.creation.clone();
        let creation = creation_owned.as_ref();
        if let Some(cr) = creation.filter(|cr| cr.resuming && action == ApplyAction::Create) {
            // An earlier run sent this create and stopped: finish what it made, if anything.
            match resume::find(c, &req.type_name, cr, &tags).await {
                Ok(Some(found)) => {
                    ctx.report(
                        "found the object an interrupted apply of this state created; finishing it",
                    );
                    prior = Some(found);
                    action = ApplyAction::Update;
                }
                Ok(None) => {}
                Err(d) => return failed(req.prior, d),
            }
        }
        let planned = match action {
            ApplyAction::Create => with_creation_tag(&req.planned, "tags_all", creation),
            _ => req.planned.clone(),
        };
        let req = ApplyRequest {
            planned,
            prior: prior.clone(),
            action,
            ..req
        };
        let id = prior.as_ref().map(id_of).unwrap_or_default();
        let result: Result<Option<Value>, Diagnostic> = match (req.type_name.as_str(), req.action) {
            ("aws_eks_cluster", ApplyAction::Create) => {
                eks::create(c, &req.planned, creation, &tags, &ctx)
                    .await
                    .map(Some)
            }
            ("aws_eks_cluster", ApplyAction::Update) => eks::update(
                c,
                prior.as_ref().unwrap_or(&Value::Null),
                &req.planned,
                &tags,
                &ctx,
            )
            .await
            .map(Some),
            ("aws_eks_cluster", ApplyAction::Delete) => {
                eks::delete(c, prior.as_ref().unwrap_or(&Value::Null), &ctx)
                    .await
                    .map(|_| None)
            }
            ("aws_vpc", ApplyAction::Create) => {
                net::create_vpc(c, &req.planned, &tags).await.map(Some)
            }
            ("aws_vpc", ApplyAction::Update) => {
                match net::update_vpc(c, &id, prior.as_ref(), &req.planned).await {
                    Ok(()) => net::read_vpcs(c, std::slice::from_ref(&id), &tags)
                        .await
                        .map(|mut v| v.pop().flatten()),
                    Err(d) => Err(d),
                }
            }
            ("aws_vpc", ApplyAction::Delete) => net::delete_vpc(c, &id).await.map(|_| None),
            ("aws_subnet", ApplyAction::Create) => {
                net::create_subnet(c, &req.planned, &tags).await.map(Some)
            }
            ("aws_subnet", ApplyAction::Update) => {
                match net::update_subnet(c, &id, prior.as_ref(), &req.planned).await {
                    Ok(()) => net::read_subnets(c, std::slice::from_ref(&id), &tags)
                        .await
                        .map(|mut v| v.pop().flatten()),
                    Err(d) => Err(d),
                }
            }
            ("aws_subnet", ApplyAction::Delete) => net::delete_subnet(c, &id).await.map(|_| None),
            ("aws_security_group", ApplyAction::Create) => {
                sec::create_group(c, &req.planned, &tags).await.map(Some)
            }
            ("aws_security_group", ApplyAction::Update) => sec::update_group(
                c,
                prior.as_ref().unwrap_or(&Value::Null),
                &req.planned,
                &tags,
            )
            .await
            .map(Some),
            ("aws_security_group", ApplyAction::Delete) => {
                sec::delete_group(c, &id).await.map(|_| None)
            }
            ("aws_vpc_security_group_ingress_rule", ApplyAction::Create) => {
                sec::create_ingress_rule(c, &req.planned, &tags)
                    .await
                    .map(Some)
            }
            ("aws_vpc_security_group_ingress_rule", ApplyAction::Update) => {
                match net::sync_tags(
                    c,
                    &id,
                    prior.as_ref().and_then(|p| p.get("tags_all")),
                    req.planned.get("tags_all"),
                )
                .await
                {
                    Ok(()) => sec::read_ingress_rules(c, std::slice::from_ref(&id), &tags)
                        .await
                        .map(|mut v| v.pop().flatten()),
                    Err(d) => Err(d),
                }
            }
            ("aws_vpc_security_group_ingress_rule", ApplyAction::Delete) => {
                sec::delete_ingress_rule(c, prior.as_ref().unwrap_or(&Value::Null))
                    .await
                    .map(|_| None)
            }
            (other, _) => Err(Diagnostic::error("Unknown resource type")
                .detail(format!("The aws provider has no resource type {other}."))),
        };
        match result {
            Ok(new_state) => ApplyResponse {
                new_state,
                diagnostics: Diagnostics::new(),
            },
            Err(d) => failed(prior, d),
        }
    }

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics> {
        let c = self.clients().map_err(Diagnostics::from)?;
        super::data::read(c, &self.settings().default_tags, type_name, config)
            .await
            .map_err(Diagnostics::from)
    }

    fn api_calls(&self) -> std::collections::BTreeMap<String, usize> {
        self.clients
            .get()
            .map(|c| c.calls.snapshot())
            .unwrap_or_default()
    }

    fn created_id(&self, type_name: &str, planned: &Value) -> Option<String> {
        // EC2 assigns its IDs; an EKS cluster is known by its name.
        (type_name == "aws_eks_cluster")
            .then(|| {
                planned
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .flatten()
    }

    async fn find_created(
        &self,
        type_name: &str,
        id: Option<&str>,
        creation: &crate::providers::Creation,
    ) -> Result<Option<Value>, Diagnostics> {
        let c = self.clients().map_err(Diagnostics::from)?;
        let tags = self.settings().default_tags;
        resume::find_created(c, type_name, id, creation, &tags)
            .await
            .map_err(Diagnostics::from)
    }

    async fn import(&self, type_name: &str, id: &str) -> ImportResponse {
        let c = match self.clients() {
            Ok(c) => c,
            Err(d) => {
                return ImportResponse {
                    state: None,
                    diagnostics: d.into(),
                }
            }
        };
        let tags = self.settings().default_tags;
        let ids = [id.to_string()];
        let result = match type_name {
            "aws_eks_cluster" => eks::describe_cluster(c, id)
                .await
                .map(|o| o.map(|cl| eks::to_value(&cl, &tags))),
            "aws_vpc" => net::read_vpcs(c, &ids, &tags)
                .await
                .map(|mut v| v.pop().flatten()),
            "aws_subnet" => net::read_subnets(c, &ids, &tags)
                .await
                .map(|mut v| v.pop().flatten()),
            "aws_security_group" => sec::read_groups(c, &ids, &tags)
                .await
                .map(|mut v| v.pop().flatten()),
            "aws_vpc_security_group_ingress_rule" => sec::read_ingress_rules(c, &ids, &tags)
                .await
                .map(|mut v| v.pop().flatten()),
            other => Err(Diagnostic::error("Import not supported")
                .detail(format!("The aws provider cannot import {other}."))),
        };
        match result {
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
}
