//! Diagnostics: every problem found in a spec set, each with where and a hint.

use std::fmt;

use crate::json;
use crate::spec::{Loc, Source};

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path of the spec file as given to the loader.
    pub file: String,
    /// 1-based line of the offending value (0 when unknown).
    pub line: usize,
    /// 1-based column of the offending value (0 when unknown).
    pub column: usize,
    /// JSON pointer of the offending value (RFC 6901), `""` for the whole document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
    /// Which rule the spec breaks, for programs that act on diagnostics (the message is
    /// for people and may change).
    pub kind: DiagnosticKind,
}

/// The rule a [`Diagnostic`] is about: one kind per check of the generator.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A file or folder cannot be read.
    Io,
    /// A spec root holds no API folder.
    NoApiFolder,
    /// A folder below the spec root holds spec files but no `api.json`.
    ApiFolderWithoutManifest,
    /// Two API folders declare the same API name.
    DuplicateApi,
    /// A spec file is not valid JSON.
    InvalidJson,
    /// A spec set has no `api` manifest.
    NoManifest,
    /// A spec set has more than one `api` manifest.
    SecondManifest,
    /// An extension spec declares an `api` manifest.
    ManifestInExtension,
    /// A key the format does not know.
    UnknownKey,
    /// A required key is missing.
    MissingKey,
    /// A value of the wrong JSON kind (a number where a string belongs...).
    WrongJsonKind,
    /// An interface, method, parameter, field or type name the format does not accept.
    InvalidName,
    /// An API name, module path or product name the format does not accept.
    InvalidApiName,
    /// An endpoint path that does not start with `/`.
    InvalidPath,
    /// A port outside 1 to 65535.
    InvalidPort,
    /// A group that is not a Cargo feature name.
    InvalidGroup,
    /// A role the format does not know.
    UnknownRole,
    /// A malformed type reference.
    InvalidTypeRef,
    /// A type kind other than struct, enum or alias.
    UnknownTypeKind,
    /// An empty enum value.
    EmptyEnumValue,
    /// A type declared twice.
    DuplicateType,
    /// Two items that become the same Rust name.
    RustNameCollision,
    /// A reference to a type no file declares.
    UnknownType {
        /// The name referred to.
        name: String,
    },
    /// A name the generated code cannot use as it is: a Rust keyword that cannot be
    /// escaped, or a name that shadows a type of Rust's prelude.
    ReservedName,
    /// A role given to a second method.
    DuplicateRole,
    /// A method whose params or result do not fit its role.
    RoleShape,
    /// An alias chain that leads back to itself.
    AliasCycle,
    /// A `paging` declaration that names no fitting param or out-parameter.
    Paging,
    /// An interface whose accessor would shadow a method of the runtime's session.
    ShadowsSessionMethod,
    /// A type named like the API's marker type.
    ShadowsApiMarker,
    /// Extension mode: an extension trait name that is not a Rust identifier.
    InvalidExtensionTrait,
    /// Extension mode: a role in an extension.
    RoleInExtension,
    /// Extension mode: a method the extended API already has.
    AlreadyInBaseApi,
    /// Extension mode: a name that clashes with a generated trait.
    ExtensionTraitCollision,
    /// Two APIs whose Rust modules clash (the same path, one inside the other, or a
    /// module name the runtime crate uses itself).
    ModuleClash,
    /// An interface group in an API that has a feature of its own.
    GroupInFeatureApi,
    /// A method marked sessionless that has a role.
    SessionlessRole,
    /// An example that does not fit the type of its param, out-parameter or field.
    ExampleType,
    /// `positional` on an out-parameter or on a param that is not optional.
    Positional,
    /// The generated code could not be formatted (a bug of the generator).
    Internal,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        let pointer = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        write!(f, ": {} [at {pointer}]", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// All the problems found in a spec set, sorted by file and position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// True when no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub(crate) fn into_result<T>(mut self, ok: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(ok)
        } else {
            self.0.sort();
            self.0.dedup();
            Err(self)
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} problem{} in the spec set:",
            if n == 1 { "" } else { "s" }
        )?;
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// A diagnostic at `loc` of one of `sources`: the file, line and column, and the pointer.
pub(crate) fn diag_at(
    kind: DiagnosticKind,
    sources: &[Source],
    loc: &Loc,
    message: &str,
    hint: Option<&str>,
) -> Diagnostic {
    let (file, (line, column)) = match sources.get(loc.file) {
        Some(s) => (s.path.clone(), json::line_col(&s.text, loc.offset)),
        None => ("(unknown file)".to_owned(), (0, 0)),
    };
    Diagnostic {
        file,
        line,
        column,
        pointer: loc.pointer.clone(),
        message: message.to_owned(),
        hint: hint.map(str::to_owned),
        kind,
    }
}
