//! `aws_iam_openid_connect_provider`: an OpenID Connect identity provider in IAM, such as a
//! cluster's OIDC issuer for IAM roles for service accounts (IRSA). The ID and the import ID
//! are its ARN. The URL forces a new provider; client IDs and thumbprints change in place.
//! IAM has no batch read: refresh gets every provider at once, one call each.

use async_trait::async_trait;
use aws_sdk_iam::types::Tag;

use super::{iam, id_of, string_of as text, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::schema::string_set;
use crate::providers::aws::tags::{plan_tagged, split_tags, string_map, tag_changes, taggable};
use crate::providers::kit::{read, PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse,
    CREATION_TAG,
};
use crate::value::{Type, Value};

pub struct OpenIdConnectProvider;

/// IAM stores the URL without its scheme; `https://x` and `x` name the same provider.
fn bare(url: &str) -> &str {
    url.strip_prefix("https://").unwrap_or(url)
}

#[async_trait]
impl ResourceType<Clients> for OpenIdConnectProvider {
    fn name(&self) -> &'static str {
        "aws_iam_openid_connect_provider"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("An OpenID Connect identity provider in IAM, such as an EKS cluster's OIDC issuer for IRSA.")
                .attr("id", Attribute::computed(Type::String).describe("The provider's ARN."))
                .attr("arn", Attribute::computed(Type::String).describe("The provider's ARN."))
                .attr("url", Attribute::required(Type::String).force_new().describe("The issuer URL, such as aws_eks_cluster.x.identity[0].oidc[0].issuer."))
                .attr("client_id_list", Attribute::required(string_set()).describe("The audiences, such as sts.amazonaws.com."))
                .attr("thumbprint_list", Attribute::optional_computed(Type::list(Type::String)).describe("Server certificate thumbprints; IAM finds them when unset.")),
        )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        match config.get("url").and_then(Value::as_str) {
            Some(u) if !u.starts_with("https://") => Diagnostic::error("OpenID Connect URL must use https")
                .at(spans.span(&["url"]))
                .detail(format!("IAM accepts only https:// issuer URLs, not \"{u}\"."))
                .hint("use the issuer as the cluster reports it: aws_eks_cluster.<name>.identity[0].oidc[0].issuer")
                .into(),
            _ => Diagnostics::new(),
        }
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |m| {
            // The state keeps the URL as written; IAM's scheme-less one is the same.
            if let (Some(p), Some(n)) = (
                req.prior.and_then(|p| p.get("url")).and_then(Value::as_str),
                m.get("url").and_then(Value::as_str),
            ) {
                if bare(p) == bare(n) {
                    m.insert("url".into(), Value::from(p));
                }
            }
        })
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        read::each(states, |prior| async move {
            get(c, &id_of(prior), Some(prior)).await
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
        let url = text(planned, "url").unwrap_or_default();
        let tags = iam_tags(planned.get("tags_all"));
        let thumbprints = strings(planned.get("thumbprint_list"));
        let out = c
            .iam
            .create_open_id_connect_provider()
            .url(&url)
            .set_client_id_list(Some(strings(planned.get("client_id_list"))))
            .set_thumbprint_list(Some(thumbprints).filter(|t| !t.is_empty()))
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| match code(&e).as_deref() {
                Some("EntityAlreadyExists") => already_exists(
                    &format!("The OpenID Connect provider for {url}"),
                    &url,
                    "CreateOpenIDConnectProvider answered EntityAlreadyExists: the account has a provider for this URL.",
                ),
                _ => describe(iam("CreateOpenIDConnectProvider", &url), &e),
            })?;
        let arn = out
            .open_id_connect_provider_arn()
            .unwrap_or_default()
            .to_string();
        get(c, &arn, Some(planned))
            .await?
            .ok_or_else(|| gone_after(&arn))
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let arn = id_of(prior);
        let (old, new) = (
            strings(prior.get("client_id_list")),
            strings(planned.get("client_id_list")),
        );
        for id in new.iter().filter(|i| !old.contains(i)) {
            c.iam
                .add_client_id_to_open_id_connect_provider()
                .open_id_connect_provider_arn(&arn)
                .client_id(id)
                .send()
                .await
                .map_err(|e| describe(iam("AddClientIDToOpenIDConnectProvider", &arn), &e))?;
        }
        for id in old.iter().filter(|i| !new.contains(i)) {
            c.iam
                .remove_client_id_from_open_id_connect_provider()
                .open_id_connect_provider_arn(&arn)
                .client_id(id)
                .send()
                .await
                .map_err(|e| describe(iam("RemoveClientIDFromOpenIDConnectProvider", &arn), &e))?;
        }
        if prior.get("thumbprint_list") != planned.get("thumbprint_list") {
            c.iam
                .update_open_id_connect_provider_thumbprint()
                .open_id_connect_provider_arn(&arn)
                .set_thumbprint_list(Some(strings(planned.get("thumbprint_list"))))
                .send()
                .await
                .map_err(|e| describe(iam("UpdateOpenIDConnectProviderThumbprint", &arn), &e))?;
        }
        let (set, gone) = tag_changes(prior.get("tags_all"), planned.get("tags_all"));
        if !set.is_empty() {
            let tags = set
                .iter()
                .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
                .collect();
            c.iam
                .tag_open_id_connect_provider()
                .open_id_connect_provider_arn(&arn)
                .set_tags(Some(tags))
                .send()
                .await
                .map_err(|e| describe(iam("TagOpenIDConnectProvider", &arn), &e))?;
        }
        if !gone.is_empty() {
            c.iam
                .untag_open_id_connect_provider()
                .open_id_connect_provider_arn(&arn)
                .set_tag_keys(Some(gone))
                .send()
                .await
                .map_err(|e| describe(iam("UntagOpenIDConnectProvider", &arn), &e))?;
        }
        get(c, &arn, Some(planned))
            .await?
            .ok_or_else(|| gone_after(&arn))
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let arn = id_of(prior);
        match c
            .iam
            .delete_open_id_connect_provider()
            .open_id_connect_provider_arn(&arn)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => Ok(()),
            Err(e) => Err(describe(iam("DeleteOpenIDConnectProvider", &arn), &e)),
        }
    }

    /// The URL names the provider in the account.
    fn created_id(&self, _c: &Clients, planned: &Value) -> Option<String> {
        text(planned, "url")
    }

    /// The account's provider for that URL, if it carries the mark.
    async fn find_created(
        &self,
        c: &Clients,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let Some(url) = id else {
            return Ok(None);
        };
        let list = c
            .iam
            .list_open_id_connect_providers()
            .send()
            .await
            .map_err(|e| describe(iam("ListOpenIDConnectProviders", url), &e))?;
        let suffix = format!(":oidc-provider/{}", bare(url));
        let Some(arn) = list
            .open_id_connect_provider_list()
            .iter()
            .filter_map(|p| p.arn())
            .find(|a| a.ends_with(&suffix))
        else {
            return Ok(None);
        };
        let Some(found) = get(c, arn, None).await? else {
            return Ok(None);
        };
        let tags = c
            .iam
            .list_open_id_connect_provider_tags()
            .open_id_connect_provider_arn(arn)
            .send()
            .await
            .map_err(|e| describe(iam("ListOpenIDConnectProviderTags", arn), &e))?;
        let mark = tags
            .tags()
            .iter()
            .find(|t| t.key() == CREATION_TAG)
            .map(|t| t.value());
        Ok(creation.marks(mark).then_some(found))
    }
}

