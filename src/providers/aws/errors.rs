//! AWS errors in words: the service's code and message, and the request that failed.

use aws_sdk_eks::error::{ProvideErrorMetadata, SdkError};

use super::client::endpoint_of;
use crate::diag::{causes, Diagnostic};

/// What a failed call was trying to do, for the message: `DescribeCluster dev`.
pub struct Request<'a> {
    pub service: &'a str,
    pub operation: &'a str,
    pub target: &'a str,
}

/// The error code, when the service sent one.
pub fn code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<String> {
    match err {
        SdkError::ServiceError(e) => e.err().code().map(str::to_string),
        _ => None,
    }
}

/// The service's own message of an error, when the service answered.
pub fn message<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<String> {
    match err {
        SdkError::ServiceError(e) => e.err().message().map(str::to_string),
        _ => None,
    }
}

/// Turns an SDK error into a diagnostic that names the request and keeps the service's words;
/// an error without an answer (no connection, a timeout) names the endpoint and the causes.
pub fn describe<E, R>(req: Request<'_>, err: &SdkError<E, R>) -> Diagnostic
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let endpoint = || {
        endpoint_of(req.service).map_or_else(
            || format!("the {} endpoint", req.service),
            |url| format!("the {} endpoint {url}", req.service),
        )
    };
    let (code, message) = match err {
        SdkError::ServiceError(e) => (
            e.err().code().unwrap_or("UnknownError").to_string(),
            e.err().message().unwrap_or("(no message)").to_string(),
        ),
        SdkError::TimeoutError(_) => (
            "Timeout".to_string(),
            format!("no answer from {} in time", endpoint()),
        ),
        SdkError::DispatchFailure(_) => (
            "ConnectionFailed".to_string(),
            format!("could not reach {}: {}", endpoint(), causes(err)),
        ),
        _ => ("RequestFailed".to_string(), causes(err)),
    };
    let hint = match code.as_str() {
        "AccessDeniedException" | "UnauthorizedOperation" | "AccessDenied" => Some(
            "the credentials in use lack this permission; check the IAM policy of the role or user"
                .to_string(),
        ),
        "ConnectionFailed" | "Timeout" => Some(format!(
            "check the endpoint (endpoints {{ {} = … }} in the provider \"aws\" block, or AWS_ENDPOINT_URL), the region, the network and any proxy (HTTPS_PROXY)",
            req.service.to_ascii_lowercase()
        )),
        "ExpiredToken" | "ExpiredTokenException" => {
            Some("refresh the credentials (aws sso login, or new keys)".to_string())
        }
        _ => None,
    };
    let d = Diagnostic::error(format!("{} {} failed", req.service, req.operation)).detail(format!(
        "{} {} for {}: {code}: {message}",
        req.service, req.operation, req.target
    ));
    match hint {
        Some(h) => d.hint(h),
        None => d,
    }
}
