"""One module per channel, each with the same surface: ``verify``, ``parse_inbound``, ``render``, ``send``,
plus a Flask ``blueprint`` with its webhook routes."""