fn gone_after(arn: &str) -> Diagnostic {
    Diagnostic::error("OpenID Connect provider disappeared").detail(format!(
        "IAM reports no provider {arn} right after changing it."
    ))
}

fn iam_tags(tags_all: Option<&Value>) -> Vec<Tag> {
    string_map(tags_all)
        .iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}

/// The provider at `arn`; `known` (the prior state or the plan) gives the URL as written.
async fn get(c: &Clients, arn: &str, known: Option<&Value>) -> Result<Option<Value>, Diagnostic> {
    let out = match c
        .iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(arn)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if code(&e).as_deref() == Some("NoSuchEntity") => return Ok(None),
        Err(e) => return Err(describe(iam("GetOpenIDConnectProvider", arn), &e)),
    };
    let live = out.url().unwrap_or_default();
    let url = known
        .and_then(|k| k.get("url"))
        .and_then(Value::as_str)
        .filter(|k| bare(k) == bare(live))
        .map_or_else(|| format!("https://{}", bare(live)), str::to_string);
    let (tags, tags_all) = split_tags(
        out.tags().iter().map(|t| (t.key(), t.value())),
        &c.default_tags,
    );
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| Value::from(i.as_str()))
            .collect::<Vec<_>>()
    };
    Ok(Some(Value::object([
        ("id", Value::from(arn)),
        ("arn", Value::from(arn)),
        ("url", Value::from(url)),
        ("client_id_list", Value::set(list(out.client_id_list()))),
        ("thumbprint_list", Value::List(list(out.thumbprint_list()))),
        ("tags", tags),
        ("tags_all", tags_all),
    ])))
}
