//! Splits HCL source into the tokens the formatter moves around.
//!
//! The token kinds follow `hclsyntax` (the lexer behind `terraform fmt`) closely enough for its
//! spacing rules to apply, with one deliberate simplification: a quoted string (interpolations
//! included) and a heredoc (opening marker through closing marker) are each one opaque token, so
//! nothing inside a template is ever touched. The lexer never fails: text it does not recognise
//! becomes an [`Kind::Other`] token kept verbatim, and the caller verifies the result by parsing.

/// What a token is, as far as layout is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Newline,
    /// `# …` or `// …`, without the line break that ends it.
    LineComment,
    /// `/* … */`, possibly spanning lines.
    BlockComment,
    Ident,
    Number,
    /// A whole quoted template, `"…"`, interpolations and all.
    Str,
    /// A whole heredoc, from `<<EOT` through the closing `EOT`.
    Heredoc,
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    Comma,
    Dot,
    Ellipsis,
    Colon,
    DoubleColon,
    Question,
    Equal,
    FatArrow,
    EqualOp,
    NotEqual,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Bang,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Other,
}

impl Kind {
    /// +1 for an opening bracket, -1 for a closing one, as `hclwrite` counts them.
    pub(super) fn bracket_change(self) -> i32 {
        match self {
            Kind::OBrace | Kind::OBrack | Kind::OParen => 1,
            Kind::CBrace | Kind::CBrack | Kind::CParen => -1,
            _ => 0,
        }
    }
}

/// One token and the spaces the layout decided to put before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Kind,
    pub text: String,
    pub spaces_before: usize,
}

impl Token {
    pub(super) fn new(kind: Kind, text: impl Into<String>) -> Token {
        Token {
            kind,
            text: text.into(),
            spaces_before: 0,
        }
    }
}

/// Tokenises `src` (already `\n`-normalised). Whitespace between tokens is dropped.
pub(super) fn lex(src: &str) -> Vec<Token> {
    let mut lexer = Lexer { src, pos: 0 };
    let mut tokens = Vec::new();
    while let Some(token) = lexer.next_token() {
        tokens.push(token);
    }
    tokens
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

/// Punctuation, longest first so that `...` wins over `.` and `==` over `=`.
const PUNCTUATION: &[(&str, Kind)] = &[
    ("...", Kind::Ellipsis),
    ("=>", Kind::FatArrow),
    ("==", Kind::EqualOp),
    ("!=", Kind::NotEqual),
    ("<=", Kind::Le),
    (">=", Kind::Ge),
    ("&&", Kind::And),
    ("||", Kind::Or),
    ("::", Kind::DoubleColon),
    ("{", Kind::OBrace),
    ("}", Kind::CBrace),
    ("[", Kind::OBrack),
    ("]", Kind::CBrack),
    ("(", Kind::OParen),
    (")", Kind::CParen),
    (",", Kind::Comma),
    (".", Kind::Dot),
    (":", Kind::Colon),
    ("?", Kind::Question),
    ("=", Kind::Equal),
    ("<", Kind::Lt),
    (">", Kind::Gt),
    ("!", Kind::Bang),
    ("+", Kind::Plus),
    ("-", Kind::Minus),
    ("*", Kind::Star),
    ("/", Kind::Slash),
    ("%", Kind::Percent),
];

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn take(&mut self, kind: Kind, len: usize) -> Token {
        let start = self.pos;
        self.pos += len;
        Token::new(kind, &self.src[start..self.pos])
    }

    fn next_token(&mut self) -> Option<Token> {
        let skipped = self
            .rest()
            .find(|c: char| !matches!(c, ' ' | '\t' | '\r'))
            .unwrap_or(self.rest().len());
        self.pos += skipped;
        let rest = self.rest();
        let first = rest.chars().next()?;
        let token = if first == '\n' {
            self.take(Kind::Newline, 1)
        } else if first == '#' || rest.starts_with("//") {
            let len = rest.find('\n').unwrap_or(rest.len());
            let mut token = self.take(Kind::LineComment, len);
            token.text.truncate(token.text.trim_end().len());
            token
        } else if let Some(body) = rest.strip_prefix("/*") {
            let len = body.find("*/").map_or(rest.len(), |end| end + 4);
            let mut token = self.take(Kind::BlockComment, len);
            token.text = trim_line_ends(&token.text);
            token
        } else if first == '"' {
            let len = quoted_len(rest);
            self.take(Kind::Str, len)
        } else if let Some(token) = self.heredoc() {
            token
        } else if is_ident_start(first) {
            let len = rest
                .find(|c: char| !is_ident_continue(c))
                .unwrap_or(rest.len());
            self.take(Kind::Ident, len)
        } else if first.is_ascii_digit() {
            let len = number_len(rest);
            self.take(Kind::Number, len)
        } else if let Some(&(text, kind)) = PUNCTUATION.iter().find(|(p, _)| rest.starts_with(p)) {
            self.take(kind, text.len())
        } else {
            self.take(Kind::Other, first.len_utf8())
        };
        Some(token)
    }

    /// A heredoc starting here, as one token from `<<EOT` (or `<<-EOT`) through the closing
    /// marker; `None` if this is not the start of a heredoc. As in hcl-edit, the marker closes
    /// the heredoc when it starts a line (after spaces or tabs) and is not followed by more
    /// identifier characters; anything after it on that line is lexed as usual.
    fn heredoc(&mut self) -> Option<Token> {
        let rest = self.rest();
        let after_arrows = rest.strip_prefix("<<")?;
        let after_dash = after_arrows.strip_prefix('-').unwrap_or(after_arrows);
        let marker_len = after_dash.find(|c: char| !is_ident_continue(c))?;
        let marker = &after_dash[..marker_len];
        if !marker.starts_with(is_ident_start) || !after_dash[marker_len..].starts_with('\n') {
            return None;
        }
        let mut line_start = rest.len() - after_dash.len() + marker_len + 1;
        let len = loop {
            let line = &rest[line_start..];
            let line = &line[..line.find('\n').unwrap_or(line.len())];
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            let closes = line[indent..]
                .strip_prefix(marker)
                .is_some_and(|after| !after.starts_with(is_ident_continue));
            if closes {
                break line_start + indent + marker.len();
            }
            if line_start + line.len() >= rest.len() {
                break rest.len();
            }
            line_start += line.len() + 1;
        };
        Some(self.take(Kind::Heredoc, len))
    }
}

/// HCL identifiers: a letter or `_`, then letters, digits, `_` and `-`.
fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Length of a number literal: digits, an optional fraction, an optional exponent.
fn number_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let digits_from = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut end = digits_from(0);
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits_from(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        if bytes.get(end + 1 + sign).is_some_and(u8::is_ascii_digit) {
            end = digits_from(end + 1 + sign);
        }
    }
    end
}

/// Length of the quoted template starting at `s[0] == '"'`, up to and including the closing
/// quote (or the end of input if it never closes).
fn quoted_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\\' => i += 2,
            b'$' | b'%'
                if bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&b'{') =>
            {
                i += 3
            }
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => i = interpolation_end(s, i + 2),
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Index just past the `}` closing an interpolation or directive whose body starts at `from`.
fn interpolation_end(s: &str, from: usize) -> usize {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i += quoted_len(&s[i..]),
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return i + 1,
            b'}' => {
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Removes whitespace at the end of every line of a multi-line comment.
fn trim_line_ends(text: &str) -> String {
    text.split('\n')
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}
