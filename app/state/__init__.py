"""The state store: de-duplication, limits, conversations, the result cache and statistics, in Redis or memory."""
