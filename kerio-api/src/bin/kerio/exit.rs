//! Exit codes and the one line a failure prints.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the appliance answered with an error (the method's, or a batch command's), or another failure |
//! | 2 | usage: a wrong argument, an unknown method, a param that does not fit the spec, a file that cannot be read, `--confirm` on an API without cut-off prevention, an API this kerio was built without (the message names the Cargo feature); nothing was sent |
//! | 3 | the appliance's certificate is not trusted or does not match the pin |
//! | 4 | the login was refused (user name or password) |
//! | 5 | the appliance could not be reached or did not answer in time |
//! | 6 | `--confirm`: the appliance did not confirm the change, it will revert it |
//!
//! `kerio fleet` exits by the worst colour instead, as monitoring checks do: 0 green or
//! grey, 1 yellow, 2 red, and 3 when no report could be made.

use std::fmt;

use kerio_api::Error;

/// Success.
pub const OK: u8 = 0;
/// The appliance refused the call, or another failure.
pub const FAILED: u8 = 1;
/// The command line or a file is wrong; nothing was sent.
pub const USAGE: u8 = 2;
/// The certificate is not trusted or does not match the pin.
pub const TLS: u8 = 3;
/// The login was refused.
pub const LOGIN: u8 = 4;
/// No connection, or no answer in time.
pub const UNREACHABLE: u8 = 5;
/// The change was not confirmed and will be reverted.
pub const NOT_CONFIRMED: u8 = 6;
/// `kerio fleet`: no report could be made (monitoring's "unknown").
pub const FLEET_UNKNOWN: u8 = 3;

/// Why a command ended early: the exit code and what to print, on one line.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// A usage error: nothing was sent.
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    /// Any other failure.
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: FAILED,
            message: message.into(),
        }
    }

    /// A failed login, sorted by what the user can do about it.
    pub fn login(e: &Error, hint: &str) -> Failure {
        match e {
            Error::Rpc(rpc) => Failure {
                code: LOGIN,
                message: format!("the login was refused: {} (code {})", rpc.message, rpc.code),
            },
            _ => Failure::from_error("login", e, hint),
        }
    }

    /// A failure of `doing` (a method's wire name, `login`...). `hint` says how the
    /// certificate can be trusted, for TLS failures.
    pub fn from_error(doing: &str, e: &Error, hint: &str) -> Failure {
        let (code, message) = match e {
            Error::Tls { .. } if e.is_pin_mismatch() => (
                TLS,
                format!("the appliance's certificate does not match the pin: {e}"),
            ),
            Error::Tls { .. } => (
                TLS,
                format!("the appliance's certificate is not trusted: {e}; {hint}"),
            ),
            Error::Timeout { .. } | Error::Transport { .. } => {
                (UNREACHABLE, format!("the appliance cannot be reached: {e}"))
            }
            Error::Config(_) => (USAGE, e.to_string()),
            Error::Rpc(rpc) => (
                FAILED,
                format!("{doing} failed: {} (code {})", rpc.message, rpc.code),
            ),
            _ => (FAILED, format!("{doing} failed: {e}")),
        };
        Failure { code, message }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
