//! Targets whose product the fleet file does not give, found out at the first contact
//! as the fleet report finds it ([`Logged::find`]): one login, each product's version
//! read in turn; the session of the product found is kept by that product's target for
//! the rest of the target's life. And targets of a product this build has no
//! collectors for, which say so.

use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;

use crate::Client;
use crate::fleet::poll::{client_builder, login_failure};
use crate::fleet::product::{Logged, candidates};
use crate::fleet::{Appliance, Product, Reason, ReasonKind, Status};

#[cfg(feature = "connect-admin")]
use super::connect;
use super::control::{self, APPLICATION, MAX_REPLY_SIZE, fail};
#[cfg(feature = "operator-admin")]
use super::operator;
use super::own::OwnMetrics;
use super::product::{Findings, ProbeContext, TargetProbe, TargetSettings, def_of, write};

/// A target of a product this build has no collectors for: every probe is red with the
/// reason, no connection is made.
pub(crate) fn unsupported(product: Product) -> Box<dyn TargetProbe> {
    Box::new(Unsupported(product))
}

struct Unsupported(Product);

impl TargetProbe for Unsupported {
    fn probe<'a>(&'a self, ctx: ProbeContext<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let text = self.0.unsupported().unwrap_or_else(|| {
                format!("{} has no collectors in this exporter", self.0.title())
            });
            let reason = Reason::new(Status::Red, text).kind(ReasonKind::Configuration);
            write(ctx.findings, |f| fail(f, reason));
        })
    }

    fn logout(&self) -> BoxFuture<'_, bool> {
        Box::pin(async { false })
    }

    fn product(&self) -> Option<Product> {
        Some(self.0)
    }
}

/// A target of unknown product.
pub(crate) fn target(appliance: &Appliance, settings: &TargetSettings) -> Box<dyn TargetProbe> {
    Box::new(Detecting {
        appliance: appliance.clone(),
        settings: settings.clone(),
        found: Arc::default(),
        product: Arc::default(),
    })
}

/// The target of the product found, once it is.
type Found = Option<Arc<dyn TargetProbe>>;

struct Detecting {
    appliance: Appliance,
    settings: TargetSettings,
    /// The target of the product found; locked while finding it out.
    found: Arc<tokio::sync::Mutex<Found>>,
    /// The product found, for the labels (readable without waiting).
    product: Arc<Mutex<Option<Product>>>,
}

impl TargetProbe for Detecting {
    fn probe<'a>(&'a self, ctx: ProbeContext<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Some(found) = self.find(&ctx).await {
                found.probe(ctx).await;
            }
        })
    }

    fn logout(&self) -> BoxFuture<'_, bool> {
        Box::pin(async move {
            let found = self.found.lock().await.clone();
            match found {
                Some(found) => found.logout().await,
                None => false,
            }
        })
    }

    fn find_product<'a>(&'a self, ctx: ProbeContext<'a>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            self.find(&ctx).await;
        })
    }

    fn product(&self) -> Option<Product> {
        let found = *self
            .product
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        found.or_else(only_product)
    }
}

