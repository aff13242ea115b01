//! Finding what an interrupted create made on EC2, whose objects get IDs of their own: the
//! only trace of the attempt is the creation mark it tagged the object with
//! (`clusterform:creation-id`). What is found is the attempt's own, never another's.

use aws_sdk_ec2::types::Filter;

use crate::providers::{Creation, CREATION_TAG};

/// The EC2 filter that matches objects tagged with `creation`'s mark.
pub fn filter(creation: &Creation) -> Filter {
    Filter::builder()
        .name(format!("tag:{CREATION_TAG}"))
        .values(&creation.id)
        .build()
}

/// What a lookup by mark names in errors.
pub fn target(creation: &Creation) -> String {
    format!("{CREATION_TAG}={}", creation.id)
}
