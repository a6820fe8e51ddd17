//! The kept session of a target, for every product: its client and session live between
//! probes, a session the appliance dropped is renewed once per probe (whichever of the
//! probe's reads finds it first), and it is logged out at shutdown.

use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;

use crate::fleet::poll::{client_builder, login_failure};
use crate::fleet::{Appliance, Reason, ReasonKind, Status};
use crate::{Api, Client, Error, Session};

use super::control::{MAX_REPLY_SIZE, fail};
use super::product::{ProbeContext, TargetSettings, write};

/// How the exporter logs in to and out of an API.
pub(crate) trait Login: Api + Sized {
    /// Logs in as the exporter's application.
    fn login<'a>(
        client: &'a Client,
        user: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Session<Self>, Error>>;
    /// Logs out; a failure only costs the session, which expires on the appliance.
    fn logout(session: &Session<Self>) -> BoxFuture<'_, ()>;
}

/// One appliance's client and session.
pub(crate) struct Kept<A: Api> {
    appliance: Appliance,
    settings: TargetSettings,
    client: Mutex<Option<Client>>,
    /// Locked while logging in, so that reads that all found the session expired log
    /// in once.
    session: tokio::sync::Mutex<Option<Session<A>>>,
}

impl<A: Login> Kept<A> {
    /// Nothing kept yet: the first probe logs in.
    pub(crate) fn new(appliance: &Appliance, settings: &TargetSettings) -> Self {
        Kept {
            appliance: appliance.clone(),
            settings: settings.clone(),
            client: Mutex::new(None),
            session: tokio::sync::Mutex::new(None),
        }
    }

    /// Keeps a client and a session made elsewhere (when the product was found out).
    pub(crate) fn adopt(
        appliance: &Appliance,
        settings: &TargetSettings,
        client: Client,
        session: Session<A>,
    ) -> Self {
        Kept {
            appliance: appliance.clone(),
            settings: settings.clone(),
            client: Mutex::new(Some(client)),
            session: tokio::sync::Mutex::new(Some(session)),
        }
    }

    /// The session a probe starts with; `None` when there is none, with the reason
    /// written (grey without credentials, red when the login failed).
    pub(crate) async fn start(&self, ctx: &ProbeContext<'_>) -> Option<Session<A>> {
        if self.appliance.credentials.is_none() {
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
        match self.session(ctx, None).await {
            Ok(session) => Some(session),
            Err(reason) => {
                write(ctx.findings, |f| fail(f, reason));
                None
            }
        }
    }

    /// Runs `read`; when `expired` says the appliance dropped the session, logs in again
    /// (once per probe, whoever finds it first) and runs it once more.
    pub(crate) async fn renewing<'s, R, F>(
        &self,
        ctx: &ProbeContext<'_>,
        session: &'s Session<A>,
        read: F,
        expired: fn(&R) -> bool,
    ) -> Result<R, Reason>
    where
        F: Fn(Session<A>) -> BoxFuture<'s, R>,
    {
        let first = read(session.clone()).await;
        if !expired(&first) {
            return Ok(first);
        }
        let renewed = self.session(ctx, Some(session)).await?;
        Ok(read(renewed).await)
    }

    /// The kept session unless it is `stale` (found expired), else a new login.
    async fn session(
        &self,
        ctx: &ProbeContext<'_>,
        stale: Option<&Session<A>>,
    ) -> Result<Session<A>, Reason> {
        let mut slot = self.session.lock().await;
        if let Some(kept) = slot.as_ref() {
            let is_stale = stale.is_some_and(|s| Arc::ptr_eq(&s.inner, &kept.inner));
            if !is_stale {
                return Ok(kept.clone());
            }
        }
        if slot.take().is_some() {
            ctx.own.session_closed();
        }
        let unusable =
            |text: String| Reason::new(Status::Red, text).kind(ReasonKind::Configuration);
        let Some(credentials) = &self.appliance.credentials else {
            return Err(unusable("No credentials are configured".into()));
        };
        let password = credentials.password.read().map_err(unusable)?;
        let client = self.client().map_err(unusable)?;
        let result = A::login(&client, &credentials.user, password.expose()).await;
        ctx.own.login(ctx.target, result.is_ok());
        let session = result.map_err(|e| login_failure(&e, ctx.module.timeout))?;
        ctx.own.session_opened();
        *slot = Some(session.clone());
        Ok(session)
    }

    /// The client, made at the first probe (a CA file is read then) and kept.
    fn client(&self) -> Result<Client, String> {
        let mut slot = self
            .client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = client_builder(&self.appliance, self.settings.request_timeout)?
            .max_reply_size(MAX_REPLY_SIZE)
            .build()
            .map_err(|e| format!("The configuration is not usable: {e}"))?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Logs out the session, if there is one; true when there was.
    pub(crate) async fn logout(&self) -> bool {
        let session = self.session.lock().await.take();
        match session {
            Some(session) => {
                A::logout(&session).await;
                true
            }
            None => false,
        }
    }
}
