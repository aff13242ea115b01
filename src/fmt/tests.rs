//! Expected texts below were checked against `terraform fmt` (Terraform 1.11); where this
//! formatter deliberately goes further (collapsing blank lines, `{}` for empty blocks), the
//! expected text is still left unchanged by `terraform fmt -check`.

use super::*;

fn fmt(src: &str) -> String {
    match format_source(src) {
        Ok(out) => out,
        Err(err) => panic!("formatting failed: {err}\n--- input ---\n{src}"),
    }
}

/// Formats `src`, compares with `expected`, and checks that formatting again changes nothing.
#[track_caller]
fn assert_formats(src: &str, expected: &str) {
    let out = fmt(src);
    assert_eq!(out, expected);
    assert_eq!(fmt(&out), out, "formatting is not idempotent");
}

#[test]
fn aligns_equals_of_consecutive_attributes() {
    assert_formats(
        "resource \"aws_vpc\" \"main\" {\n  cidr_block=\"10.0.0.0/16\"\n  enable_dns_support   =  true\n  tags={}\n}\n",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block         = \"10.0.0.0/16\"\n  enable_dns_support = true\n  tags               = {}\n}\n",
    );
}

#[test]
fn blank_line_starts_a_new_alignment_group() {
    assert_formats(
        "locals {\n  a = 1\n  bbbb = 2\n\n  cc = 3\n  d = 4\n}\n",
        "locals {\n  a    = 1\n  bbbb = 2\n\n  cc = 3\n  d  = 4\n}\n",
    );
}

#[test]
fn nested_block_and_comment_line_start_new_alignment_groups() {
    assert_formats(
        concat!(
            "resource \"aws_eks_cluster\" \"main\" {\n",
            "  name = \"main\"\n",
            "  role_arn = aws_iam_role.cluster.arn\n",
            "  vpc_config {\n",
            "    subnet_ids = var.subnets\n",
            "    endpoint_private_access = true\n",
            "  }\n",
            "  version = \"1.29\"\n",
            "  # the log types the team reads\n",
            "  enabled_cluster_log_types = [\"api\"]\n",
            "}\n",
        ),
        concat!(
            "resource \"aws_eks_cluster\" \"main\" {\n",
            "  name     = \"main\"\n",
            "  role_arn = aws_iam_role.cluster.arn\n",
            "  vpc_config {\n",
            "    subnet_ids              = var.subnets\n",
            "    endpoint_private_access = true\n",
            "  }\n",
            "  version = \"1.29\"\n",
            "  # the log types the team reads\n",
            "  enabled_cluster_log_types = [\"api\"]\n",
            "}\n",
        ),
    );
}

#[test]
fn indents_nested_blocks_by_two_spaces() {
    assert_formats(
        "terraform {\nrequired_providers {\n        aws = {\nsource = \"hashicorp/aws\"\n  }\n }\n\t}\n",
        "terraform {\n  required_providers {\n    aws = {\n      source = \"hashicorp/aws\"\n    }\n  }\n}\n",
    );
}

#[test]
fn aligns_entries_of_multi_line_objects() {
    assert_formats(
        "locals {\n  tags = {\n    Name = \"eks\"\n    Environment = var.env\n    \"kubernetes.io/role/elb\" = 1\n  }\n}\n",
        "locals {\n  tags = {\n    Name                     = \"eks\"\n    Environment              = var.env\n    \"kubernetes.io/role/elb\" = 1\n  }\n}\n",
    );
}

#[test]
fn indents_multi_line_calls_arrays_and_objects() {
    assert_formats(
        concat!(
            "locals {\n",
            "policy = jsonencode({\n",
            "Version = \"2012-10-17\"\n",
            "Statement = [{\n",
            "Action = [\"eks:*\"]\n",
            "}]\n",
            "})\n",
            "subnets = concat(\n",
            "var.private,\n",
            "var.public,\n",
            ")\n",
            "}\n",
        ),
        concat!(
            "locals {\n",
            "  policy = jsonencode({\n",
            "    Version = \"2012-10-17\"\n",
            "    Statement = [{\n",
            "      Action = [\"eks:*\"]\n",
            "    }]\n",
            "  })\n",
            "  subnets = concat(\n",
            "    var.private,\n",
            "    var.public,\n",
            "  )\n",
            "}\n",
        ),
    );
}

