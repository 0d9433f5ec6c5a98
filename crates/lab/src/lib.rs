//! `cors-doctor-lab`: a catalogue of named CORS scenarios (correct and deliberately broken) and a
//! small server that writes their raw header lines to the wire.
