"""Citizen reports: PA files a ticket, TT follows it. Importing the package registers both keywords."""

from handlers.reports import keywords  # noqa: F401  (registers PA and TT)
