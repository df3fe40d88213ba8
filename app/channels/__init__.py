"""The channels residents reach the service by, each a ``Channel`` (``base``): ``sms`` (Twilio and the short-code
aggregators), ``zalo`` and ``api``, all listed in ``registry``. They never import each other."""
