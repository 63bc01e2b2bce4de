//! The authorization server of a profile (RFC 6749 authorization code grant, RFC 7636 PKCE,
//! SMART App Launch 2.x): `authorize` validates and approves requests, `consent` shows the
//! sign-in and patient picker of a standalone launch, `token` redeems codes and rotates
//! refresh tokens, `revoke` revokes tokens (RFC 7009).

mod authorize;
mod consent;
mod redirect;
mod revoke;
mod token;

pub(crate) use authorize::{authorize, authorize_post};
pub(crate) use consent::decision;
pub(crate) use revoke::revoke;
pub(crate) use token::token;
