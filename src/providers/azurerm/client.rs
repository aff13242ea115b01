//! [`AksClient`]: managed clusters through Azure Resource Manager, with the generated client's
//! models and request builders, our transport (api-version pinned, retries, call counts), and
//! long-running operations followed to their end.
//!
//! Owns: one verb per ARM operation the provider needs, 404 as "absent", retrying while AKS says
//! another operation is in progress, and reading responses of newer api-versions into the
//! 2023-01-02-preview models. Must not: know Terraform attribute names or plan anything.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_core::auth::TokenCredential;
use azure_core::error::{Error, ErrorKind, HttpError};
use azure_core::{HttpClient, Method, Response, RetryOptions, TransportOptions, Url};
use azure_mgmt_containerservice::package_preview_2023_01::{models, Client, ClientBuilder};

use super::auth;
use super::errors::{self, Request};
use super::lro::{self, Accepted, Activity, Poll, Polled, Waiting, PROGRESS_EVERY};
use super::settings::{AzureSettings, Environment};
use super::transport::{ArmTransport, CallCounter, RetryPolicy, OPERATION_HEADER};
use crate::diag::Diagnostic;
use crate::providers::OperationContext;

/// How long to keep retrying while AKS says another operation is in progress (Terraform
/// retries busy deletes for up to an hour; a cluster operation rarely takes longer than this).
const BUSY_LIMIT: Duration = Duration::from_secs(30 * 60);
const BUSY_MAX_WAIT: Duration = Duration::from_secs(60);

/// A managed-clusters client for one subscription.
pub struct AksClient {
    mgmt: Client,
    transport: Arc<ArmTransport>,
    credential: Arc<dyn TokenCredential>,
    credential_source: String,
    token_resource: String,
    endpoint: String,
    subscription_id: String,
    api_version: String,
    calls: Arc<CallCounter>,
    progress_every: Option<Duration>,
}

impl fmt::Debug for AksClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AksClient")
            .field("endpoint", &self.endpoint)
            .field("subscription_id", &self.subscription_id)
            .field("api_version", &self.api_version)
            .field("credential_source", &self.credential_source)
            .finish_non_exhaustive()
    }
}

/// Whether ARM refused because another operation runs on the resource. AKS says 409
/// `OperationNotAllowed` "Another operation (Updating) is in progress"
/// (<https://aka.ms/aks-pending-operation>); other 409 `OperationNotAllowed`s (a stopped
/// cluster, a quota) must not be retried for half an hour, so the words decide.
fn is_busy(err: &Error) -> bool {
    let Some((status, code, message)) = errors::http_code(err) else {
        return false;
    };
    let message = message.unwrap_or_default().to_ascii_lowercase();
    status == 409
        && (code.as_deref() == Some("AnotherOperationInProgress")
            || message.contains("in progress")
            || message.contains("pending operation"))
}

/// Whether a failed read means "no such cluster" (and not a wrong api-version or subscription).
fn is_not_found(err: &Error) -> bool {
    match errors::http_code(err) {
        Some((404, code, _)) => !matches!(
            code.as_deref(),
            Some(
                "NoRegisteredProviderFound"
                    | "InvalidResourceType"
                    | "InvalidApiVersionParameter"
                    | "SubscriptionNotFound"
            )
        ),
        _ => false,
    }
}

/// A response of 400 or more as the error the generated client would have returned.
async fn failed(response: Response) -> azure_core::Result<Response> {
    let status = response.status();
    if (status as u16) < 400 {
        return Ok(response);
    }
    let e = HttpError::new(response).await;
    let kind = ErrorKind::http_response(status, e.error_code().map(str::to_string));
    Err(Error::full(
        kind,
        e,
        format!("Azure answered HTTP {}", status as u16),
    ))
}

impl AksClient {
    /// Connects with the process environment. Makes no API call and requests no token.
    pub async fn connect(settings: &AzureSettings) -> Result<AksClient, Diagnostic> {
        AksClient::connect_in(settings, &Environment::process()).await
    }

