"""SMS: Twilio (``twilio``) and the Vietnamese short-code aggregators (``gateway``), sharing ``common``."""
