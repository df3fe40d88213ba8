"""What goes out after the webhook has answered: notices (``notices``), the outbox worker that sends them and
Zalo's replies (``worker``) through each channel's sender (``senders``, ``delivery``), dead letters, opt-outs
(``consent``) and quiet hours."""
