//! `aws_iam_instance_profile`: what lets EC2 instances (self-managed nodes, bastions) run as a
//! role. The ID is the profile's name; import by name. The role changes in place (remove,
//! add), as in Terraform.

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_iam::types::{InstanceProfile as IamProfile, Tag};

use super::{iam, id_of, s};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::tags::{plan_tagged, split_tags, string_map, tag_changes, taggable};
use crate::providers::kit::{read, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, Creation, OperationContext, PlanRequest, PlanResponse, CREATION_TAG,
};
use crate::value::{Type, Value};

pub struct InstanceProfile;

#[async_trait]
impl ResourceType<Clients> for InstanceProfile {
    fn name(&self) -> &'static str {
        "aws_iam_instance_profile"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("An IAM instance profile: the role EC2 instances run as.")
                .attr(
                    "id",
                    Attribute::computed(Type::String).describe("The profile's name."),
                )
                .attr(
                    "arn",
                    Attribute::computed(Type::String).describe("The profile's ARN."),
                )
                .attr(
                    "unique_id",
                    Attribute::computed(Type::String)
                        .describe("The stable ID IAM gives the profile (AIPA…)."),
                )
                .attr(
                    "create_date",
                    Attribute::computed(Type::String).describe("When the profile was created."),
                )
                .attr(
                    "name",
                    Attribute::optional_computed(Type::String)
                        .force_new()
                        .describe("The profile's name; generated when unset."),
                )
                .attr(
                    "name_prefix",
                    Attribute::optional(Type::String)
                        .force_new()
                        .describe("A prefix for a generated name; conflicts with name."),
                )
                .attr(
                    "path",
                    Attribute::optional(Type::String)
                        .default("/")
                        .force_new()
                        .describe("The path of the profile."),
                )
                .attr(
                    "role",
                    Attribute::optional(Type::String)
                        .describe("The name of the role the instances run as; changes in place."),
                ),
        )
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |m| {
            if let Some(name) = m.get("name").filter(|n| n.as_str().is_some()).cloned() {
                m.insert("id".into(), name);
            }
        })
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        read::each(states, |prior| async move {
            Ok(get(c, &id_of(prior))
                .await?
                .map(|p| value(&p, Some(prior), &c.default_tags)))
        })
        .await
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let text = |k: &str| planned.get(k).and_then(Value::as_str).map(str::to_string);
        let name = text("name").unwrap_or_else(|| {
            super::iam_role::generated_name(text("name_prefix").as_deref().unwrap_or("terraform-"))
        });
        let tags = string_map(planned.get("tags_all"))
            .iter()
            .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
            .collect();
        c.iam
            .create_instance_profile()
            .instance_profile_name(&name)
            .path(text("path").unwrap_or_else(|| "/".into()))
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| match code(&e).as_deref() {
                Some("EntityAlreadyExists") => already_exists(
                    &format!("IAM instance profile {name}"),
                    &name,
                    "CreateInstanceProfile answered EntityAlreadyExists: the account has a profile with this name.",
                ),
                _ => describe(iam("CreateInstanceProfile", &name), &e),
            })?;
        if let Some(role) = text("role") {
            add_role(c, &name, &role).await?;
        }
        read_back(c, &name, planned).await
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let name = id_of(prior);
        let role = |v: &Value| v.get("role").and_then(Value::as_str).map(str::to_string);
        if role(prior) != role(planned) {
            if let Some(old) = role(prior) {
                remove_role(c, &name, &old).await?;
            }
            if let Some(new) = role(planned) {
                add_role(c, &name, &new).await?;
            }
        }
        let (set, gone) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !set.is_empty() {
            let tags = set
                .iter()
                .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
                .collect();
            c.iam
                .tag_instance_profile()
                .instance_profile_name(&name)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| describe(iam("TagInstanceProfile", &name), &e))?;
        }
        if !gone.is_empty() {
            c.iam
                .untag_instance_profile()
                .instance_profile_name(&name)
                .set_tag_keys(Some(gone))
                .send()
                .await
                .map_err(|e| describe(iam("UntagInstanceProfile", &name), &e))?;
        }
        read_back(c, &name, planned).await
    }

    /// Removes the role first: IAM refuses to delete a profile that still has one.
    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let name = id_of(prior);
        let Some(live) = get(c, &name).await? else {
            return Ok(());
        };
        for role in live.roles() {
            remove_role(c, &name, role.role_name()).await?;
        }
        match c
            .iam
            .delete_instance_profile()
            .instance_profile_name(&name)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(()),
            Err(e) => Err(describe(iam("DeleteInstanceProfile", &name), &e)),
        }
    }

    fn created_id(&self, _c: &Clients, planned: &Value) -> Option<String> {
        planned
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// A profile is known by its name: the one with that name, if it carries the mark.
    async fn find_created(
        &self,
        c: &Clients,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let Some(name) = id else {
            return Ok(None);
        };
        let Some(p) = get(c, name).await? else {
            return Ok(None);
        };
        let mark = p
            .tags()
            .iter()
            .find(|t| t.key() == CREATION_TAG)
            .map(|t| t.value());
        Ok(creation
            .marks(mark)
            .then(|| value(&p, None, &c.default_tags)))
    }
}

async fn get(c: &Clients, name: &str) -> Result<Option<IamProfile>, Diagnostic> {
    match c
        .iam
        .get_instance_profile()
        .instance_profile_name(name)
        .send()
        .await
    {
        Ok(o) => Ok(o.instance_profile().cloned()),
        Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(None),
        Err(e) => Err(describe(iam("GetInstanceProfile", name), &e)),
    }
}

async fn read_back(c: &Clients, name: &str, planned: &Value) -> Result<Value, Diagnostic> {
    let p = get(c, name).await?.ok_or_else(|| {
        Diagnostic::error("Instance profile disappeared").detail(format!(
            "IAM reports no instance profile {name} right after changing it."
        ))
    })?;
    Ok(value(&p, Some(planned), &c.default_tags))
}

async fn add_role(c: &Clients, name: &str, role: &str) -> Result<(), Diagnostic> {
    c.iam
        .add_role_to_instance_profile()
        .instance_profile_name(name)
        .role_name(role)
        .send()
        .await
        .map(drop)
        .map_err(|e| {
            describe(
                iam("AddRoleToInstanceProfile", &format!("{role} to {name}")),
                &e,
            )
        })
}

async fn remove_role(c: &Clients, name: &str, role: &str) -> Result<(), Diagnostic> {
    match c
        .iam
        .remove_role_from_instance_profile()
        .instance_profile_name(name)
        .role_name(role)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(()),
        Err(e) => Err(describe(
            iam(
                "RemoveRoleFromInstanceProfile",
                &format!("{role} from {name}"),
            ),
            &e,
        )),
    }
}

fn value(p: &IamProfile, known: Option<&Value>, default_tags: &BTreeMap<String, String>) -> Value {
    let (tags, tags_all) = split_tags(p.tags().iter().map(|t| (t.key(), t.value())), default_tags);
    Value::object([
        ("id", Value::from(p.instance_profile_name())),
        ("name", Value::from(p.instance_profile_name())),
        (
            "name_prefix",
            known
                .and_then(|k| k.get("name_prefix"))
                .cloned()
                .unwrap_or(Value::Null),
        ),
        ("arn", Value::from(p.arn())),
        ("unique_id", Value::from(p.instance_profile_id())),
        ("create_date", Value::from(p.create_date().to_string())),
        ("path", Value::from(p.path())),
        ("role", s(p.roles().first().map(|r| r.role_name()))),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}
