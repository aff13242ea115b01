use super::render;
use crate::value::Value;

fn s(v: &str) -> Value {
    Value::from(v)
}

fn set(items: &[&str]) -> Value {
    Value::set(items.iter().map(|i| s(i)).collect())
}

fn json(config: Value) -> String {
    let out = render(&config).expect("renders");
    out.get("json").and_then(Value::as_str).unwrap().to_string()
}

fn trust(service: &str) -> Value {
    Value::object([(
        "statement",
        Value::List(vec![Value::object([
            ("actions", set(&["sts:AssumeRole"])),
            (
                "principals",
                Value::set(vec![Value::object([
                    ("type", s("Service")),
                    ("identifiers", set(&[service])),
                ])]),
            ),
        ])]),
    )])
}

#[test]
fn an_eks_trust_policy_renders_as_the_aws_provider_renders_it() {
    assert_eq!(
        json(trust("eks.amazonaws.com")),
        r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "Service": "eks.amazonaws.com"
      }
    }
  ]
}"#
    );
}

#[test]
fn lists_are_sorted_then_reversed_and_principals_keyed_by_type() {
    let config = Value::object([(
        "statement",
        Value::List(vec![Value::object([
            ("sid", s("Logs")),
            (
                "actions",
                set(&[
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:CreateLogGroup",
                ]),
            ),
            (
                "resources",
                set(&["arn:aws:logs:*:*:log-group:/aws/eks/&{aws:username}"]),
            ),
            (
                "principals",
                Value::set(vec![
                    Value::object([
                        ("type", s("AWS")),
                        (
                            "identifiers",
                            set(&["arn:aws:iam::1:root", "arn:aws:iam::2:root"]),
                        ),
                    ]),
                    Value::object([
                        ("type", s("Service")),
                        ("identifiers", set(&["ec2.amazonaws.com"])),
                    ]),
                ]),
            ),
            (
                "condition",
                Value::set(vec![Value::object([
                    ("test", s("StringEquals")),
                    ("variable", s("aws:SourceAccount")),
                    ("values", Value::List(vec![s("2"), s("1")])),
                ])]),
            ),
        ])]),
    )]);
    let out = render(&config).unwrap();
    assert_eq!(
        out.get("minified_json").and_then(Value::as_str).unwrap(),
        concat!(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow","#,
            r#""Action":["logs:PutLogEvents","logs:CreateLogStream","logs:CreateLogGroup"],"#,
            r#""Resource":"arn:aws:logs:*:*:log-group:/aws/eks/${aws:username}","#,
            r#""Principal":{"AWS":["arn:aws:iam::2:root","arn:aws:iam::1:root"],"Service":"ec2.amazonaws.com"},"#,
            r#""Condition":{"StringEquals":{"aws:SourceAccount":["2","1"]}}}]}"#
        )
    );
    // The id is a checksum of the JSON, so equal documents have equal ids.
    assert_eq!(out.get("id"), render(&config).unwrap().get("id"));
}

#[test]
fn everyone_is_a_bare_star_but_an_aws_star_stays_an_object() {
    let with = |t: &str| {
        Value::object([(
            "statement",
            Value::List(vec![Value::object([
                ("actions", set(&["s3:GetObject"])),
                (
                    "principals",
                    Value::set(vec![Value::object([
                        ("type", s(t)),
                        ("identifiers", set(&["*"])),
                    ])]),
                ),
            ])]),
        )])
    };
    assert!(json(with("*")).contains(r#""Principal": "*""#));
    assert!(json(with("AWS")).contains("\"Principal\": {\n        \"AWS\": \"*\"\n      }"));
}

#[test]
fn overrides_replace_statements_with_the_same_sid_and_sources_come_first() {
    let mut config = trust("eks.amazonaws.com");
    if let Value::Object(m) = &mut config {
        m.insert(
            "source_policy_documents".into(),
            Value::List(vec![s(r#"{"Statement":[{"Sid":"Base","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#)]),
        );
        m.insert(
            "override_policy_documents".into(),
            Value::List(vec![s(
                r#"{"Statement":{"Sid":"Base","Effect":"Deny","Action":["s3:*"],"Resource":"*"}}"#,
            )]),
        );
    }
    let text = json(config);
    let base = text.find("\"Sid\": \"Base\"").expect("the Base statement");
    let trust = text.find("sts:AssumeRole").expect("the trust statement");
    assert!(base < trust, "{text}");
    assert!(
        text.contains("\"Effect\": \"Deny\",\n      \"Action\": [\n        \"s3:*\"\n      ]"),
        "{text}"
    );
    assert!(!text.contains("s3:ListBucket"), "{text}");
}

#[test]
fn go_escapes_angle_brackets_and_ampersands() {
    let config = Value::object([(
        "statement",
        Value::List(vec![Value::object([("actions", set(&["a<b>&c"]))])]),
    )]);
    assert!(json(config).contains(r#""Action": "a\u003cb\u003e\u0026c""#));
}

#[test]
fn bad_documents_are_refused_with_the_reason() {
    let bad = |config: Value| render(&config).unwrap_err().detail.unwrap_or_default();
    assert!(bad(Value::object([("version", s("2010-01-01"))])).contains("2012-10-17"));
    let dup = Value::object([(
        "statement",
        Value::List(vec![
            Value::object([("sid", s("A")), ("actions", set(&["x:Y"]))]),
            Value::object([("sid", s("A")), ("actions", set(&["x:Z"]))]),
        ]),
    )]);
    assert!(bad(dup).contains("two statements have the Sid A"));
    let old = Value::object([
        ("version", s("2008-10-17")),
        (
            "statement",
            Value::List(vec![Value::object([(
                "resources",
                set(&["arn:&{aws:username}"]),
            )])]),
        ),
    ]);
    assert!(bad(old).contains("2008-10-17"));
}
