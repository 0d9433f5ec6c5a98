//! Loopback tests of the transport.
