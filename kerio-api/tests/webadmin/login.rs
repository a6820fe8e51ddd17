//! The vendor's form login against the mock.