    /// Connects with the given environment (tests pass their own).
    pub async fn connect_in(
        settings: &AzureSettings,
        env: &Environment,
    ) -> Result<AksClient, Diagnostic> {
        let subscription_id = settings.subscription(env)?;
        let cloud = settings.cloud(env)?;
        let api_version = settings.api_version();
        let transport = Arc::new(ArmTransport::new(
            &cloud.resource_manager_endpoint,
            &api_version,
            RetryPolicy::paced(env.poll_interval()),
            env.debug_log(),
        ));
        let chosen = auth::choose(settings, &cloud, env, transport.clone()).await?;
        if env.debug_log() {
            eprintln!("azure: signing in with {}", chosen.source);
        }
        let http: Arc<dyn HttpClient> = transport.clone();
        // The builder's default scope is `{endpoint}/`, and credentials append `/.default`:
        // that would ask Entra ID for `https://management.azure.com//.default`. The resource
        // without a slash gives `https://management.azure.com/.default`.
        let mgmt = ClientBuilder::new(chosen.credential.clone())
            .endpoint(cloud.resource_manager_endpoint.clone())
            .scopes(&[cloud.token_resource()])
            .retry(RetryOptions::none())
            .transport(TransportOptions::new(http))
            .build();
        Ok(AksClient {
            mgmt,
            calls: transport.calls(),
            transport,
            credential: chosen.credential,
            credential_source: chosen.source,
            token_resource: cloud.token_resource().to_string(),
            endpoint: cloud.resource_manager_endpoint,
            subscription_id,
            api_version,
            progress_every: Some(PROGRESS_EVERY),
        })
    }

    pub fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// Which credential source signs requests, in words (no secret).
    pub fn credential_source(&self) -> &str {
        &self.credential_source
    }

    /// How often long waits print "Still creating... [10s elapsed]"; `None` when the caller
    /// prints its own.
    pub fn set_progress_interval(&mut self, every: Option<Duration>) {
        self.progress_every = every;
    }

    /// HTTP calls made so far, by operation (retries included).
    pub fn calls(&self) -> BTreeMap<String, usize> {
        self.calls.snapshot()
    }

    fn clusters(
        &self,
    ) -> azure_mgmt_containerservice::package_preview_2023_01::managed_clusters::Client {
        self.mgmt.managed_clusters_client()
    }

    fn url(&self, path: &str) -> Result<Url, Diagnostic> {
        let text = format!(
            "{}/subscriptions/{}{path}?api-version={}",
            self.endpoint, self.subscription_id, self.api_version
        );
        Url::parse(&text)
            .map_err(|e| Diagnostic::error("Invalid Azure URL").detail(format!("{text}: {e}")))
    }

    fn cluster_url(&self, rg: &str, name: &str) -> Result<Url, Diagnostic> {
        self.url(&format!(
            "/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}"
        ))
    }

    /// A request the generated client cannot make (LRO polls, delete, list pages), signed with
    /// the same credential and sent through the same transport.
    async fn send(
        &self,
        method: Method,
        url: Url,
        operation: &str,
    ) -> azure_core::Result<Response> {
        let token = self.credential.get_token(&self.token_resource).await?;
        let mut r = azure_core::Request::new(url, method);
        r.insert_header(
            azure_core::headers::AUTHORIZATION,
            format!("Bearer {}", token.token.secret()),
        );
        r.insert_header(OPERATION_HEADER, operation.to_string());
        self.transport.execute_request(&r).await
    }

    /// Sends a change, retrying with backoff while another operation runs on the cluster.
    async fn send_when_free<T, F, Fut>(
        &self,
        waiting: &mut Waiting<'_>,
        mut send: F,
    ) -> Result<T, Diagnostic>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = azure_core::Result<T>>,
    {
        let started = Instant::now();
        let mut backoff = waiting.ctx().poll_interval;
        loop {
            waiting.check_cancelled()?;
            match send().await {
                Ok(t) => return Ok(t),
                Err(e) if is_busy(&e) && started.elapsed() < BUSY_LIMIT => {
                    waiting.ctx().report(&format!(
                        "another operation is in progress on {}; retrying the {} in {}s",
                        waiting.req.target,
                        waiting.req.method,
                        backoff.as_secs().max(1)
                    ));
                    waiting.pause(backoff).await?;
                    backoff = (backoff * 2).min(BUSY_MAX_WAIT);
                }
                Err(e) => return Err(errors::describe(waiting.req, &e, &self.api_version)),
            }
        }
    }