/// The one product this build polls, when it polls one only: then there is nothing to
/// find out.
fn only_product() -> Option<Product> {
    let mut supported = Product::ALL.into_iter().filter(|p| p.is_supported());
    match (supported.next(), supported.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

impl Detecting {
    /// The target of the product found, finding it out when it is not known yet; `None`
    /// with the reason written when it cannot be.
    async fn find(&self, ctx: &ProbeContext<'_>) -> Option<Arc<dyn TargetProbe>> {
        let mut slot = self.found.clone().lock_owned().await;
        if let Some(found) = slot.as_ref() {
            return Some(found.clone());
        }
        if self.appliance.credentials.is_none() {
            // Not contacted, so not found out: the grey finding of any product.
            let reason = Reason::new(
                Status::Grey,
                "Listed, not managed: no credentials are configured",
            )
            .kind(ReasonKind::Unmanaged);
            write(ctx.findings, |f| {
                f.up = Some(false);
                f.status = Some((Status::Grey, vec![reason]));
            });
            return None;
        }
        let unusable =
            |text: String| Reason::new(Status::Red, text).kind(ReasonKind::Configuration);
        let client = match self.client() {
            Ok(client) => client,
            Err(text) => {
                write(ctx.findings, |f| fail(f, unusable(text)));
                return None;
            }
        };
        let candidates = candidates(&client);
        let found: Arc<dyn TargetProbe> = match candidates.as_slice() {
            // One product to choose from: nothing to tell apart, its target logs in.
            [only] => match def_of(*only) {
                Some(def) => Arc::from((def.target)(&self.appliance, &self.settings)),
                None => Arc::from(unsupported(*only)),
            },
            [first, ..] => {
                // Logging in and finding out run in a task of their own, which keeps the
                // lock: a probe cut off by its deadline does not cut them, so the session
                // is kept (never left open on the appliance) and the next probe uses it.
                let job = Job {
                    appliance: self.appliance.clone(),
                    settings: self.settings.clone(),
                    client,
                    candidates: candidates.clone(),
                    first: *first,
                    own: ctx.own.clone(),
                    target: ctx.target.to_owned(),
                    timeout: ctx.module.timeout,
                    findings: ctx.findings.clone(),
                    product: self.product.clone(),
                };
                return tokio::spawn(job.run(slot)).await.ok().flatten();
            }
            [] => {
                let reason = unusable("No product is supported by this build".into());
                write(ctx.findings, |f| fail(f, reason));
                return None;
            }
        };
        keep(&self.product, &mut slot, found.clone());
        Some(found)
    }

    /// The client the product is found out with, then kept by its target.
    fn client(&self) -> Result<Client, String> {
        client_builder(&self.appliance, self.settings.request_timeout)?
            .max_reply_size(MAX_REPLY_SIZE)
            .build()
            .map_err(|e| format!("The configuration is not usable: {e}"))
    }
}

/// Keeps the target of the product found.
fn keep(product: &Mutex<Option<Product>>, slot: &mut Found, found: Arc<dyn TargetProbe>) {
    *product
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = found.product();
    *slot = Some(found);
}

/// Logging in and finding out the product, with what it reports to.
struct Job {
    appliance: Appliance,
    settings: TargetSettings,
    client: Client,
    candidates: Vec<Product>,
    first: Product,
    own: Arc<OwnMetrics>,
    target: String,
    timeout: std::time::Duration,
    findings: Arc<Mutex<Findings>>,
    product: Arc<Mutex<Option<Product>>>,
}

impl Job {
    async fn run(self, mut slot: tokio::sync::OwnedMutexGuard<Found>) -> Found {
        let Some(credentials) = &self.appliance.credentials else {
            return None;
        };
        let unusable =
            |text: String| Reason::new(Status::Red, text).kind(ReasonKind::Configuration);
        let password = match credentials.password.read() {
            Ok(password) => password,
            Err(text) => {
                write(&self.findings, |f| fail(f, unusable(text)));
                return None;
            }
        };
        let login = Logged::login(
            self.first,
            &self.client,
            &credentials.user,
            password.expose(),
            APPLICATION,
        )
        .await;
        self.own.login(&self.target, login.is_ok());
        let logged = match login {
            Ok(logged) => logged,
            Err(e) => {
                let reason = login_failure(&e, self.timeout);
                write(&self.findings, |f| fail(f, reason));
                return None;
            }
        };
        self.own.session_opened();
        match logged.find(&self.candidates).await {
            Ok(logged) => {
                let found: Arc<dyn TargetProbe> = Arc::from(self.adopt(logged));
                keep(&self.product, &mut slot, found.clone());
                Some(found)
            }
            Err(reason) => {
                // Finding out logged the session out.
                self.own.session_closed();
                write(&self.findings, |f| fail(f, reason));
                None
            }
        }
    }

    /// The target of the product `logged` is a session of, keeping that session.
    fn adopt(&self, logged: Logged) -> Box<dyn TargetProbe> {
        let (appliance, settings) = (&self.appliance, &self.settings);
        let client = self.client.clone();
        match logged {
            Logged::Control(session) => control::adopt(appliance, settings, client, session),
            #[cfg(feature = "connect-admin")]
            Logged::Connect(session) => connect::adopt(appliance, settings, client, session),
            #[cfg(feature = "operator-admin")]
            Logged::Operator(session) => operator::adopt(appliance, settings, client, session),
        }
    }
}
