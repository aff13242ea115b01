//! The source files of a run, and spans into them.

use std::sync::Arc;

/// Index of a file in the [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Span {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

struct SourceFile {
    /// The path as the user should see it, relative to the working directory.
    name: String,
    text: Arc<str>,
    /// Byte offsets where each line starts.
    line_starts: Vec<usize>,
}

/// All files read in a run. Cheap to clone.
#[derive(Clone, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl std::fmt::Debug for SourceMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.files.iter().map(|s| &s.name))
            .finish()
    }
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.files.push(Arc::new(SourceFile {
            name: name.into(),
            text,
            line_starts,
        }));
        FileId(self.files.len() as u32 - 1)
    }

    pub fn name(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].name
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].text
    }

    /// Every file, in the order added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &str, &str)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f.name.as_str(), &*f.text))
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let file = &self.files[id.0 as usize];
        let line = file.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = file.line_starts[line];
        let end = offset.min(file.text.len());
        let col = file.text.get(start..end).map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The text of a one-based line, without its line ending.
    pub fn line_text(&self, id: FileId, line: usize) -> &str {
        let file = &self.files[id.0 as usize];
        let start = file.line_starts[line - 1];
        let end = file
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(file.text.len());
        file.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        let text = self.text(span.file);
        text.get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// `file:line:col` of a span's start.
    pub fn location(&self, span: Span) -> String {
        let (line, col) = self.line_col(span.file, span.start as usize);
        format!("{}:{line}:{col}", self.name(span.file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let mut map = SourceMap::new();
        let id = map.add("main.tf", "a = 1\nbb = 2\n");
        assert_eq!(map.line_col(id, 0), (1, 1));
        assert_eq!(map.line_col(id, 7), (2, 2));
        assert_eq!(map.line_text(id, 2), "bb = 2");
        assert_eq!(map.location(Span::new(id, 6..8)), "main.tf:2:1");
    }
}
