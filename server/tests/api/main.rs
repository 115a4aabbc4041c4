//! The server as a client sees it: one app per test on a random port with a
//! fresh SQLite database ([`helpers::spawn_app`]). One test binary (`api`),
//! one module per concern.

mod helpers;

mod admin;
mod assess;
mod bounds;
mod carry;
mod cli;
mod corrections;
mod editions;
mod events;
mod export;
mod facilitation;
mod history;
mod hooks;
mod injection;
mod joining;
mod links;
mod live;
mod openapi;
mod pages;
mod resend;
mod robustness;
mod roles;
mod secrecy;
mod security;
mod survey;
mod trend;
