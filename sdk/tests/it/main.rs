//! The SDK's integration tests, one binary (each module was its own test
//! target; one binary links the generated clients once instead of ten times).

mod cancel;
mod environment;
mod events;
mod given_client;
mod hostile_replies;
mod media_types;
mod outcomes;
mod pages;
mod requests;
mod response_size;
mod retries;
mod security;
