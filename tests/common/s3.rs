//! S3 and DynamoDB in the AWS emulator, for the state backend tests: the bucket and lock table
//! a team would create before `init`, and readers for what the `s3` backend leaves there.
//!
//! The clients are plain SDK clients on a runtime of their own, so sync tests can use them.

use std::collections::BTreeMap;
use std::future::Future;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};

use super::aws::AwsEmulator;

/// The bucket the tests keep state in.
pub const BUCKET: &str = "team-state";
/// The DynamoDB lock table, for `dynamodb_table` tests.
pub const TABLE: &str = "terraform-locks";

/// Runs one async SDK call to completion.
pub fn block_on<F: Future>(work: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the test's SDK calls")
        .block_on(work)
}

fn credentials() -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new("testing", "testing", None, None, "tests")
}

pub fn s3(emu: &AwsEmulator) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .endpoint_url(emu.url())
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

pub fn dynamodb(emu: &AwsEmulator) -> aws_sdk_dynamodb::Client {
    let conf = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .credentials_provider(credentials())
        .endpoint_url(emu.url())
        .build();
    aws_sdk_dynamodb::Client::from_conf(conf)
}

/// Creates the state bucket (the backend never creates it, nor does Terraform's).
pub fn create_bucket(emu: &AwsEmulator) {
    create_bucket_named(emu, BUCKET);
}

/// Creates a bucket, such as the one an example's backend names.
pub fn create_bucket_named(emu: &AwsEmulator, name: &str) {
    let client = s3(emu);
    block_on(client.create_bucket().bucket(name).send()).expect("create the bucket");
}

/// Creates the lock table with Terraform's key: `LockID`, a string.
pub fn create_lock_table(emu: &AwsEmulator) {
    let client = dynamodb(emu);
    block_on(
        client
            .create_table()
            .table_name(TABLE)
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("LockID")
                    .key_type(KeyType::Hash)
                    .build()
                    .expect("key schema"),
            )
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("LockID")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .expect("attribute definition"),
            )
            .billing_mode(BillingMode::PayPerRequest)
            .send(),
    )
    .expect("create the lock table");
}

/// An object's text, or `None` when there is no such object.
pub fn object(emu: &AwsEmulator, key: &str) -> Option<String> {
    let client = s3(emu);
    block_on(async {
        let out = client
            .get_object()
            .bucket(BUCKET)
            .key(key)
            .send()
            .await
            .ok()?;
        let bytes = out.body.collect().await.ok()?;
        Some(String::from_utf8_lossy(&bytes.into_bytes()).into_owned())
    })
}

/// An object's JSON, panicking when there is none.
#[track_caller]
pub fn object_json(emu: &AwsEmulator, key: &str) -> serde_json::Value {
    let text = object(emu, key).unwrap_or_else(|| panic!("no object {key}"));
    serde_json::from_str(&text).expect("the object is JSON")
}

/// Writes an object as it is (for tests that tamper with the bucket).
pub fn put_object(emu: &AwsEmulator, key: &str, text: &str) {
    let client = s3(emu);
    block_on(
        client
            .put_object()
            .bucket(BUCKET)
            .key(key)
            .body(text.as_bytes().to_vec().into())
            .send(),
    )
    .expect("put the object");
}

/// Every object key in the bucket, sorted.
pub fn keys(emu: &AwsEmulator) -> Vec<String> {
    let client = s3(emu);
    let out = block_on(client.list_objects_v2().bucket(BUCKET).send()).expect("list the bucket");
    let mut keys: Vec<String> = out
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    keys.sort();
    keys
}

/// A lock table item's string attributes, or `None` when there is no such item.
pub fn item(emu: &AwsEmulator, lock_id: &str) -> Option<BTreeMap<String, String>> {
    let client = dynamodb(emu);
    let out = block_on(
        client
            .get_item()
            .table_name(TABLE)
            .key("LockID", AttributeValue::S(lock_id.to_string()))
            .consistent_read(true)
            .send(),
    )
    .expect("get the item");
    out.item.map(|item| {
        item.into_iter()
            .filter_map(|(k, v)| v.as_s().ok().map(|s| (k, s.clone())))
            .collect()
    })
}

/// The emulator's environment as `run_env` takes it.
pub fn env_of(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}
