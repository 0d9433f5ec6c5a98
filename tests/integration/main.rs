//! The one integration-test binary.

mod browser;