#[test]
fn normalises_spaces_between_tokens() {
    assert_formats(
        concat!(
            "locals {\n",
            "  a = [ 1,2 , 3 ]\n",
            "  b = max( 1 , -2 )\n",
            "  c = var.x==1?\"a\":\"b\"\n",
            "  d = {for k,v in var.m: k=>v if !v.skip}\n",
            "  e = var.list[0].ids[*]\n",
            "  f = (1+2)*-3\n",
            "  g = provider::aws::arn_parse( var.arn )\n",
            "  h = concat(var.lists ...)\n",
            "  i = [for x in[1,2]: x]\n",
            "  j = 10%3\n",
            "}\n",
        ),
        concat!(
            "locals {\n",
            "  a = [1, 2, 3]\n",
            "  b = max(1, -2)\n",
            "  c = var.x == 1 ? \"a\" : \"b\"\n",
            "  d = { for k, v in var.m : k => v if !v.skip }\n",
            "  e = var.list[0].ids[*]\n",
            "  f = (1 + 2) * -3\n",
            "  g = provider::aws::arn_parse(var.arn)\n",
            "  h = concat(var.lists...)\n",
            "  i = [for x in [1, 2] : x]\n",
            "  j = 10 % 3\n",
            "}\n",
        ),
    );
}

#[test]
fn quotes_labels_and_writes_empty_blocks_as_braces() {
    assert_formats(
        "resource  aws_instance   web {\n}\ndata \"aws_caller_identity\" \"current\" {\n\n}\nlocals {\n  empty = {\n  }\n}\n",
        "resource \"aws_instance\" \"web\" {}\ndata \"aws_caller_identity\" \"current\" {}\nlocals {\n  empty = {}\n}\n",
    );
}

#[test]
fn keeps_single_line_blocks() {
    assert_formats(
        "resource \"x\" \"y\" {\n  timeouts {   create = \"30m\"   }\n}\n",
        "resource \"x\" \"y\" {\n  timeouts { create = \"30m\" }\n}\n",
    );
}

#[test]
fn preserves_comments_and_aligns_trailing_ones() {
    assert_formats(
        concat!(
            "# hash comment\n",
            "// slash comment stays as it is\n",
            "/* block\n",
            "   comment */\n",
            "variable \"x\" {\n",
            "type = string # the type\n",
            "default = \"abc\" // the default\n",
            "    # misindented comment\n",
            "  description = \"d\" /* inline */\n",
            "}\n",
        ),
        concat!(
            "# hash comment\n",
            "// slash comment stays as it is\n",
            "/* block\n",
            "   comment */\n",
            "variable \"x\" {\n",
            "  type    = string # the type\n",
            "  default = \"abc\"  // the default\n",
            "  # misindented comment\n",
            "  description = \"d\" /* inline */\n",
            "}\n",
        ),
    );
}

#[test]
fn leaves_heredocs_untouched() {
    let heredoc = concat!(
        "<<EOT\n",
        "{\n",
        "    \"Statement\": [${ var.statement }]   \n",
        "\n",
        "\n",
        "}\n",
        "EOT\n",
    );
    let indented = "<<-EOT\n      echo ${var.name}\n    EOT\n";
    let src = format!(
        "resource \"x\" \"y\" {{\n    policy = {heredoc}      a = 1\nscript = {indented}}}\n"
    );
    let expected = format!(
        "resource \"x\" \"y\" {{\n  policy = {heredoc}  a      = 1\n  script = {indented}}}\n"
    );
    assert_formats(&src, &expected);
}

