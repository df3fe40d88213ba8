"""``tongdai operator add NAME [--role admin|operator|viewer]`` and ``tongdai operator list``: the console's
accounts. The password is read from standard input (asked twice on a terminal), never from the command line,
so it stays out of the shell history and the process list."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.config import Settings
from app.console.roles import ROLES

if TYPE_CHECKING:
    from lookups.store import Catalog

COMMANDS = ("operator",)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    top = sub.add_parser("operator", help="accounts of the web console")
    acts = top.add_subparsers(dest="action", required=True)
    add = acts.add_parser("add", help="a new account; the password is read from standard input")
    add.add_argument("name", help="the username")
    add.add_argument("--role", choices=ROLES, default="operator",
                     help="viewer reads; operator handles reports and resends; admin also imports data")
    acts.add_parser("list", help="the accounts, their roles and last sign-in")


def _password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    return first if getpass.getpass("again: ") == first else ""


def run(args: argparse.Namespace, catalog: Catalog) -> int:
    from app.console.accounts import AccountError, Accounts
    from app.reports.desk import open_desk, store_of

    accounts = Accounts(store_of(open_desk(Settings.from_env(), catalog.data_dir)))
    if args.action == "list":
        for row in accounts.all():
            seen = row.last_login_at.isoformat(timespec="minutes") if row.last_login_at else "never"
            print(f"{row.username:<24} {row.role:<9} {'active' if row.active else 'disabled':<9} last sign-in {seen}")
        return 0
    password = _password()
    if not password:
        print("tongdai: no password given (or the two differ)", file=sys.stderr)
        return 2
    try:
        who = accounts.add(args.name, password, args.role, datetime.now(UTC))
    except AccountError as exc:
        print(f"tongdai: {exc}", file=sys.stderr)
        return 2
    print(f"operator {who.username} added with role {who.role}")
    return 0