    /// `None` when the cluster does not exist.
    pub async fn get(
        &self,
        resource_group: &str,
        name: &str,
    ) -> Result<Option<models::ManagedCluster>, Diagnostic> {
        let Some((req, body)) = self.get_body(resource_group, name).await? else {
            return Ok(None);
        };
        decode_cluster(&body)
            .map(Some)
            .map_err(|why| unreadable(&req, &why))
    }

    /// Like [`Self::get`], with the body as ARM sent it too: the API model drops properties
    /// added since its API version, and an update must send them back.
    pub async fn get_with_raw(
        &self,
        resource_group: &str,
        name: &str,
    ) -> Result<Option<(models::ManagedCluster, serde_json::Value)>, Diagnostic> {
        let Some((req, body)) = self.get_body(resource_group, name).await? else {
            return Ok(None);
        };
        let raw: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| unreadable(&req, &e.to_string()))?;
        decode_cluster(&body)
            .map(|m| Some((m, raw)))
            .map_err(|why| unreadable(&req, &why))
    }

    /// The cluster's GET body, or `None` when it does not exist.
    async fn get_body(
        &self,
        resource_group: &str,
        name: &str,
    ) -> Result<Option<(Request, Vec<u8>)>, Diagnostic> {
        let req = Request::cluster("ManagedClusters_Get", "GET", resource_group, name);
        let sent = self
            .clusters()
            .get(&self.subscription_id, resource_group, name)
            .send()
            .await;
        let body = match sent {
            Ok(r) => r.into_raw_response().into_body().collect().await,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => Err(e),
        }
        .map_err(|e| errors::describe(&req, &e, &self.api_version))?;
        Ok(Some((req, body.to_vec())))
    }

    /// Updates a cluster like [`Self::create_or_update`], adding `additions` to the request
    /// body where the model left keys out (see `ArmTransport::add_to_puts`).
    pub async fn update_keeping(
        &self,
        resource_group: &str,
        name: &str,
        cluster: &models::ManagedCluster,
        additions: serde_json::Value,
        ctx: &OperationContext,
    ) -> Result<models::ManagedCluster, Diagnostic> {
        let path = format!("/resourceGroups/{resource_group}/providers/Microsoft.ContainerService/managedClusters/{name}");
        self.transport.add_to_puts(&path, additions);
        let done = self
            .create_or_update(resource_group, name, cluster, false, ctx)
            .await;
        self.transport.clear_put_additions(&path);
        done
    }

    /// Creates or updates a cluster, waits for the operation to finish and returns the cluster
    /// as Azure then reports it. `creating` chooses the progress words.
    pub async fn create_or_update(
        &self,
        resource_group: &str,
        name: &str,
        cluster: &models::ManagedCluster,
        creating: bool,
        ctx: &OperationContext,
    ) -> Result<models::ManagedCluster, Diagnostic> {
        let req = Request::cluster(
            "ManagedClusters_CreateOrUpdate",
            "PUT",
            resource_group,
            name,
        );
        let activity = if creating {
            Activity::Creating
        } else {
            Activity::Modifying
        };
        let mut waiting = Waiting::new(ctx, &req, activity, self.progress_every);
        let accepted = self
            .send_when_free(&mut waiting, || async {
                let r = self
                    .clusters()
                    .create_or_update(&self.subscription_id, resource_group, name, cluster.clone())
                    .send()
                    .await?;
                Ok(Accepted::from_headers(r.as_raw_response().headers()))
            })
            .await?;
        lro::wait(self, &accepted, &mut waiting, &self.api_version).await?;
        self.settled(resource_group, name, &mut waiting).await
    }

    /// Replaces the cluster's tags (ARM's tags PATCH), waits, and returns the cluster.
    pub async fn update_tags(
        &self,
        resource_group: &str,
        name: &str,
        tags: &BTreeMap<String, String>,
        ctx: &OperationContext,
    ) -> Result<models::ManagedCluster, Diagnostic> {
        let req = Request::cluster("ManagedClusters_UpdateTags", "PATCH", resource_group, name);
        let mut waiting = Waiting::new(ctx, &req, Activity::Modifying, self.progress_every);
        let body = models::TagsObject {
            tags: Some(serde_json::Value::Object(
                tags.iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect(),
            )),
        };
        let accepted = self
            .send_when_free(&mut waiting, || async {
                let r = self
                    .clusters()
                    .update_tags(&self.subscription_id, resource_group, name, body.clone())
                    .send()
                    .await?;
                Ok(Accepted::from_headers(r.as_raw_response().headers()))
            })
            .await?;
        lro::wait(self, &accepted, &mut waiting, &self.api_version).await?;
        self.settled(resource_group, name, &mut waiting).await
    }

    /// Deletes the cluster and waits until a GET no longer finds it. Deleting a cluster that
    /// does not exist succeeds.
    pub async fn delete(
        &self,
        resource_group: &str,
        name: &str,
        ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let req = Request::cluster("ManagedClusters_Delete", "DELETE", resource_group, name);
        let mut waiting = Waiting::new(ctx, &req, Activity::Destroying, self.progress_every);
        // Sent by hand: the generated `delete::Response` exposes neither status nor headers,
        // so the operation it starts could not be followed.
        let url = self.cluster_url(resource_group, name)?;
        let url = &url;
        let accepted = self
            .send_when_free(&mut waiting, || async move {
                let r = self
                    .send(Method::Delete, url.clone(), "ManagedClusters_Delete")
                    .await?;
                match failed(r).await {
                    Ok(r) => Ok(Some(Accepted::from_headers(r.headers()))),
                    Err(e) if is_not_found(&e) => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await?;
        let Some(accepted) = accepted else {
            return Ok(());
        };
        lro::wait(self, &accepted, &mut waiting, &self.api_version).await?;
        while self.get(resource_group, name).await?.is_some() {
            let wait = waiting.next_wait(None);
            waiting.pause(wait).await?;
        }
        Ok(())
    }

    /// Every cluster in the resource group (all pages).
    pub async fn list_by_resource_group(
        &self,
        resource_group: &str,
    ) -> Result<Vec<models::ManagedCluster>, Diagnostic> {
        let req = Request {
            operation: "ManagedClusters_ListByResourceGroup",
            method: "GET",
            target: format!("managedClusters in {resource_group}"),
        };
        let describe = |e: Error| errors::describe(&req, &e, &self.api_version);
        // Read by hand rather than with the generated pager, which parses each page strictly
        // and would fail the whole list on one field a newer api-version changed.
        let mut next = Some(self.url(&format!(
            "/resourceGroups/{resource_group}/providers/Microsoft.ContainerService/managedClusters"
        ))?);
        let mut out = Vec::new();
        while let Some(url) = next.take() {
            let r = self
                .send(Method::Get, url, "ManagedClusters_ListByResourceGroup")
                .await
                .map_err(describe)?;
            let body = failed(r)
                .await
                .map_err(describe)?
                .into_body()
                .collect()
                .await
                .map_err(describe)?;
            let page: serde_json::Value =
                serde_json::from_slice(&body).map_err(|e| unreadable(&req, &e.to_string()))?;
            for item in page
                .get("value")
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
            {
                out.push(decode_value(item.clone()).map_err(|why| unreadable(&req, &why))?);
            }
            next = page
                .get("nextLink")
                .and_then(|v| v.as_str())
                .and_then(|s| Url::parse(s).ok());
        }
        Ok(out)
    }

    /// GETs the cluster until its provisioningState is terminal; `Failed` or `Canceled` is an
    /// error. ARM may finish the operation a moment before the resource shows it.
    async fn settled(
        &self,
        resource_group: &str,
        name: &str,
        waiting: &mut Waiting<'_>,
    ) -> Result<models::ManagedCluster, Diagnostic> {
        loop {
            let Some(cluster) = self.get(resource_group, name).await? else {
                return Err(Diagnostic::error("Cluster disappeared").detail(format!(
                    "{} {}: Azure no longer finds the cluster after the operation finished.",
                    waiting.req.method, waiting.req.target
                )));
            };
            let state = cluster
                .properties
                .as_ref()
                .and_then(|p| p.provisioning_state.clone())
                .unwrap_or_else(|| "Succeeded".to_string());
            match state.to_ascii_lowercase().as_str() {
                "succeeded" => return Ok(cluster),
                "failed" | "canceled" | "cancelled" => {
                    return Err(errors::operation_failed(
                        waiting.req,
                        &state,
                        None,
                        Some(&format!("the cluster's provisioningState is {state}")),
                        &self.api_version,
                    ))
                }
                _ => {
                    let wait = waiting.next_wait(None);
                    waiting.pause(wait).await?;
                }
            }
        }
    }
}

#[async_trait::async_trait]
impl Poll for AksClient {
    async fn get(&self, url: &Url, operation: &'static str) -> azure_core::Result<Polled> {
        let r = self.send(Method::Get, url.clone(), operation).await?;
        let (status, headers, body) = r.deconstruct();
        let body = body.collect().await?;
        Ok(Polled {
            status: status as u16,
            headers,
            body: body.to_vec(),
        })
    }
}

fn unreadable(req: &Request, why: &str) -> Diagnostic {
    Diagnostic::error(format!("Azure {} failed", req.operation)).detail(format!(
        "{} {}: the response could not be read as a managed cluster: {why}",
        req.method, req.target
    ))
}

/// Reads a managed cluster of any served api-version into the 2023-01-02-preview models.
pub fn decode_cluster(body: &[u8]) -> Result<models::ManagedCluster, String> {
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    decode_value(json)
}

/// [`decode_cluster`] from parsed JSON.
pub fn decode_value(mut json: serde_json::Value) -> Result<models::ManagedCluster, String> {
    fit_preview_models(&mut json);
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// Removes what a GA response holds in a shape the 2023-01-02-preview models cannot read.
///
/// Checked against the whole 2026-10-01 schema (see the tests): only one shape differs.
/// The preview's `workloadAutoScalerProfile.verticalPodAutoscaler` requires `controlledValues`
/// and `updateMode`, preview-only fields that GA versions never send (`{"enabled": true}` is
/// all), so a cluster with VPA configured would fail to read at all. clusterform does not
/// manage VPA, so the incomplete object is dropped rather than given invented values, which
/// a later PUT would send back to an api-version that does not know them.
fn fit_preview_models(json: &mut serde_json::Value) {
    let Some(profile) = json
        .pointer_mut("/properties/workloadAutoScalerProfile")
        .and_then(|p| p.as_object_mut())
    else {
        return;
    };
    let complete = profile
        .get("verticalPodAutoscaler")
        .map(|v| v.get("controlledValues").is_some() && v.get("updateMode").is_some());
    if complete == Some(false) {
        profile.remove("verticalPodAutoscaler");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// The examples the emulator serves: Microsoft's own responses of a newer api-version.
    fn examples() -> Vec<(String, serde_json::Value)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("emulators/azure/spec/2026-08-01/examples");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("the AKS examples must be at {}: {e}", dir.display()))
        {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("ManagedClusters") && name.ends_with(".json") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((name, serde_json::from_str(&text).unwrap()));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn every_example_cluster_reads_into_the_models() {
        let examples = examples();
        assert!(
            examples.len() >= 9,
            "found only {} examples",
            examples.len()
        );
        let mut read = 0;
        for (file, example) in &examples {
            let mut bodies: Vec<(String, serde_json::Value)> = Vec::new();
            // Request bodies too (those of a tags PATCH are not clusters).
            if let Some(p) = example["parameters"]["parameters"]
                .as_object()
                .filter(|p| p.contains_key("location"))
            {
                bodies.push(("request".into(), serde_json::Value::Object(p.clone())));
            }
            for (status, resp) in example["responses"].as_object().unwrap() {
                let body = &resp["body"];
                if let Some(items) = body["value"].as_array() {
                    for (i, item) in items.iter().enumerate() {
                        bodies.push((format!("{status} value[{i}]"), item.clone()));
                    }
                } else if body.get("location").is_some() {
                    bodies.push((status.clone(), body.clone()));
                }
            }
            for (which, body) in bodies {
                let cluster =
                    decode_value(body.clone()).unwrap_or_else(|e| panic!("{file} {which}: {e}"));
                assert_eq!(
                    Some(cluster.tracked_resource.location.as_str()),
                    body["location"].as_str()
                );
                read += 1;
            }
        }
        assert!(read >= 10, "read only {read} clusters");
    }

    /// A JSON value for `schema` from the swagger: every property when `all`, else only the
    /// required ones (objects are kept either way, to reach what they hold). Enums take their
    /// `pick`-th value (clamped).
    struct Swagger {
        root: PathBuf,
        docs: BTreeMap<PathBuf, serde_json::Value>,
    }

    impl Swagger {
        fn new() -> Swagger {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("emulators/azure/spec");
            Swagger {
                root,
                docs: BTreeMap::new(),
            }
        }

        fn doc(&mut self, path: &PathBuf) -> &serde_json::Value {
            if !self.docs.contains_key(path) {
                let text = std::fs::read_to_string(path)
                    .unwrap_or_else(|e| panic!("the swagger must be at {}: {e}", path.display()));
                self.docs
                    .insert(path.clone(), serde_json::from_str(&text).unwrap());
            }
            &self.docs[path]
        }

        fn resolve(&mut self, reference: &str, base: &Path) -> (serde_json::Value, PathBuf) {
            let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
            let path = match file.split_once("common-types/") {
                Some((_, rest)) => self.root.join("common-types").join(rest),
                None if file.is_empty() => base.to_path_buf(),
                None => base.parent().unwrap().join(file),
            };
            let target = self
                .doc(&path)
                .pointer(pointer)
                .cloned()
                .unwrap_or_default();
            (target, path)
        }

        fn sample(
            &mut self,
            schema: &serde_json::Value,
            base: &PathBuf,
            seen: &[String],
            all: bool,
            wanted: bool,
            pick: usize,
        ) -> Option<serde_json::Value> {
            use serde_json::{json, Value};
            if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                if seen.iter().any(|s| s == r) || seen.len() > 12 {
                    return None;
                }
                let (target, path) = self.resolve(r, base);
                let mut seen = seen.to_vec();
                seen.push(r.to_string());
                return self.sample(&target, &path, &seen, all, wanted, pick);
            }
            let kind = schema.get("type").and_then(Value::as_str);
            if kind == Some("object")
                || schema.get("properties").is_some()
                || schema.get("allOf").is_some()
            {
                let mut out = serde_json::Map::new();
                for part in schema
                    .get("allOf")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(Value::Object(m)) = self.sample(part, base, seen, all, true, pick) {
                        out.extend(m);
                    }
                }
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for (name, prop) in schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let need = all || required.contains(&name.as_str());
                    if let Some(v) = self.sample(prop, base, seen, all, need, pick) {
                        out.insert(name.clone(), v);
                    }
                }
                if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                    if schema.get("properties").is_none() {
                        if let Some(v) = self.sample(extra, base, seen, all, true, pick) {
                            out.insert("key1".into(), v);
                        }
                    }
                }
                return Some(Value::Object(out));
            }
            if !wanted {
                return None;
            }
            if let Some(values) = schema.get("enum").and_then(Value::as_array) {
                return values.get(pick.min(values.len() - 1)).cloned();
            }
            match kind {
                Some("string") => Some(match schema.get("format").and_then(Value::as_str) {
                    Some("date-time") => json!("2026-01-01T00:00:00Z"),
                    _ => json!("x"),
                }),
                Some("integer") => Some(json!(1)),
                Some("number") => Some(json!(1.5)),
                Some("boolean") => Some(json!(true)),
                Some("array") => {
                    let item = self.sample(&schema["items"], base, seen, all, true, pick)?;
                    Some(json!([item]))
                }
                _ => None,
            }
        }

        fn cluster(&mut self, all: bool, pick: usize) -> serde_json::Value {
            let base = self.root.join("2026-10-01/managedClusters.json");
            let schema = serde_json::json!({"$ref": "#/definitions/ManagedCluster"});
            let mut v = self.sample(&schema, &base, &[], all, true, pick).unwrap();
            v["location"] = "westeurope".into();
            v
        }
    }

    /// Every property of the 2026-10-01 schema, each enum value, and the bare minimum: any
    /// shape the preview models cannot read shows up here, not in a user's refresh.
    #[test]
    fn every_shape_of_the_ga_schema_reads_into_the_models() {
        let mut swagger = Swagger::new();
        for pick in 0..8 {
            for all in [true, false] {
                let body = swagger.cluster(all, pick);
                let vpa = body["properties"]["workloadAutoScalerProfile"]["verticalPodAutoscaler"]
                    .clone();
                assert!(
                    vpa.is_object(),
                    "the schema still has verticalPodAutoscaler"
                );
                let cluster =
                    decode_value(body).unwrap_or_else(|e| panic!("all={all} pick={pick}: {e}"));
                let profile = cluster
                    .properties
                    .and_then(|p| p.workload_auto_scaler_profile)
                    .expect("the rest of the profile is kept");
                assert!(profile.vertical_pod_autoscaler.is_none());
            }
        }
    }

    /// Providers hold the client across tasks and await its futures in `async_trait` methods:
    /// this only has to compile.
    #[allow(dead_code)]
    fn the_client_and_its_futures_are_send(c: &AksClient, ctx: &OperationContext) {
        fn send<T: Send + Sync>(_: &T) {}
        fn future<T: Send>(_: T) {}
        send(c);
        let cluster = models::ManagedCluster::new(models::TrackedResource::new("x".into()));
        future(c.get("rg", "n"));
        future(c.create_or_update("rg", "n", &cluster, true, ctx));
        future(c.update_tags("rg", "n", &BTreeMap::new(), ctx));
        future(c.delete("rg", "n", ctx));
        future(c.list_by_resource_group("rg"));
        future(AksClient::connect(&AzureSettings::default()));
    }

    #[test]
    fn busy_and_not_found_are_told_apart() {
        let err = |status: u16, body: &'static str| {
            let e = futures::executor::block_on(HttpError::new(Response::new(
                azure_core::StatusCode::try_from(status).unwrap(),
                azure_core::headers::Headers::new(),
                Box::pin(azure_core::BytesStream::new(body)),
            )));
            Error::new(
                ErrorKind::http_response(
                    azure_core::StatusCode::try_from(status).unwrap(),
                    e.error_code().map(str::to_string),
                ),
                e,
            )
        };
        let busy = err(
            409,
            r#"{"error":{"code":"OperationNotAllowed","message":"Operation is not allowed: Another operation (Updating) is in progress, please wait for it to finish before starting a new operation."}}"#,
        );
        assert!(is_busy(&busy));
        let stopped = err(
            409,
            r#"{"error":{"code":"OperationNotAllowed","message":"The cluster is stopped."}}"#,
        );
        assert!(!is_busy(&stopped));
        let missing = err(
            404,
            r#"{"error":{"code":"ResourceNotFound","message":"not found"}}"#,
        );
        assert!(is_not_found(&missing));
        let wrong_version = err(
            404,
            r#"{"error":{"code":"NoRegisteredProviderFound","message":"x"}}"#,
        );
        assert!(!is_not_found(&wrong_version));
    }
}
