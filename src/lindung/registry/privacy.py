"""Personal data by need: who sees a worker's NIK, No. KK and phone number whole (issue 14).

- **Lists** (the worker list, the duplicate queue, any page of many people): masked for every
  role (`6401 01•• •••• 0002`, `core.formatting.mask_identity`). A list is for finding a
  person, not for copying numbers in bulk.
- **A worker's page**: whole for the role that registers and corrects the village's workers
  (operator desa, `Action.PERSONAL_DATA_FULL`), who types them on the edit form anyway. The
  other roles see them masked; those that may need the whole number for their work (admins,
  the BPJS branch, the auditor: `Action.PERSONAL_DATA_REVEAL`) reveal it with one click,
  which records who, when and which worker in the audit trail (`services.worker_reveal`).
  Pimpinan cannot.
- **The API**: whole for the roles that write (the systems that keep the registry and the
  BPJS registration need the numbers), masked for the roles that only read.

Masking is display only; every rule and search still works on the stored number.
"""

from __future__ import annotations

from typing import Any

from lindung.accounts.permissions import Action, can, scope_of


def full_on_detail(user: Any) -> bool:
    """True when `user` sees a worker's numbers whole on its page without asking."""
    return can(user, Action.PERSONAL_DATA_FULL)


def may_reveal(user: Any, *, region_code: str | None) -> bool:
    """True when `user` may reveal the numbers of a worker living in `region_code`."""
    return can(user, Action.PERSONAL_DATA_REVEAL) and scope_of(user).covers(region_code)


def full_in_api(user: Any) -> bool:
    """True when API responses carry the numbers whole for `user`: roles that write to the
    registry or register people with BPJS; read-only roles get them masked."""
    return (
        can(user, Action.WORKER_EDIT)
        or can(user, Action.ENROLMENT_REGISTER)
        or can(user, Action.PERSONAL_DATA_FULL)
    )