#[test]
fn leaves_string_templates_alone() {
    let src =
        "locals {\n  a = \"${var.x}\"\n  b = \"%{ if var.y }yes%{ endif } { not code }\"\n}\n";
    assert_formats(src, src);
}

#[test]
fn tidies_blank_lines_trailing_whitespace_and_the_end_of_file() {
    assert_formats(
        "\n\nlocals {   \n\n  a = 1  \n\n\n\n  b = 2\n\n}\n\n\n\nlocals {\n  c = [\n\n    1,\n\n  ]\n}",
        "locals {\n  a = 1\n\n  b = 2\n}\n\nlocals {\n  c = [\n    1,\n  ]\n}\n",
    );
}

#[test]
fn eks_cluster_file_matches_terraform_fmt_and_is_idempotent() {
    let src = include_str!("../../tests/fixtures/fmt/eks_cluster.tf");
    let expected = include_str!("../../tests/fixtures/fmt/eks_cluster.formatted.tf");
    assert_formats(src, expected);
}

#[test]
fn already_canonical_file_is_unchanged() {
    let canonical = include_str!("../../tests/fixtures/fmt/eks_cluster.formatted.tf");
    assert_eq!(fmt(canonical), canonical);
}

#[test]
fn crlf_input_becomes_lf() {
    assert_formats(
        "locals {\r\n  a = 1\r\n  policy = <<EOT\r\nline\r\nEOT\r\n}\r\n",
        "locals {\n  a      = 1\n  policy = <<EOT\nline\nEOT\n}\n",
    );
}

#[test]
fn byte_order_mark_is_dropped() {
    assert_formats("\u{feff}a=1\n", "a = 1\n");
}

#[test]
fn empty_input_stays_empty() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n  \n"), "");
}

#[test]
fn parse_error_reports_line_and_column() {
    let err = format_source("locals {\n  a = 1\n  b = = 2\n}\n").unwrap_err();
    let FormatError::Parse {
        line,
        column,
        message,
        ..
    } = &err
    else {
        panic!("expected a parse error, got {err:?}");
    };
    assert_eq!((*line, *column), (3, 7));
    assert!(!message.is_empty());
    assert!(err.to_string().starts_with("line 3, column 7: "), "{err}");
}

#[test]
fn parse_error_after_byte_order_mark_keeps_file_offset() {
    let err = format_source("\u{feff}a = \n").unwrap_err();
    assert!(
        matches!(err, FormatError::Parse { line: 1, offset, .. } if offset >= 3),
        "{err:?}"
    );
}

/// Every prefix of a realistic file is formatted without panicking, and whatever formats is
/// stable under a second pass.
#[test]
fn never_panics_on_truncated_input() {
    let src = include_str!("../../tests/fixtures/fmt/eks_cluster.tf");
    for (end, _) in src.char_indices().step_by(7) {
        if let Ok(out) = format_source(&src[..end]) {
            assert_eq!(fmt(&out), out, "not idempotent for a prefix of {end} bytes");
        }
    }
}

#[test]
fn meaning_check_accepts_quoted_labels_and_names_what_changed() {
    assert_eq!(
        verify::same_meaning(
            "resource aws_vpc main {}\n",
            "resource \"aws_vpc\" \"main\" {}\n"
        ),
        Ok(())
    );
    let err = verify::same_meaning(
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/8\"\n}\n",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("formatting would change the meaning of resource \"aws_vpc\" \"main\""),
        "{err}"
    );
    let err = verify::same_meaning("a = 1\n", "a = [\n").unwrap_err();
    assert!(
        matches!(err, FormatError::WouldChangeMeaning { .. }),
        "{err:?}"
    );
}

#[test]
fn unified_diff_names_old_and_new_paths() {
    let diff = unified_diff("main.tf", "a=1\n", "a = 1\n");
    assert_eq!(
        diff,
        "--- old/main.tf\n+++ new/main.tf\n@@ -1 +1 @@\n-a=1\n+a = 1\n"
    );
    assert_eq!(unified_diff("main.tf", "a = 1\n", "a = 1\n"), "");
}
