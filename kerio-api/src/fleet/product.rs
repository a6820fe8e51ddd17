//! The products of a fleet, how an appliance of each is visited (log in, read, log out,
//! judge), and how the product of an appliance that does not say it is found out at
//! first contact.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::admin::{Admin, product_info};
use crate::{Client, Error, Method, Session};

use super::FleetOptions;
use super::read;
use super::reason_kind::ReasonKind;
use super::status::{Reason, Status, assess};

#[cfg(feature = "connect-admin")]
use crate::connect::admin::ConnectAdmin;
#[cfg(feature = "operator-admin")]
use crate::operator::admin::OperatorAdmin;

/// The JSON-RPC codes of a call to a method the server does not have: -32601 "method
/// not found" (JSON-RPC 2.0) and -32608 "method unavailable", both in the vendor's
/// error table.
const NOT_SERVED: [i64; 2] = [-32601, -32608];

/// A Kerio product, as the `product` of an API's manifest and of a fleet file names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Product {
    /// Kerio Control, the firewall (`control`).
    Control,
    /// Kerio Connect, the mail and groupware server (`connect`); polled when kerio-api is
    /// built with the feature `connect-admin`.
    Connect,
    /// Kerio Operator, the PBX (`operator`); polled when kerio-api is built with the
    /// feature `operator-admin`.
    Operator,
}

impl Product {
    /// Every product, in the order an appliance of unknown product is tried.
    pub const ALL: [Product; 3] = [Product::Control, Product::Connect, Product::Operator];

