"""The outbox every channel sends through: what a store does (``base``), in SQLite or in Redis."""
