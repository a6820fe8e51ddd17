//! Extend [kerio-api](https://docs.rs/kerio-api) from your own crate with methods and
//! types its shipped spec lacks, typed, without forking it.
//!
//! Two macros, one generator: both read their input into kerio-codegen's spec model and
//! run it through the same validate, model and emit stages as kerio-api's own build, so
//! what they generate is the client surface kerio-api has: a params type implementing
//! [`kerio_api::Method`](https://docs.rs/kerio-api/latest/kerio_api/trait.Method.html)
//! per method (built with `new` and a setter per optional param), a result struct per
//! method, forward-compatible enums, partial structs with `Default` and a setter per
//! field, and interface handles whose methods return calls awaited directly.
//!
//! - [`macro@extend`]: an attribute on a module of hand-written declarations (traits for
//!   interfaces, structs, enums and type aliases for types).
//! - [`include_spec!`]: spec files of your crate, in the `api-spec` format without a
//!   manifest.
//!
//! # Calling what they generate
//!
//! Rust allows inherent methods on `kerio_api::Session` only inside kerio-api, so the
//! generated accessors come as traits, generated beside the declarations:
//!
//! - **`AdminExt`** (named after the API: `StatsExt` for `api = "stats"`, or as given with
//!   `ext_trait = "..."`) is implemented for the API's session and has one accessor per
//!   *new* interface: `session.diagnostics().ping("10.0.0.1").count(3).await?`.
//! - **`<Interface>Ext`** (`UsersExt`) is implemented for the shipped handle of an
//!   interface the API already has, with the methods the extension adds to it:
//!   `session.users().get_mfa_status("42").await?`.
//!
//! Bring them into scope (`use firmware::{AdminExt as _, UsersExt as _};`) and call the
//! new methods on an ordinary session. A call takes the required params as arguments and
//! the optional ones as chained setters; awaited, it gives
//! `Result<<Method>Result, kerio_api::Error>`, the method's result struct with a field per
//! out-parameter (`diagnostics::PingResult` for `ping`, with its field `report`; the
//! declarations' return types say so, see [`macro@extend`]). The params types (`diagnostics::Ping::new("10.0.0.1")`) also work with
//! `Session::call` and in batches.
//!
//! # Diagnostics
//!
//! Every problem is a compile error at the tokens it is about (for a spec file: naming
//! the file, line, column and JSON pointer), all of them at once; the rest of the input
//! is still generated, so one mistake does not turn into errors everywhere else.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod args;
mod attrs;
mod base;
mod declare;
mod engine;
mod errors;
mod include;
mod lower;
mod types;

use proc_macro::TokenStream;

