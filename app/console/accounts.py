"""Operator accounts and the audit log, in the reports database.

Passwords are hashed with werkzeug's scrypt (salted, memory-hard); only the hash is stored. Sign-in attempts are
rate-limited from the audit log itself, so every worker process sees the same count: at most ``MAX_FAILURES``
failed attempts per account, and ``MAX_FAILURES_PER_ADDRESS`` per client address, in ``WINDOW``.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.console.models import AuditRow, OperatorRow
from app.console.roles import ROLES, Operator
from app.reports.repository import SqlTicketStore

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
MIN_PASSWORD = 10


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the account does not exist, so that a wrong name takes as long as a wrong password.
    Made on the first sign-in, not at import: scrypt costs about 0.1 s, which every CLI command and worker paid."""
    return generate_password_hash("not-a-password", method="scrypt")


class AccountError(ValueError):
    """An account that cannot be made as asked; the message says why."""


class Accounts:
    def __init__(self, store: SqlTicketStore) -> None:
        self.store = store

    def add(self, username: str, password: str, role: str, now: datetime, actor: str = "cli") -> Operator:
        username = username.strip()
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if not (1 <= len(username) <= 60) or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
            raise AccountError("a username is 1 to 60 letters, digits, '.', '-' or '_'")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password has at least {MIN_PASSWORD} characters")
        with self.store.session() as session, session.begin():
            if session.scalars(select(OperatorRow).where(OperatorRow.username == username)).first():
                raise AccountError(f"there is already an operator named {username!r}")
            row = OperatorRow(username=username, password_hash=generate_password_hash(password, method="scrypt"),
                              role=role, active=True, created_at=now)
            session.add(row)
            session.add(AuditRow(at=now, actor=actor, action="operator.add", target=username, detail=f"role {role}",
                                 address=""))
            session.flush()
            return Operator(row.id, row.username, row.role)

    def get(self, operator_id: int) -> Operator | None:
        with self.store.session() as session:
            row = session.get(OperatorRow, operator_id)
            return Operator(row.id, row.username, row.role) if row is not None and row.active else None

    def all(self) -> list[OperatorRow]:
        with self.store.session() as session:
            return list(session.scalars(select(OperatorRow).order_by(OperatorRow.username)))

    def limited(self, username: str, address: str, now: datetime) -> bool:
        """True when this account or this address has failed too often lately."""
        since = now - WINDOW
        failed = select(func.count()).select_from(AuditRow).where(AuditRow.action == "login.failed",
                                                                  AuditRow.at >= since)
        with self.store.session() as session:
            by_name = session.scalar(failed.where(AuditRow.target == username[:200])) or 0
            by_address = session.scalar(failed.where(AuditRow.address == address[:64])) or 0
        return by_name >= MAX_FAILURES or by_address >= MAX_FAILURES_PER_ADDRESS

    def sign_in(self, username: str, password: str, address: str, now: datetime) -> Operator | None:
        with self.store.session() as session, session.begin():
            row = session.scalars(select(OperatorRow).where(OperatorRow.username == username)).first()
            good = check_password_hash(row.password_hash if row else _dummy_hash(), password)
            if row is None or not row.active or not good:
                session.add(AuditRow(at=now, actor="-", action="login.failed", target=username[:200],
                                     detail="", address=address[:64]))
                return None
            row.last_login_at = now
            session.add(AuditRow(at=now, actor=f"operator:{row.username}", action="login", target=row.username,
                                 detail="", address=address[:64]))
            return Operator(row.id, row.username, row.role)

    def audit(self, who: Operator, action: str, target: str, detail: str, address: str) -> None:
        with self.store.session() as session, session.begin():
            session.add(AuditRow(at=datetime.now(UTC), actor=f"operator:{who.username}", action=action,
                                 target=target[:200], detail=detail, address=address[:64]))

    def recent(self, limit: int = 100, target_prefix: str = "") -> list[AuditRow]:
        query = select(AuditRow).where(AuditRow.action != "login.failed")
        if target_prefix:
            query = query.where(AuditRow.target.startswith(target_prefix))
        with self.store.session() as session:
            return list(session.scalars(query.order_by(AuditRow.id.desc()).limit(limit)))