    /// The lowercase name of a fleet file and of the manifests: `control`, `connect`,
    /// `operator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Product::Control => "control",
            Product::Connect => "connect",
            Product::Operator => "operator",
        }
    }

    /// The name shown to people: `Kerio Control`.
    pub fn title(self) -> &'static str {
        match self {
            Product::Control => "Kerio Control",
            Product::Connect => "Kerio Connect",
            Product::Operator => "Kerio Operator",
        }
    }

    /// The Cargo feature of kerio-api this product's polling needs (none for Control).
    pub fn feature(self) -> Option<&'static str> {
        match self {
            Product::Control => None,
            Product::Connect => Some("connect-admin"),
            Product::Operator => Some("operator-admin"),
        }
    }

    /// Whether this build of kerio-api polls the product (its feature is on).
    pub fn is_supported(self) -> bool {
        match self {
            Product::Control => true,
            Product::Connect => cfg!(feature = "connect-admin"),
            Product::Operator => cfg!(feature = "operator-admin"),
        }
    }

    /// The default port of the product's administration, from its manifest; `None` when
    /// the product is not supported by this build.
    fn default_port(self) -> Option<u16> {
        use crate::Api as _;
        match self {
            Product::Control => Some(Admin::DEFAULT_PORT),
            #[cfg(feature = "connect-admin")]
            Product::Connect => Some(ConnectAdmin::DEFAULT_PORT),
            #[cfg(feature = "operator-admin")]
            Product::Operator => Some(OperatorAdmin::DEFAULT_PORT),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// Why this build cannot poll the product, when it cannot.
    pub(crate) fn unsupported(self) -> Option<String> {
        match (self.is_supported(), self.feature()) {
            (false, Some(feature)) => Some(format!(
                "{} is not polled by this build: kerio-api was built without its feature `{feature}`",
                self.title()
            )),
            _ => None,
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a product; says which are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown product `{0}`; expected one of: control, connect, operator")]
pub struct UnknownProduct(pub String);

impl FromStr for Product {
    type Err = UnknownProduct;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Product::ALL
            .into_iter()
            .find(|p| p.as_str() == s.trim())
            .ok_or_else(|| UnknownProduct(s.to_owned()))
    }
}

/// The application name the fleet logs in as (shown in the appliances' logs).
pub(crate) const FLEET: &str = "kerio-rs fleet";

/// The application `name` logs in as.
#[cfg(any(feature = "connect-admin", feature = "operator-admin"))]
pub(crate) fn application(name: &str) -> crate::admin::ApiApplication {
    crate::admin::ApiApplication {
        name: Some(name.into()),
        vendor: Some("kerio-rs".into()),
        version: Some(env!("CARGO_PKG_VERSION").into()),
    }
}

/// What a visit found: the product, its status with the reasons, and its version.
pub(crate) struct Visited {
    pub(crate) product: Product,
    pub(crate) status: Status,
    pub(crate) reasons: Vec<Reason>,
    pub(crate) version: Option<String>,
}

/// Logs in, reads what decides the status, logs out and judges. `product` is the
/// configured one; without it the product is found out first ([`detect`]). `Err` is the
/// reason of a red row.
pub(crate) async fn visit(
    product: Option<Product>,
    client: &Client,
    user: &str,
    password: &str,
    options: &FleetOptions,
) -> Result<Visited, Reason> {
    let product = match product {
        Some(product) => {
            if let Some(why) = product.unsupported() {
                return Err(Reason::new(Status::Red, why).kind(ReasonKind::Configuration));
            }
            product
        }
        None => match candidates(client) {
            // One product to choose from: nothing to tell apart.
            candidates if candidates.len() > 1 => {
                return detect(&candidates, client, user, password, options).await;
            }
            _ => Product::Control,
        },
    };
    let session = Logged::login(product, client, user, password, FLEET)
        .await
        .map_err(|e| super::poll::login_failure(&e, options.timeout))?;
    Ok(session.visit(options).await)
}

/// The products this build polls, in the order they are tried on an appliance of
/// unknown product: the one whose default port is the URL's first, then [`Product::ALL`].
pub(crate) fn candidates(client: &Client) -> Vec<Product> {
    let port = reqwest::Url::parse(&client.endpoint::<Admin>())
        .ok()
        .and_then(|u| u.port_or_known_default());
    let mut out: Vec<Product> = Product::ALL
        .into_iter()
        .filter(|p| p.is_supported())
        .collect();
    out.sort_by_key(|p| p.default_port() != port);
    out
}

/// Finds out the product at first contact: logs in once (the login is the same method
/// in every product), then finds the product ([`Logged::find`]) and visits it as that
/// product.
async fn detect(
    candidates: &[Product],
    client: &Client,
    user: &str,
    password: &str,
    options: &FleetOptions,
) -> Result<Visited, Reason> {
    let Some(&first) = candidates.first() else {
        return Err(
            Reason::new(Status::Red, "No product is supported by this build")
                .kind(ReasonKind::Configuration),
        );
    };
    let session = Logged::login(first, client, user, password, FLEET)
        .await
        .map_err(|e| super::poll::login_failure(&e, options.timeout))?;
    let found = session.find(candidates).await?;
    Ok(found.visit(options).await)
}

/// What a product's identifying read said.
enum Identity {
    /// The appliance is this product.
    Is,
    /// It is not; why.
    IsNot(String),
    /// The read failed for another reason (connection, timeout): nothing can be told.
    Failed(String),
}

/// Sorts the outcome of an identifying read of the method `method`; `name` is what the
/// reply calls the product, when it does.
fn identity<T>(
    result: Result<T, Error>,
    method: &str,
    name: impl Fn(&T) -> Option<String>,
    of: Product,
) -> Identity {
    match result {
        Ok(reply) => match name(&reply).and_then(|n| names_other(&n, of).map(|p| (n, p))) {
            Some((name, other)) => Identity::IsNot(format!(
                "{method} names {name:?}, which is {}",
                other.title()
            )),
            None => Identity::Is,
        },
        Err(Error::Rpc(e)) if NOT_SERVED.contains(&e.code) => {
            Identity::IsNot(format!("{method} is not found there (code {})", e.code))
        }
        // Another error of the method: the appliance has it.
        Err(Error::Rpc(_)) => Identity::Is,
        Err(e @ (Error::Decode { .. } | Error::InvalidResponse { .. })) => {
            Identity::IsNot(format!("the reply to {method} does not fit: {e}"))
        }
        Err(e) => Identity::Failed(e.to_string()),
    }
}

/// The product other than `of` that a product name such as `Kerio Connect` names.
fn names_other(name: &str, of: Product) -> Option<Product> {
    let name = name.to_lowercase();
    Product::ALL
        .into_iter()
        .find(|p| *p != of && name.contains(p.as_str()))
}

/// A session of one product's administration.
pub(crate) enum Logged {
    /// Kerio Control.
    Control(Session<Admin>),
    /// Kerio Connect.
    #[cfg(feature = "connect-admin")]
    Connect(Session<ConnectAdmin>),
    /// Kerio Operator.
    #[cfg(feature = "operator-admin")]
    Operator(Session<OperatorAdmin>),
}

impl Logged {
    /// Logs in to the administration of `product` as the application `name`.
    pub(crate) async fn login(
        product: Product,
        client: &Client,
        user: &str,
        password: &str,
        name: &str,
    ) -> Result<Logged, Error> {
        if let Some(why) = product.unsupported() {
            return Err(Error::Config(why));
        }
        Ok(match product {
            #[cfg(feature = "connect-admin")]
            Product::Connect => {
                Logged::Connect(super::connect::login_as(client, user, password, name).await?)
            }
            #[cfg(feature = "operator-admin")]
            Product::Operator => {
                Logged::Operator(super::operator::login_as(client, user, password, name).await?)
            }
            _ => Logged::Control(read::login_as(client, user, password, name).await?),
        })
    }

    /// Finds out which of `candidates` the appliance is, with this one login: tries
    /// each candidate's version read, which only that product's spec has. A method the
    /// appliance does not have is answered "method not found", and the next candidate
    /// is tried; a reply that names another product moves on too. The first that
    /// answers decides: the session, bound to that product, is returned. When none
    /// does, the session is logged out and the reason says what each answered.
    pub(crate) async fn find(self, candidates: &[Product]) -> Result<Logged, Reason> {
        let mut session = self;
        let mut tried = Vec::new();
        for &product in candidates {
            session = match session.rebind(product) {
                Ok(rebound) => rebound,
                Err(same) => {
                    tried.push(format!("{} is served at another path", product.title()));
                    same
                }
            };
            if session.product() != product {
                continue;
            }
            match session.identify().await {
                Identity::Is => return Ok(session),
                Identity::IsNot(why) => tried.push(format!("not {}: {why}", product.title())),
                Identity::Failed(e) => {
                    session.logout().await;
                    return Err(Reason::new(
                        Status::Red,
                        format!("The product could not be found out: {e}"),
                    )
                    .kind(ReasonKind::Offline));
                }
            }
        }
        session.logout().await;
        Err(Reason::new(
            Status::Red,
            format!(
                "The product could not be found out ({}); set `product` for this appliance",
                tried.join("; ")
            ),
        )
        .kind(ReasonKind::Configuration))
    }

    /// The product of the session.
    pub(crate) fn product(&self) -> Product {
        match self {
            Logged::Control(_) => Product::Control,
            #[cfg(feature = "connect-admin")]
            Logged::Connect(_) => Product::Connect,
            #[cfg(feature = "operator-admin")]
            Logged::Operator(_) => Product::Operator,
        }
    }

    /// The same session as one of `product`, when the client calls it at the same
    /// endpoint.
    fn rebind(self, product: Product) -> Result<Logged, Logged> {
        fn to<A: crate::Api>(session: Session<A>, product: Product) -> Result<Logged, Session<A>> {
            match product {
                #[cfg(feature = "connect-admin")]
                Product::Connect => crate::session::rebind(session).map(Logged::Connect),
                #[cfg(feature = "operator-admin")]
                Product::Operator => crate::session::rebind(session).map(Logged::Operator),
                Product::Control => crate::session::rebind(session).map(Logged::Control),
                #[allow(unreachable_patterns)]
                _ => Err(session),
            }
        }
        if self.product() == product {
            return Ok(self);
        }
        match self {
            Logged::Control(s) => to(s, product).map_err(Logged::Control),
            #[cfg(feature = "connect-admin")]
            Logged::Connect(s) => to(s, product).map_err(Logged::Connect),
            #[cfg(feature = "operator-admin")]
            Logged::Operator(s) => to(s, product).map_err(Logged::Operator),
        }
    }

    /// The product's version read, as a test of whether the appliance is that product.
    async fn identify(&self) -> Identity {
        match self {
            Logged::Control(s) => identity(
                s.product_info().get().await,
                <product_info::Get as Method>::NAME,
                |_| None,
                Product::Control,
            ),
            #[cfg(feature = "connect-admin")]
            Logged::Connect(s) => identity(
                super::connect::product_name(s).await,
                super::connect::IDENTIFY,
                Clone::clone,
                Product::Connect,
            ),
            #[cfg(feature = "operator-admin")]
            Logged::Operator(s) => identity(
                super::operator::product_name(s).await,
                super::operator::IDENTIFY,
                Clone::clone,
                Product::Operator,
            ),
        }
    }

    /// Reads, logs out and judges.
    async fn visit(self, options: &FleetOptions) -> Visited {
        match self {
            Logged::Control(session) => {
                let readings = read::read(&session, options.read_mode).await;
                read::logout(&session).await;
                let now = super::poll::unix_now();
                let (status, reasons) = assess(&readings, &options.thresholds, now);
                let version = readings
                    .product
                    .ok()
                    .and_then(|p| p.version_string)
                    .filter(|v| !v.trim().is_empty());
                Visited {
                    product: Product::Control,
                    status,
                    reasons,
                    version,
                }
            }
            #[cfg(feature = "connect-admin")]
            Logged::Connect(session) => super::connect::visit(&session, options).await,
            #[cfg(feature = "operator-admin")]
            Logged::Operator(session) => super::operator::visit(&session, options).await,
        }
    }

    /// Logs out; a failure only costs the session.
    pub(crate) async fn logout(&self) {
        match self {
            Logged::Control(s) => read::logout(s).await,
            #[cfg(feature = "connect-admin")]
            Logged::Connect(s) => super::connect::logout(s).await,
            #[cfg(feature = "operator-admin")]
            Logged::Operator(s) => super::operator::logout(s).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_print() {
        for product in Product::ALL {
            assert_eq!(product.as_str().parse::<Product>(), Ok(product));
            assert_eq!(product.to_string(), product.as_str());
        }
        assert!("firewall".parse::<Product>().is_err());
    }

    #[test]
    fn a_name_of_another_product_is_found() {
        assert_eq!(
            names_other("Kerio Connect", Product::Operator),
            Some(Product::Connect)
        );
        assert_eq!(names_other("Kerio Connect", Product::Connect), None);
        assert_eq!(names_other("", Product::Connect), None);
    }

    #[test]
    fn the_port_of_a_product_puts_it_first() {
        let client = |url: &str| Client::builder(url).build().expect("client");
        let order = candidates(&client("https://fw.example.com:4081"));
        assert_eq!(order.first(), Some(&Product::Control));
        #[cfg(feature = "connect-admin")]
        assert_eq!(
            candidates(&client("https://mail.example.com:4040")).first(),
            Some(&Product::Connect)
        );
        #[cfg(feature = "operator-admin")]
        assert_eq!(
            candidates(&client("https://pbx.example.com:4021")).first(),
            Some(&Product::Operator)
        );
        assert_eq!(
            candidates(&client("https://proxy.example.com")).first(),
            Some(&Product::Control),
            "no port of a product: in the order of Product::ALL"
        );
    }
}