/// Declares interfaces, methods and types of a Kerio API by hand, in a module.
///
/// ```no_run
/// #[kerio_macros::extend(api = "admin")]
/// pub mod firmware {
///     /// Network diagnostics of newer firmware.
///     pub trait Diagnostics {
///         /// Pings a host from the appliance.
///         #[kerio(out(report: PingReport))]
///         async fn ping(&self, host: &str, count: Option<i32>) -> PingResult;
///     }
///
///     /// Methods newer firmware adds to the shipped `Users` interface.
///     pub trait Users {
///         /// Two-step verification state of a user (`out = "key"`: the shorthand for
///         /// one out-parameter, see below).
///         #[kerio(name = "getMFAStatus", out = "status")]
///         async fn get_mfa_status(&self, user_id: &str) -> MfaStatus;
///     }
///
///     /// What a ping found.
///     pub struct PingReport {
///         /// Replies received.
///         pub received: Option<i32>,
///         /// Round-trip times in milliseconds.
///         #[kerio(name = "rttMS")]
///         pub rtt_ms: Option<Vec<f64>>,
///     }
///
///     /// Two-step verification state.
///     pub enum MfaStatus {
///         Enabled,
///         Disabled,
///         #[kerio(name = "not-enrolled")]
///         NotEnrolled,
///     }
/// }
///
/// use firmware::{AdminExt as _, UsersExt as _};
///
/// # async fn run(session: kerio_api::Session<kerio_api::admin::Admin>) -> Result<(), kerio_api::Error> {
/// // The call gives the declared `PingResult`, generated with a field per out-parameter.
/// let result: firmware::diagnostics::PingResult =
///     session.diagnostics().ping("10.0.0.1").count(3).await?;
/// let report: firmware::PingReport = result.report;
/// // The shorthand's call gives `GetMfaStatusResult` too; an enum has no default value to
/// // stand for a missing key, so its field `status` is an `Option<MfaStatus>`.
/// let status: Option<firmware::MfaStatus> = session.users().get_mfa_status("42").await?.status;
/// # Ok(())
/// # }
/// # fn main() {}
/// ```
///
/// # Arguments
///
/// - `api = "admin"` (required): the API extended, `"admin"` or `"stats"`.
/// - `ext_trait = "Name"`: the name of the accessor trait (default `AdminExt`, `StatsExt`).
///
/// # Declarations
///
/// Write each item the way the generated code reads; wire names come from the Rust
/// names, and `#[kerio(name = "...")]` gives one the Rust name does not spell.
///
/// - **A trait is an interface.** Its wire name is the trait's name. An interface the API
///   already has gets the new methods on its shipped handle (`UsersExt` above); a new one
///   gets an accessor on the extension trait.
/// - **An `async fn` is a method**: `async fn name(&self, params..) -> T;`, no body. Its
///   wire name is the name in lowerCamelCase (`get_mfa_status` → `getMfaStatus`).
///   - Parameters are sent by name, lowerCamelCase of the Rust name. Write them as the
///     generated method takes them: `&str`, `&[T]`, `&T` for structs, enums, maps and
///     `serde_json::Value`; `bool`, `i32`, `i64`, `f64` by value. `Option<..>` makes a
///     parameter optional: a setter on the call, left out of the request until set.
///   - Every call gives the generated result struct `<Method>Result` (`PingResult` for
///     `ping`, in the interface's module: `firmware::diagnostics::PingResult`), a field
///     per out-parameter, so an out-parameter added later breaks nothing.
///   - Out-parameters: `#[kerio(out(report: PingReport))]` (one or several:
///     `out(list: Vec<Host>, total_items: i64)`), each its key in the result object
///     (lowerCamelCase of the Rust name; `#[kerio(name = "..")]` and doc comments on
///     one work as on params), and the return type is the struct the call gives,
///     `-> PingResult`.
///   - Shorthand for one: `#[kerio(out = "report")]` and its type as the return type,
///     `-> PingReport`. The call still gives `PingResult`; the declared type is the type
///     of its field `report`.
///   - An out-parameter's field holds its declared type, or `Option` of it when the
///     appliance may leave it out (declared `Option<T>`) or the type has no default
///     value to stand for a missing key (an enum, a type of the shipped API).
///   - No out-parameter: no return type (the result struct is empty).
/// - **A struct is a Kerio struct**: named fields, each `Option<T>` (the appliance sends
///   and accepts partial objects); `Option<Option<T>>` for a field that may be `null`.
///   It is generated `#[non_exhaustive]` with `Default` and a chained setter per field
///   (`PingReport::default().received(3)`).
///   Field types own their values: `String`, `bool`, `i32`, `i64`, `f64`,
///   `serde_json::Value`, `Vec<T>`, `BTreeMap<String, T>` or a named type.
/// - **An enum is a set of strings**: unit variants, wire values as written or given with
///   `#[kerio(name = "...")]`. An `Unknown(String)` variant is added for values newer
///   firmware sends.
/// - **A type alias** is another name: `type HostIds = Vec<String>;`.
/// - Named types are the module's own or the API's (`SearchQuery`, or
///   `kerio_api::admin::SearchQuery`). A type of kerio-api behind a Cargo feature needs
///   that feature.
/// - Doc comments become the generated docs, on parameters too.
/// - Flags: `#[kerio(lenient)]` on a number read from a JSON string too (a parameter,
///   field or out-parameter); `#[kerio(optional)]` on a field documents that the
///   appliance may leave it out even in a full read.
///
/// Other items in the module (`use`, `impl` blocks on the generated types, functions)
/// stay as they are.
#[proc_macro_attribute]
pub fn extend(args: TokenStream, item: TokenStream) -> TokenStream {
    guarded(|| declare::expand(args.into(), item.into()))
}

/// Generates the interfaces, methods and types of spec files in your crate, as an
/// extension of an API kerio-api ships.
///
/// ```ignore
/// mod firmware {
///     kerio_macros::include_spec!(api = "admin", path = "specs");
/// }
/// use firmware::AdminExt as _;
/// ```
///
/// # Arguments
///
/// - `api = "admin"` (required): the API extended, `"admin"` or `"stats"`.
/// - `path = "specs"` (required): a folder (every `*.json` below it) or one file, relative
///   to the folder of the crate's `Cargo.toml`.
/// - `ext_trait = "Name"`: the name of the accessor trait (default `AdminExt`, `StatsExt`).
///
/// The files are in the format of kerio-rs's `api-spec` folder (its `README.md`), without
/// an `api.json` manifest and without `role`s: `interfaces` and `types`, referring to the
/// extension's own types and to the API's. The items are generated where the macro is
/// invoked, with the same extension traits as [`macro@extend`].
///
/// The crate is rebuilt when one of the files changes; after adding a file, touch the
/// source that invokes the macro (stable Rust cannot yet track a folder). Two extensions
/// of the same API in one module need different `ext_trait` names.
#[proc_macro]
pub fn include_spec(input: TokenStream) -> TokenStream {
    guarded(|| include::expand(input.into()))
}

/// Runs an expansion; should it ever panic (a bug: every problem of the input is meant
/// to be a spanned error), the panic becomes a compile error instead of an ICE-like
/// "proc macro panicked".
fn guarded(expand: impl FnOnce() -> proc_macro2::TokenStream) -> TokenStream {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(expand)) {
        Ok(tokens) => tokens.into(),
        Err(_) => quote::quote! {
            ::core::compile_error!("kerio-macros failed on this input (a bug); please report it with the input");
        }
        .into(),
    }
}
