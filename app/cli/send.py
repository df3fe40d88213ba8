"""``tongdai send --channel twilio|gateway|zalo|sms --to RECIPIENT [--key KEY] TEXT``: an operator's notice to one
resident, through the outbox (``app.outbound.notices``), so that the running worker (or ``tongdai worker``) sends it
with the same retries, opt-out, quiet hours and Zalo window as any notice."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from app.config import ConfigError, Settings

if TYPE_CHECKING:
    from lookups.store import Catalog

COMMANDS = ("send",)
CHANNELS = ("sms", "twilio", "gateway", "zalo")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    send = sub.add_parser("send", help="queue a notice to one resident (sent by the worker)")
    send.add_argument("--channel", choices=CHANNELS, required=True,
                      help="sms: the short-code gateway when it can send, else Twilio")
    send.add_argument("--to", required=True, help="phone number (SMS) or Zalo user id")
    send.add_argument("--key", help="idempotency key: the same key again queues nothing")
    send.add_argument("text", nargs="+", help="the message (SMS: sent accent-free)")


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    from app.outbound.notices import NoticeError, Outbound, channel_for
    from app.outbox.base import OutboxUnavailable
    from lookups.clock import VIETNAM

    try:
        settings = Settings.from_env()
        settings.check()
        channel = channel_for(args.channel, settings)
        queued = Outbound.for_settings(settings).send(channel, args.to, " ".join(args.text), key=args.key)
    except (NoticeError, ConfigError) as exc:
        print(f"tongdai send: {exc}", file=sys.stderr)
        return 2
    except OutboxUnavailable as exc:
        print(f"tongdai send: the outbox cannot be reached ({exc}); nothing was queued", file=sys.stderr)
        return 1
    if queued.status == "duplicate":
        print(f"already queued as {queued.key}: not queued again")
        return 0
    if queued.status != "queued":
        print(f"not queued: {queued.reason}", file=sys.stderr)
        return 1
    when = datetime.fromtimestamp(queued.due, VIETNAM)
    later = f"; it waits for the end of the quiet hours, {when:%Y-%m-%d %H:%M} (Asia/Ho_Chi_Minh)" \
        if queued.due > datetime.now(VIETNAM).timestamp() + 1 else ""
    print(f"queued {queued.key} on {channel}{later}")
    return 0
