//! One PDF typeset with typst: the theme's template as the main file, the document's body and
//! data as in-memory files beside it, and nothing else (no file system, no packages, no clock),
//! so the same input gives the same bytes.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use super::fonts::FontSet;

/// The files a PDF is made of; the same four paths for every document.
pub struct Files {
    /// `/main.typ`: the theme's `pack.typ` or `leaflet.typ`.
    pub main: String,
    /// `/lib.typ`: the theme's shared functions (the shortcodes' PDF versions).
    pub lib: String,
    /// `/body.typ`: the document's Markdown as typst markup.
    pub body: String,
    /// `/data.json`: everything else the template shows.
    pub data: String,
}

fn id(path: &str) -> FileId {
    // Paths are fixed literals, so this cannot fail; a typst that refused them would fail
    // every PDF with "file not found", not panic.
    match VirtualPath::new(path) {
        Ok(v) => RootedPath::new(VirtualRoot::Project, v).intern(),
        Err(_) => FileId::new(RootedPath::new(
            VirtualRoot::Project,
            VirtualPath::new("/invalid").unwrap_or_else(|_| unreachable!()),
        )),
    }
}

static IDS: LazyLock<[FileId; 4]> = LazyLock::new(|| {
    [
        id("/main.typ"),
        id("/lib.typ"),
        id("/body.typ"),
        id("/data.json"),
    ]
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

struct DocWorld<'a> {
    fonts: &'a FontSet,
    sources: [Source; 3],
    data: Bytes,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        IDS[0]
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == IDS[3] {
            return Ok(self.data.clone());
        }
        self.source(id)
            .map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // No clock: a template that asks for today's date gets an error, not a PDF that
        // differs from day to day.
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

/// A typeset PDF.
pub struct Typeset {
    /// The file.
    pub bytes: Vec<u8>,
    /// Its number of pages.
    pub pages: usize,
}

/// A typst error, placed in one of the four files.
pub struct TypstError {
    /// Which file: `main.typ`, `lib.typ`, `body.typ` or `data.json` (empty when unknown).
    pub file: String,
    /// 1-based line in that file, 0 when unknown.
    pub line: usize,
    /// What typst said, with its hints.
    pub message: String,
}

/// Typesets `files` with `fonts`; `ident` names the document stably for the PDF's identifier.
pub fn typeset(files: Files, fonts: &FontSet, ident: &str) -> Result<Typeset, Vec<TypstError>> {
    let world = DocWorld {
        fonts,
        sources: [
            Source::new(IDS[0], files.main),
            Source::new(IDS[1], files.lib),
            Source::new(IDS[2], files.body),
        ],
        data: Bytes::from_string(files.data),
    };
    let doc: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errors| errors.iter().map(|e| place(&world, e)).collect::<Vec<_>>())?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("hubgen {}", env!("CARGO_PKG_VERSION")))),
        ..Default::default()
    };
    let bytes = typst_pdf::pdf(&doc, &options)
        .map_err(|errors| errors.iter().map(|e| place(&world, e)).collect::<Vec<_>>())?;
    Ok(Typeset {
        bytes,
        pages: doc.pages().len(),
    })
}

fn place(world: &DocWorld<'_>, e: &SourceDiagnostic) -> TypstError {
    let mut message = e.message.to_string();
    for h in &e.hints {
        message.push_str("; hint: ");
        message.push_str(&h.v);
    }
    let (file, line) = match e.span.id() {
        Some(id) => {
            let name = id.vpath().get_without_slash().to_string();
            let line = world
                .source(id)
                .ok()
                .and_then(|s| {
                    let r = world.range(e.span)?;
                    s.lines().byte_to_line(r.start)
                })
                .map_or(0, |l| l + 1);
            (name, line)
        }
        None => (String::new(), 0),
    };
    TypstError {
        file,
        line,
        message,
    }
}
