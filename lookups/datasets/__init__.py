"""One loader per dataset; each turns files of a data directory into typed, immutable records."""
