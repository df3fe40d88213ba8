"""The console's roles and the signed-in operator: what each role may do is what the roles before it may, and more.
Apart from the accounts (``app.console.accounts``), so that ``tongdai operator add --role`` knows the roles without
loading the database's models."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("viewer", "operator", "admin")  # each may do what the ones before it may


@dataclass(frozen=True)
class Operator:
    id: int
    username: str
    role: str

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)
