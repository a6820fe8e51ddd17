//! The appliance the web administration expects to find.
