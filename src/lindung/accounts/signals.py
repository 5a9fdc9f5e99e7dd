"""What happens to accounts, told to the apps above without importing them: the audit trail
records it (`audit/accounts_trail.py`, with the logins from Django's own signals). accounts is
below audit in the apps' order (README), so it sends; it never calls the trail itself."""

from __future__ import annotations

from django.dispatch import Signal

account_changed = Signal()
"""Sent with `actor` (the user acting), `user` (the account), `action` ("create", "update",
"password_change"), `summary` and `changes` ({field: [before, after]})."""

history_asked = Signal()
"""Sent with `user`: a receiver answers True when it holds something the user did (the audit
trail), so the account may not be deleted."""
