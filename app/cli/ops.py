"""Operator commands for the outbox and the Zalo channel: ``tongdai worker``, ``tongdai deadletters list|resend``
(every channel), and ``tongdai zalo-token show|set`` (after re-authorising the OA, since the environment's tokens
seed an empty store only)."""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.config import Settings
from app.message import masked

if TYPE_CHECKING:
    from app.outbox.base import OutboxStore
    from lookups.store import Catalog

COMMANDS = ("worker", "deadletters", "zalo-token")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("worker", help="send Zalo replies and notices on every channel from the outbox until stopped"
                                  " (SIGTERM, Ctrl-C)")
    letters = sub.add_parser("deadletters", help="messages (any channel) that could not be sent")
    acts = letters.add_subparsers(dest="action", required=True)
    acts.add_parser("list", help="dead letters not yet re-sent")
    resend = acts.add_parser("resend", help="send dead letters again, now")
    which = resend.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", type=int, help="the dead letter's id (see list)")
    which.add_argument("--all", action="store_true", help="every dead letter not yet re-sent")
    token = sub.add_parser("zalo-token", help="the Zalo OA token pair kept in the state store")
    tacts = token.add_subparsers(dest="action", required=True)
    tacts.add_parser("show", help="whether a pair is stored and when it expires (never the tokens)")
    put = tacts.add_parser("set", help="store a new pair (asked for, or two lines on stdin), e.g. after"
                                       " re-authorising the OA")
    put.add_argument("--expires-in", type=int, help="seconds the access token has left (default: unknown)")


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    from app.outbox import open_outbox

    settings = Settings.from_env()
    box = open_outbox(settings)  # Redis when REDIS_URL is set, else the SQLite file
    if args.command == "worker":
        return _worker(settings, catalog, box)
    if args.command == "deadletters":
        return _list(box) if args.action == "list" else _resend(settings, box, args)
    return _show_token(settings, box) if args.action == "show" else _set_token(settings, box, args)


def _worker(settings: Settings, catalog: Catalog, box: OutboxStore) -> int:
    from app.outbound.worker import run_forever
    from app.services import Services

    settings.check()
    catalog.warm()
    stop = threading.Event()

    def stopping(signum: int, frame: object) -> None:
        stop.set()
        box.wake()  # no I/O: a signal handler must not re-enter a Redis connection the main thread is using

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    run_forever(Services(settings, catalog), stop, box)
    return 0


def _list(box: OutboxStore) -> int:
    from app.outbound.deadletters import preview

    letters = box.dead_letters()
    if not letters:
        print("no dead letters")
        return 0
    print(f"{'id':>5}  {'failed at (UTC)':<19}  {'channel':<7}  {'to':<8}  {'tries':>5}  {'reason':<28}  message")
    for letter in letters:
        when = datetime.fromtimestamp(letter.created_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{letter.id:>5}  {when:<19}  {letter.channel:<7}  {masked(letter.user_id):<8}  {letter.attempts:>5}  "
              f"{letter.reason[:28]:<28}  {preview(letter)}")
    return 0


def _resend(settings: Settings, box: OutboxStore, args: argparse.Namespace) -> int:
    from app.outbound.deadletters import resend

    letters = box.dead_letters(None if args.all else [args.id])
    if not letters:
        print("no dead letters to re-send" if args.all else f"no dead letter {args.id} waiting to be re-sent")
        return 0 if args.all else 1
    failed = 0
    for letter, outcome in resend(settings, box, letters):
        failed += not outcome.ok
        print(f"{letter.id}: {outcome}")
    return 1 if failed else 0


def _show_token(settings: Settings, box: OutboxStore) -> int:
    import requests

    from app.channels.zalo.tokens import Tokens

    pair = Tokens(box, settings, requests.Session(), (1, 1)).load()
    if pair is None:
        print(f"no Zalo token stored in {box.where}")
        return 1
    left = "unknown" if pair.expires_at is None else f"{(pair.expires_at - time.time()) / 3600:.1f} h"
    print(f"Zalo token stored in {box.where}; access token expires in {left}")
    return 0


def _set_token(settings: Settings, box: OutboxStore, args: argparse.Namespace) -> int:
    import requests

    from app.channels.zalo.tokens import Tokens
    from app.outbox.base import TokenPair

    if sys.stdin.isatty():  # asked for, so the tokens stay out of the shell history and the process list
        access, refresh = getpass.getpass("access token: "), getpass.getpass("refresh token: ")
    else:
        access, refresh = (sys.stdin.readline().strip() for _ in range(2))
    if not (access and refresh):
        print("tongdai zalo-token set: both an access token and a refresh token are needed", file=sys.stderr)
        return 2
    expires_at = None if args.expires_in is None else time.time() + args.expires_in
    Tokens(box, settings, requests.Session(), (1, 1)).save(TokenPair(access, refresh, expires_at))
    print(f"Zalo token pair stored in {box.where}")
    return 0
