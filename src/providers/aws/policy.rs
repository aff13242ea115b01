//! IAM policy documents as IAM reads them: two documents are the same policy when they differ
//! only in key order, whitespace, or a one-element list written as its element (IAM treats
//! `"Action": "s3:GetObject"` and `"Action": ["s3:GetObject"]` alike), and in the order of
//! list items. IAM returns documents URL-encoded.

use serde_json::Value as Json;

/// Whether two policy documents grant the same; documents that are not JSON compare as text.
pub fn equivalent(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Json>(a),
        serde_json::from_str::<Json>(b),
    ) {
        (Ok(a), Ok(b)) => canonical(&a) == canonical(&b),
        _ => a == b,
    }
}

/// `a` with objects in key order (serde_json's map is sorted), one-element lists unwrapped and
/// longer lists sorted.
fn canonical(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), canonical(v))).collect()),
        Json::Array(items) if items.len() == 1 => canonical(&items[0]),
        Json::Array(items) => {
            let mut items: Vec<Json> = items.iter().map(canonical).collect();
            items.sort_by_key(Json::to_string);
            Json::Array(items)
        }
        other => other.clone(),
    }
}

/// A URL-encoded document decoded as Go's `url.QueryUnescape` does (`+` is a space); text
/// that is not valid encoding is returned as it is.
pub fn url_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => return s.to_string(),
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::{equivalent, url_decoded};

    #[test]
    fn the_same_policy_in_other_words_is_equivalent() {
        let a = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        let b = "{\n  \"Statement\": {\"Action\": [\"sts:AssumeRole\"], \"Effect\": \"Allow\",\n \"Principal\": {\"Service\": [\"eks.amazonaws.com\"]}},\n  \"Version\": \"2012-10-17\"\n}";
        assert!(equivalent(a, b));
        assert!(!equivalent(a, &a.replace("eks.amazonaws", "ec2.amazonaws")));
        assert!(equivalent(r#"{"A":["x","y"]}"#, r#"{"A":["y","x"]}"#));
    }

    #[test]
    fn iam_documents_are_url_decoded() {
        assert_eq!(
            url_decoded("%7B%22Version%22%3A+%222012-10-17%22%7D"),
            r#"{"Version": "2012-10-17"}"#
        );
        assert_eq!(url_decoded(r#"{"a": 1}"#), r#"{"a": 1}"#);
        assert_eq!(url_decoded("100%"), "100%");
    }
}
