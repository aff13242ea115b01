//! Tags, once for every AWS type: `tags` and `tags_all` in schemas and plans (the provider's
//! default tags under each object's own), EC2 tag specifications on create, tag changes on
//! update, and tag filters for lookups. The creation mark is clusterform's, never shown.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};

use super::client::Clients;
use super::errors::describe;
use super::resources::{ec2, eks};
use crate::diag::Diagnostic;
use crate::providers::kit::PlanContext;
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{default_plan, PlanRequest, PlanResponse, CREATION_TAG};
use crate::value::{Type, Value};

/// `schema` with Terraform's `tags` and `tags_all` attributes.
pub fn taggable(s: Schema) -> Schema {
    s.attr(
        "tags",
        Attribute::optional(Type::map(Type::String))
            .describe("Tags for the object; merged over the provider's default_tags."),
    )
    .attr(
        "tags_all",
        Attribute::computed(Type::map(Type::String))
            .describe("All tags, including the provider's default_tags."),
    )
}

/// Splits EC2 tags into (own tags, all tags), leaving out defaults the provider added and
/// the creation mark, which is clusterform's and not the configuration's.
pub fn tag_values(tags: &[Tag], default_tags: &BTreeMap<String, String>) -> (Value, Value) {
    split_tags(
        tags.iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
        default_tags,
    )
}

/// [`tag_values`] for any service's tags, as key and value pairs.
pub fn split_tags<'a>(
    tags: impl Iterator<Item = (&'a str, &'a str)>,
    default_tags: &BTreeMap<String, String>,
) -> (Value, Value) {
    let all: BTreeMap<String, Value> = tags
        .filter(|(k, _)| *k != CREATION_TAG)
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
    let own: BTreeMap<String, Value> = all
        .iter()
        .filter(|(k, v)| default_tags.get(*k).map(String::as_str) != v.as_str())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (
        if own.is_empty() {
            Value::Null
        } else {
            Value::Object(own)
        },
        Value::Object(all),
    )
}

pub fn tag_spec(kind: ResourceType, tags_all: Option<&Value>) -> Option<TagSpecification> {
    let tags: Vec<Tag> = tags_all
        .and_then(Value::as_object)?
        .iter()
        .filter_map(|(k, v)| Some(Tag::builder().key(k).value(v.as_str()?).build()))
        .collect();
    (!tags.is_empty()).then(|| {
        TagSpecification::builder()
            .resource_type(kind)
            .set_tags(Some(tags))
            .build()
    })
}

/// Replaces an object's tags with `tags_all` (CreateTags / DeleteTags).
pub async fn sync_tags(
    c: &Clients,
    id: &str,
    prior: Option<&Value>,
    tags_all: Option<&Value>,
) -> Result<(), Diagnostic> {
    let (set, gone) = tag_changes(prior, tags_all);
    let set: Vec<Tag> = set
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let gone: Vec<Tag> = gone.iter().map(|k| Tag::builder().key(k).build()).collect();
    if !set.is_empty() {
        c.ec2
            .create_tags()
            .resources(id)
            .set_tags(Some(set))
            .send()
            .await
            .map_err(|e| describe(ec2("CreateTags", id), &e))?;
    }
    if !gone.is_empty() {
        c.ec2
            .delete_tags()
            .resources(id)
            .set_tags(Some(gone))
            .send()
            .await
            .map_err(|e| describe(ec2("DeleteTags", id), &e))?;
    }
    Ok(())
}

/// What turns the tags `prior` into `tags_all`: the tags to set (new or changed values) and
/// the keys to remove.
pub fn tag_changes(
    prior: Option<&Value>,
    tags_all: Option<&Value>,
) -> (Vec<(String, String)>, Vec<String>) {
    let (old, new) = (string_map(prior), string_map(tags_all));
    let set = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let gone = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    (set, gone)
}

/// A map of strings (tags) as plain strings.
pub fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Finds VPCs or subnets by tags, for data sources.
pub fn tag_filters(tags: Option<&Value>) -> Vec<Filter> {
    tags.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    Some(
                        Filter::builder()
                            .name(format!("tag:{k}"))
                            .values(v.as_str()?)
                            .build(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `tags_all`: the provider's default tags under the resource's own.
pub fn tags_all(default_tags: &BTreeMap<String, String>, tags: Option<&Value>) -> Value {
    if tags.is_some_and(Value::is_unknown) {
        return Value::Unknown;
    }
    let mut all: BTreeMap<String, Value> = default_tags
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    if let Some(map) = tags.and_then(Value::as_object) {
        all.extend(map.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    Value::Object(all)
}

/// The default plan of a taggable type, with `tags_all` worked out from the provider's
/// default tags; `normalise` then puts configured values in the form the API answers with,
/// before force-new attributes are compared.
pub fn plan_tagged(
    cx: &PlanContext<'_, Clients>,
    req: &PlanRequest<'_>,
    normalise: impl FnOnce(&mut BTreeMap<String, Value>),
) -> PlanResponse {
    let mut resp = default_plan::plan_type(cx.schema, req);
    let none = BTreeMap::new();
    let defaults = cx.client.map_or(&none, |c| &c.default_tags);
    if let Value::Object(m) = &mut resp.planned {
        m.insert(
            "tags_all".into(),
            tags_all(defaults, req.config.get("tags")),
        );
        normalise(m);
    }
    if let Some(p) = req.prior {
        resp.requires_replace = default_plan::replace_paths(cx.schema, p, &resp.planned);
    }
    resp
}

/// TagResource and UntagResource on an EKS ARN, sending only what changed; shared with every EKS type
/// that carries tags but the cluster (whose tag changes wait for its updates).
pub async fn sync_eks_tags(
    c: &Clients,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), Diagnostic> {
    let (set, gone) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
    if !set.is_empty() {
        c.eks
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(set.into_iter().collect()))
            .send()
            .await
            .map_err(|e| describe(eks("TagResource", arn), &e))?;
    }
    if !gone.is_empty() {
        c.eks
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(gone))
            .send()
            .await
            .map_err(|e| describe(eks("UntagResource", arn), &e))?;
    }
    Ok(())
}
