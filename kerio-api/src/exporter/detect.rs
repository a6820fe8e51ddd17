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
use super::product::{ProbeContext, TargetProbe, TargetSettings, def_of, write};

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
        found: tokio::sync::Mutex::new(None),
        product: Mutex::new(None),
    })
}

struct Detecting {
    appliance: Appliance,
    settings: TargetSettings,
    /// The target of the product found; locked while finding it out.
    found: tokio::sync::Mutex<Option<Arc<dyn TargetProbe>>>,
    /// The product found, for the labels (readable without waiting).
    product: Mutex<Option<Product>>,
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
        let mut slot = self.found.lock().await;
        if let Some(found) = slot.as_ref() {
            return Some(found.clone());
        }
        let Some(credentials) = &self.appliance.credentials else {
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
        };
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
                let password = match credentials.password.read() {
                    Ok(password) => password,
                    Err(text) => {
                        write(ctx.findings, |f| fail(f, unusable(text)));
                        return None;
                    }
                };
                let login = Logged::login(
                    *first,
                    &client,
                    &credentials.user,
                    password.expose(),
                    APPLICATION,
                )
                .await;
                ctx.own.login(ctx.target, login.is_ok());
                let logged = match login {
                    Ok(logged) => logged,
                    Err(e) => {
                        let reason = login_failure(&e, ctx.module.timeout);
                        write(ctx.findings, |f| fail(f, reason));
                        return None;
                    }
                };
                ctx.own.session_opened();
                match logged.find(&candidates).await {
                    Ok(logged) => Arc::from(self.adopt(client, logged)),
                    Err(reason) => {
                        // Finding out logged the session out.
                        ctx.own.session_closed();
                        write(ctx.findings, |f| fail(f, reason));
                        return None;
                    }
                }
            }
            [] => {
                let reason = unusable("No product is supported by this build".into());
                write(ctx.findings, |f| fail(f, reason));
                return None;
            }
        };
        *self
            .product
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = found.product();
        *slot = Some(found.clone());
        Some(found)
    }

    /// The target of the product `logged` is a session of, keeping that session.
    fn adopt(&self, client: Client, logged: Logged) -> Box<dyn TargetProbe> {
        let (appliance, settings) = (&self.appliance, &self.settings);
        match logged {
            Logged::Control(session) => control::adopt(appliance, settings, client, session),
            #[cfg(feature = "connect-admin")]
            Logged::Connect(session) => connect::adopt(appliance, settings, client, session),
            #[cfg(feature = "operator-admin")]
            Logged::Operator(session) => operator::adopt(appliance, settings, client, session),
        }
    }

    /// The client the product is found out with, then kept by its target.
    fn client(&self) -> Result<Client, String> {
        client_builder(&self.appliance, self.settings.request_timeout)?
            .max_reply_size(MAX_REPLY_SIZE)
            .build()
            .map_err(|e| format!("The configuration is not usable: {e}"))
    }
}
