//! Stage 5: formatted source text (prettyplease).

use proc_macro2::TokenStream;

/// Formats generated tokens as a Rust source file.
///
/// Fails only when the tokens are not a valid file, which is a bug of the generator;
/// the message says so and carries syn's explanation.
pub fn format(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| format!("the generator produced invalid Rust (a kerio-codegen bug): {e}"))?;
    Ok(prettyplease::unparse(&file))
}
