"""Writes on a user's own account."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from lindung.accounts.models import User
from lindung.accounts.signals import account_changed
from lindung.core.errors import DomainError, ValidationFailed


@transaction.atomic
def user_password_change(*, user: User, new_password: str) -> User:
    """Set a new password for `user` after the password rules (settings.AUTH_PASSWORD_VALIDATORS)
    and record it in the audit trail. Checking the old password is the caller's part (the form);
    the user's other sessions end with the change (Django's session auth hash)."""
    try:
        validate_password(new_password, user)
    except ValidationError as e:
        raise ValidationFailed(
            [DomainError(m, code="password_invalid", field="new_password1") for m in e.messages]
        ) from e
    user.set_password(new_password)
    user.save(update_fields=["password"])
    account_changed.send(
        sender=User,
        actor=user,
        user=user,
        action="password_change",
        summary="Kata sandi diubah oleh penggunanya",
    )
    return user
