//! Errors collected while expanding a macro: all of them are reported together, each as a
//! `compile_error!` spanned at the offending tokens (the approach of serde_derive's `Ctxt`).

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// The errors of one expansion.
#[derive(Default)]
pub(crate) struct Errors(Vec<syn::Error>);

impl Errors {
    /// An error underlining `tokens`, with an optional hint on how to fix it.
    pub fn at(&mut self, tokens: impl ToTokens, message: impl Display, hint: Option<&str>) {
        self.0
            .push(syn::Error::new_spanned(tokens, with_hint(message, hint)));
    }

    /// An error at a span, with an optional hint.
    pub fn span(&mut self, span: Span, message: impl Display, hint: Option<&str>) {
        self.0.push(syn::Error::new(span, with_hint(message, hint)));
    }

    /// An error syn reported (a parse error).
    pub fn push(&mut self, error: syn::Error) {
        self.0.push(error);
    }

    /// True when nothing went wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many errors there are, to tell whether a step added one.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// One `compile_error!` per error.
    pub fn to_compile_errors(&self) -> TokenStream {
        self.0.iter().map(syn::Error::to_compile_error).collect()
    }
}

/// The message, and the hint on a line of its own.
fn with_hint(message: impl Display, hint: Option<&str>) -> String {
    match hint {
        Some(hint) => format!("{message}\nhelp: {hint}"),
        None => message.to_string(),
    }
}
