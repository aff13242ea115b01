//! An error and its sources in words, for messages: never the `Debug` dump some error
//! wrappers (the AWS SDK's `DisplayErrorContext`) append.

/// `outer: inner: root`, each distinct piece once (some layers repeat their source's text).
pub fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    causes_shown(err, |_| true)
}

/// [`causes`], leaving out the layers `shown` rejects (those whose text would dump headers or
/// bodies); their sources are still followed.
pub fn causes_shown(
    err: &(dyn std::error::Error + 'static),
    shown: impl Fn(&(dyn std::error::Error + 'static)) -> bool,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        if shown(e) {
            let text = e.to_string();
            if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
                parts.push(text);
            }
        }
        next = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("dispatch failure")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn joins_the_chain_without_debug_text() {
        let err = Outer(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "Connection refused (os error 111)",
        ));
        assert_eq!(
            causes(&err),
            "dispatch failure: Connection refused (os error 111)"
        );
    }
}
