//! Provider configuration → SDK clients, with the standard AWS credential chain and endpoint
//! overrides, and a count of every API call made (for tests, benchmarks and `CLUSTERFORM_LOG`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

use crate::diag::Diagnostic;
use crate::value::Value;

/// The `provider "aws"` block, evaluated.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub eks_endpoint: Option<String>,
    pub ec2_endpoint: Option<String>,
    pub sts_endpoint: Option<String>,
    pub iam_endpoint: Option<String>,
    pub default_tags: BTreeMap<String, String>,
}

impl AwsSettings {
    pub fn from_config(v: &Value) -> AwsSettings {
        let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let endpoints = v.get("endpoints");
        AwsSettings {
            region: s(v.get("region")),
            profile: s(v.get("profile")),
            eks_endpoint: s(endpoints.and_then(|e| e.get("eks"))),
            ec2_endpoint: s(endpoints.and_then(|e| e.get("ec2"))),
            sts_endpoint: s(endpoints.and_then(|e| e.get("sts"))),
            iam_endpoint: s(endpoints.and_then(|e| e.get("iam"))),
            default_tags: v
                .get("default_tags")
                .and_then(|d| d.get("tags"))
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Counts API calls by operation name.
#[derive(Debug, Default)]
pub struct CallCounter {
    counts: Mutex<BTreeMap<String, usize>>,
}

impl CallCounter {
    pub fn snapshot(&self) -> BTreeMap<String, usize> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn total(&self) -> usize {
        self.snapshot().values().sum()
    }
}

/// Counts each call and, with `CLUSTERFORM_LOG=debug`, prints one line per attempt.
#[derive(Debug)]
struct Counting {
    calls: Arc<CallCounter>,
    log: bool,
}

impl Intercept for Counting {
    fn name(&self) -> &'static str {
        "clusterform-call-counter"
    }

    // Not `read_before_execution`: a client's interceptors run that hook before the
    // operation's configuration, so the operation's name is not known there yet.
    fn read_before_serialization(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(m) = cfg.load::<Metadata>() {
            if let Ok(mut c) = self.calls.counts.lock() {
                *c.entry(m.name().to_string()).or_default() += 1;
            }
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let uri = ctx.request().uri();
        if let (Some(m), Ok(mut last)) = (cfg.load::<Metadata>(), LAST_ENDPOINT.lock()) {
            last.insert(m.service().to_ascii_lowercase(), origin(uri));
        }
        if self.log {
            // Only the path: EC2's parameters travel in the body, and neither carries
            // secrets (credentials go in the signed headers, which are never printed).
            let url = uri.split('?').next().unwrap_or(uri).to_string();
            cfg.interceptor_state().store_put(SentTo(url));
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (true, Some(m)) = (self.log, cfg.load::<Metadata>()) else {
            return Ok(());
        };
        // The request itself has gone to the HTTP client by now.
        let url = cfg.load::<SentTo>().map_or("", |s| s.0.as_str());
        let outcome = match ctx.response() {
            Some(r) => r.status().as_u16().to_string(),
            None => "no answer".to_string(),
        };
        eprintln!("aws: {} {} {url} -> {outcome}", m.service(), m.name());
        Ok(())
    }
}

/// The URL an attempt was sent to, kept for its log line.
#[derive(Clone, Debug)]
struct SentTo(String);

impl Storable for SentTo {
    type Storer = StoreReplace<SentTo>;
}

/// Where each service's latest request went (`eks` → `https://eks.eu-west-1.amazonaws.com`),
/// so a request that never got an answer can say which endpoint it tried. Process-wide:
/// two provider configurations with different endpoints for one service would share it.
static LAST_ENDPOINT: Mutex<BTreeMap<String, String>> = Mutex::new(BTreeMap::new());

/// The endpoint the latest request to `service` (`EKS`, `ec2`) went to.
pub fn endpoint_of(service: &str) -> Option<String> {
    let last = LAST_ENDPOINT.lock().ok()?;
    last.get(&service.to_ascii_lowercase()).cloned()
}

/// `scheme://host[:port]` of a URI: the path and query may carry parameters of the request.
fn origin(uri: &str) -> String {
    match uri.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?']).next().unwrap_or(rest);
            format!("{scheme}://{host}")
        }
        None => uri.to_string(),
    }
}

/// Configured clients for one provider configuration.
#[derive(Clone, Debug)]
pub struct Clients {
    pub eks: aws_sdk_eks::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
    pub region: String,
    pub calls: Arc<CallCounter>,
    /// The provider's `default_tags`, merged under every taggable object's own tags.
    pub default_tags: BTreeMap<String, String>,
}

/// Where the region can come from, in the order tried, for the error message.
const REGION_SOURCES: &str = "the provider block's region, AWS_REGION, AWS_DEFAULT_REGION, and the region of the selected profile in ~/.aws/config";
const CREDENTIAL_SOURCES: &str = "environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the shared credentials and config files (profile, SSO, credential_process, assumed roles), a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE), and ECS or EC2 instance metadata";

pub async fn connect(settings: &AwsSettings) -> Result<Clients, Diagnostic> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(r) = &settings.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(p) = &settings.profile {
        loader = loader.profile_name(p);
    }
    let sdk = loader.load().await;
    let Some(region) = sdk.region().map(|r| r.to_string()) else {
        return Err(Diagnostic::error("No AWS region")
            .detail(format!("clusterform looked for a region in {REGION_SOURCES}, and found none."))
            .hint("set region = \"eu-west-1\" (for example) in the provider \"aws\" block, or export AWS_REGION"));
    };
    match sdk.credentials_provider() {
        Some(p) => {
            if let Err(e) = p.provide_credentials().await {
                return Err(Diagnostic::error("No AWS credentials")
                    .detail(format!("clusterform tried {CREDENTIAL_SOURCES}, and none provided credentials ({e})."))
                    .hint("export AWS_PROFILE for a configured profile, run aws sso login, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"));
            }
        }
        None => {
            return Err(Diagnostic::error("No AWS credentials")
                .detail(format!("clusterform tried {CREDENTIAL_SOURCES}.")));
        }
    }
    let calls = Arc::new(CallCounter::default());
    let log = std::env::var("CLUSTERFORM_LOG").is_ok_and(|v| v.eq_ignore_ascii_case("debug"));
    let counting = || Counting {
        calls: calls.clone(),
        log,
    };
    let mut eks = aws_sdk_eks::config::Builder::from(&sdk).interceptor(counting());
    if let Some(url) = &settings.eks_endpoint {
        eks = eks.endpoint_url(url);
    }
    let mut ec2 = aws_sdk_ec2::config::Builder::from(&sdk).interceptor(counting());
    if let Some(url) = &settings.ec2_endpoint {
        ec2 = ec2.endpoint_url(url);
    }
    let mut iam = aws_sdk_iam::config::Builder::from(&sdk).interceptor(counting());
    if let Some(url) = &settings.iam_endpoint {
        iam = iam.endpoint_url(url);
    }
    let mut sts = aws_sdk_sts::config::Builder::from(&sdk).interceptor(counting());
    if let Some(url) = &settings.sts_endpoint {
        sts = sts.endpoint_url(url);
    }
    Ok(Clients {
        eks: aws_sdk_eks::Client::from_conf(eks.build()),
        ec2: aws_sdk_ec2::Client::from_conf(ec2.build()),
        iam: aws_sdk_iam::Client::from_conf(iam.build()),
        sts: aws_sdk_sts::Client::from_conf(sts.build()),
        region,
        calls,
        default_tags: settings.default_tags.clone(),
    })
}
