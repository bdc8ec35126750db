//! The one integration-test binary: the real `gandi-skill` executable run
//! against a stateful fake Gandi on 127.0.0.1, one module per area.

#[allow(dead_code)]
mod fake;
mod support;

mod canary;
mod catalog;
mod client;
mod client_hardening;
mod credentials;
mod dns;
mod dns_writes;
mod domains_orders;
mod domains_settings;
mod email_certs_billing;
mod generated;
mod hardening;
mod large_accounts;
mod properties;
mod protocol;
mod read_actions;
mod safety;
mod scripts;
