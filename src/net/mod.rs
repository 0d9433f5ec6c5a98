//! Network transport: sends exactly the requests the core builds and reports raw observations.
