"""Accounts in the audit trail: logins (issue 13: an inspector sees who logged in, and who
failed), password changes and the system administrator's changes of users (sent by accounts,
`accounts.signals.account_changed`), and whether a user has acted (`history_asked`).

A failed login names a user only when the user name exists; the attempted name is recorded
either way (never the password). Events of a user are filed under the user's region, so the
region's auditor reads them like any other event; attempts on unknown names are filed
nationally (the system administrator reads them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.signals import account_changed, history_asked
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_event


def _address(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR", "") if request is not None else "")[:45]


@receiver(user_logged_in, dispatch_uid="lindung_audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or "REMOTE_ADDR" not in request.META:
        return  # a login from code (shell, test client), not a sign-in over HTTP
    audit_event(
        actor=user,
        action="login",
        obj=user,
        region_code=user.region_id or "",
        summary=_("%(user)s masuk") % {"user": user.username},
        changes={"ip": _address(request)},
    )


@receiver(user_login_failed, dispatch_uid="lindung_audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if request is None or "REMOTE_ADDR" not in request.META:
        return  # a check from code, not an attempt over HTTP
    username = str(credentials.get("username") or "")[:150]
    user = User.objects.filter(username=username).first()
    audit_event(
        actor=None,
        action="login_failed",
        obj=user or User(pk=0),
        region_code=(user.region_id or "") if user else "",
        summary=_("Gagal masuk sebagai %(user)s") % {"user": username or "-"},
        changes={"username": username, "ip": _address(request)},
    )


@receiver(account_changed, dispatch_uid="lindung_audit_account_changed")
def audit_account_changed(
    sender: Any,
    actor: User,
    user: User,
    action: str,
    summary: str,
    changes: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    audit_event(
        actor=actor,
        action=action,
        obj=user,
        region_code=user.region_id or "",
        summary=summary,
        changes=changes or {},
    )


@receiver(history_asked, dispatch_uid="lindung_audit_history_asked")
def audit_has_history(sender: Any, user: User, **kwargs: Any) -> bool:
    return AuditEvent.objects.filter(actor=user).exists()
