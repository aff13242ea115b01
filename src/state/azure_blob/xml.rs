//! Reading the Blob service's XML: an error's `<Code>` and `<Message>`, and the blob names
//! and continuation marker of a List Blobs answer
//! (<https://learn.microsoft.com/rest/api/storageservices/list-blobs>).
//!
//! The answers are small and their shape fixed, so elements are found by name rather than
//! with an XML parser; entities and List Blobs' percent-encoded names are decoded.

/// The text of the first `<tag>` element (attributes allowed), unescaped.
pub(super) fn xml_text(xml: &str, tag: &str) -> Option<String> {
    xml_elements(xml, tag).into_iter().next()
}

/// The texts of every `<tag>` element in `xml`, unescaped; an `Encoded="true"` element is
/// also percent-decoded (List Blobs encodes names XML cannot carry).
fn xml_elements(xml: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        // `<Name>` or `<Name Encoded="true">`, but not `<NameSomethingElse>`.
        if !after.starts_with('>') && !after.starts_with(' ') && !after.starts_with("/>") {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        let attributes = &after[..gt];
        if attributes.ends_with('/') {
            out.push(String::new());
            rest = &after[gt + 1..];
            continue;
        }
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        let text = unescape_xml(&body[..end]);
        out.push(if attributes.contains("Encoded=\"true\"") {
            percent_decode(&text)
        } else {
            text
        });
        rest = &body[end + close.len()..];
    }
    out
}

/// Blob names and the continuation marker of a List Blobs answer.
pub(super) fn listed_blobs(xml: &str) -> (Vec<String>, Option<String>) {
    let blobs = xml
        .find("<Blobs>")
        .map(|i| &xml[i..])
        .map(|section| xml_elements(section, "Name"))
        .unwrap_or_default();
    let marker = xml_text(xml, "NextMarker").filter(|m| !m.is_empty());
    (blobs, marker)
}

fn unescape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let entity_end = rest[amp..].find(';').map(|i| amp + i);
        let replacement = entity_end.and_then(|end| {
            let entity = &rest[amp + 1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    let number = entity.strip_prefix('#')?;
                    let code = match number.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            };
            c.map(|c| (c, end))
        });
        match replacement {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[amp + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_blobs_answer() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults \
            ServiceEndpoint=\"http://127.0.0.1/acct\" ContainerName=\"tfstate\"><Prefix>dev</Prefix>\
            <Blobs><Blob><Name>dev.tfstate</Name><Properties><Etag>0x1</Etag></Properties></Blob>\
            <Blob><Name>dev.tfstateenv:a&amp;b</Name></Blob>\
            <Blob><Name Encoded=\"true\">dev.tfstateenv%3Ax%01</Name></Blob></Blobs>\
            <NextMarker>2!dev</NextMarker></EnumerationResults>";
        let (names, marker) = listed_blobs(xml);
        assert_eq!(
            names,
            ["dev.tfstate", "dev.tfstateenv:a&b", "dev.tfstateenv:x\u{1}"]
        );
        assert_eq!(marker.as_deref(), Some("2!dev"));

        let (names, marker) =
            listed_blobs("<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>");
        assert!(names.is_empty());
        assert_eq!(marker, None);
    }

    #[test]
    fn entities_percent_escapes_and_similar_tags() {
        assert_eq!(
            unescape_xml("a&lt;b&gt;&#65;&#x42;&bogus;&"),
            "a<b>AB&bogus;&"
        );
        assert_eq!(percent_decode("a%3Ab%zz%4"), "a:b%zz%4");
        assert_eq!(
            xml_text("<Error><CodeX>1</CodeX><Code>Two</Code></Error>", "Code").as_deref(),
            Some("Two")
        );
    }
}
