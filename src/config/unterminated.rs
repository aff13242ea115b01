//! Finding a quoted string that never closes. The HCL parser reports such a string where it
//! gave up — often the start of the attribute or the next line — so the syntax error would
//! point away from the mistake. A quoted string cannot span lines in HCL, so a line that ends
//! inside one has found it.

/// The byte offset of the opening quote of the first string left open at the end of its line,
/// skipping comments and heredocs.
pub fn find(text: &str) -> Option<usize> {
    let mut offset = 0;
    let mut heredoc: Option<String> = None;
    let mut block_comment = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(tag) = &heredoc {
            if content.trim() == tag {
                heredoc = None;
            }
            continue;
        }
        let bytes = content.as_bytes();
        let mut i = 0;
        let mut open: Option<usize> = None;
        while i < bytes.len() {
            let c = bytes[i];
            if block_comment {
                if bytes[i..].starts_with(b"*/") {
                    block_comment = false;
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            match (open, c) {
                (Some(_), b'\\') => i += 1,
                (Some(_), b'"') => open = None,
                (None, b'"') => open = Some(i),
                (None, b'#') => break,
                (None, b'/') if bytes.get(i + 1) == Some(&b'/') => break,
                (None, b'/') if bytes.get(i + 1) == Some(&b'*') => {
                    block_comment = true;
                    i += 1;
                }
                (None, b'<') if bytes[i..].starts_with(b"<<") => {
                    let tag = content[i + 2..].trim_start_matches('-').trim();
                    if !tag.is_empty() && tag.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        heredoc = Some(tag.to_string());
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        if let Some(q) = open {
            return Some(start + q);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_the_quote_that_never_closes() {
        let text = "resource \"a\" \"b\" {\n  input = \"x\n}\n";
        assert_eq!(find(text), Some(text.find("\"x").unwrap()));
    }

    #[test]
    fn closed_strings_comments_escapes_and_heredocs_are_fine() {
        let ok = [
            "a = \"x\"\n",
            "a = \"say \\\"hi\\\"\"\n",
            "a = \"${f(\"b\")}\"\n",
            "# a \"quote\n",
            "// a \"quote\n",
            "/* a \"quote\n still */ b = 1\n",
            "a = <<EOT\nan \"odd quote\nEOT\n",
            "a = <<-EOT\n  an \"odd quote\n  EOT\n",
        ];
        for text in ok {
            assert_eq!(find(text), None, "{text}");
        }
    }
}
