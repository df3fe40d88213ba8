"""Zalo Official Account: the webhook, the events parsed, the replies built (``messages``) and sent (``client``,
with the OA tokens in ``tokens``)."""
