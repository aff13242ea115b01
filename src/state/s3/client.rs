//! SDK clients for the `s3` backend (the standard AWS credential chain, `AWS_ENDPOINT_URL` and
//! the backend's `endpoints`), and S3/DynamoDB errors turned into [`StateError`]s that keep
//! the service's code and message and name the request.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use super::settings::S3Settings;
use crate::state::StateError;

/// Configured clients; DynamoDB only when `dynamodb_table` is set.
#[derive(Clone, Debug)]
pub struct Clients {
    pub s3: aws_sdk_s3::Client,
    pub dynamodb: Option<aws_sdk_dynamodb::Client>,
}

/// Where the region can come from, for the error message.
const REGION_SOURCES: &str =
    "the backend's region, AWS_REGION, AWS_DEFAULT_REGION and the selected profile";

/// Builds the clients. Nothing is sent: credentials are looked up on the first request.
pub async fn connect(settings: &S3Settings) -> Result<Clients, StateError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(10))
            .operation_attempt_timeout(Duration::from_secs(60))
            .build(),
    );
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(keys) = &settings.static_credentials {
        loader = loader.credentials_provider(aws_credential_types::Credentials::new(
            keys.access_key.clone(),
            keys.secret_key.clone(),
            keys.token.clone(),
            None,
            "s3-backend-settings",
        ));
    }
    let sdk = loader.load().await;
    if sdk.region().is_none() {
        return Err(StateError::InvalidSettings {
            backend: "s3".to_string(),
            message: format!("no AWS region: clusterform looked in {REGION_SOURCES}"),
            hint: Some(
                "set region = \"eu-west-1\" (for example) in the backend \"s3\" block, or export AWS_REGION".to_string(),
            ),
        });
    }
    let mut s3 = aws_sdk_s3::config::Builder::from(&sdk).force_path_style(settings.use_path_style);
    if let Some(url) = &settings.s3_endpoint {
        s3 = s3.endpoint_url(url);
    }
    if settings.skip_s3_checksum {
        s3 = s3.request_checksum_calculation(
            aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
        );
    }
    let dynamodb = settings.dynamodb_table.as_ref().map(|_| {
        let mut b = aws_sdk_dynamodb::config::Builder::from(&sdk);
        if let Some(url) = &settings.dynamodb_endpoint {
            b = b.endpoint_url(url);
        }
        aws_sdk_dynamodb::Client::from_conf(b.build())
    });
    Ok(Clients {
        s3: aws_sdk_s3::Client::from_conf(s3.build()),
        dynamodb,
    })
}

/// The service's error code, or `None` for failures that never reached it.
pub fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
    }
}

/// The HTTP status the service answered with, if it answered.
pub fn status<E>(err: &SdkError<E, aws_smithy_runtime_api::http::Response>) -> Option<u16> {
    match err {
        SdkError::ServiceError(e) => Some(e.raw().status().as_u16()),
        SdkError::ResponseError(e) => Some(e.raw().status().as_u16()),
        _ => None,
    }
}

/// True when a conditional request lost: 412 Precondition Failed, or 409 when S3 saw two
/// conditional writes to one key at once.
pub fn precondition_failed<E: ProvideErrorMetadata>(
    err: &SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> bool {
    matches!(status(err), Some(412))
        || matches!(
            code(err),
            Some("PreconditionFailed" | "ConditionalRequestConflict")
        )
}

/// True when the object is not there (404 / NoSuchKey) — but not when the bucket is missing,
/// which is an error to report.
pub fn not_found<E: ProvideErrorMetadata>(
    err: &SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> bool {
    match code(err) {
        Some("NoSuchBucket") => false,
        Some("NoSuchKey" | "NotFound") => true,
        _ => matches!(status(err), Some(404)),
    }
}

/// A failed request as a [`StateError`]: `what` names the request and its object
/// (`S3 GetObject s3://bucket/key`).
pub fn remote<E, R>(what: String, err: &SdkError<E, R>) -> StateError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let (code, message) = match err {
        SdkError::ServiceError(e) => (
            e.err().code().unwrap_or("UnknownError").to_string(),
            e.err().message().unwrap_or("(no message)").to_string(),
        ),
        SdkError::TimeoutError(_) => ("Timeout".to_string(), "the request timed out".to_string()),
        SdkError::DispatchFailure(_) => (
            "ConnectionFailed".to_string(),
            format!("could not reach the endpoint: {}", crate::diag::causes(err)),
        ),
        _ => ("RequestFailed".to_string(), crate::diag::causes(err)),
    };
    let hint = match code.as_str() {
        "NoSuchBucket" => Some(
            "create the bucket first (for example aws s3api create-bucket --bucket NAME); the backend never creates it",
        ),
        "AccessDenied" | "AccessDeniedException" | "Forbidden" => Some(
            "the credentials in use lack a permission: the s3 backend needs s3:ListBucket on the bucket and s3:GetObject, s3:PutObject and s3:DeleteObject on the state and lock objects (and dynamodb:GetItem, PutItem and DeleteItem with dynamodb_table)",
        ),
        "ResourceNotFoundException" => Some(
            "create the DynamoDB table first, with a partition key named LockID of type String",
        ),
        "ConnectionFailed" | "Timeout" => Some(
            "check the region, endpoints.s3 or AWS_ENDPOINT_URL, and the network",
        ),
        "ExpiredToken" | "ExpiredTokenException" | "InvalidAccessKeyId" | "SignatureDoesNotMatch" => {
            Some("refresh the credentials (aws sso login, or new keys)")
        }
        _ => None,
    };
    StateError::Remote {
        what,
        message: format!("{code}: {message}"),
        hint: hint.map(str::to_string),
    }
}
