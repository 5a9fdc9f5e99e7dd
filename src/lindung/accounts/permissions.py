"""What each role may do, and the one check services call before every write.

Reading is governed by the region scope alone (every role reads its region; pimpinan and
auditor only read). Writing needs the role's permission for the action *and* the record's
region inside the user's scope.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts.models import Role, User
from lindung.core.errors import ScopeDenied
from lindung.regions.models import Region
from lindung.regions.scope import RegionScope


class Action(StrEnum):
    WORKER_EDIT = "worker_edit"
    ENROLMENT_PROPOSE = "enrolment_propose"
    ENROLMENT_VERIFY = "enrolment_verify"
    ENROLMENT_REGISTER = "enrolment_register"
    ENROLMENT_END = "enrolment_end"
    PROGRAMME_MANAGE = "programme_manage"
    AUDIT_READ = "audit_read"
    # Personal data by need (registry.privacy): NIK/KK/phone are masked unless the role needs
    # them whole: shown outright on the detail page, or revealed there with an audit event.
    PERSONAL_DATA_FULL = "personal_data_full"
    PERSONAL_DATA_REVEAL = "personal_data_reveal"
    # Claims (claims.services): the village reports, the Dinas completes the documents and
    # submits, the BPJS branch records the outcome; documents are read by those who handle them.
    CLAIM_REPORT = "claim_report"
    CLAIM_PROCESS = "claim_process"
    CLAIM_DECIDE = "claim_decide"
    CLAIM_DOCUMENT_READ = "claim_document_read"
    # Money (bills, payments, budget): the Dinas, the province, BPJS, leaders and auditors.
    # A village operator proposes people and follows them on their pages, not the budget.
    CONTRIBUTIONS_READ = "contributions_read"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.OPERATOR_DESA: frozenset(
        {Action.WORKER_EDIT, Action.ENROLMENT_PROPOSE, Action.PERSONAL_DATA_FULL}
    ),
    Role.ADMIN_KABUPATEN: frozenset(
        {
            Action.WORKER_EDIT,
            Action.ENROLMENT_PROPOSE,
            Action.ENROLMENT_VERIFY,
            Action.ENROLMENT_REGISTER,
            Action.ENROLMENT_END,
            Action.PROGRAMME_MANAGE,
            Action.AUDIT_READ,
            Action.PERSONAL_DATA_REVEAL,
        }
    ),
    Role.ADMIN_PROVINSI: frozenset(
        {
            Action.WORKER_EDIT,
            Action.ENROLMENT_PROPOSE,
            Action.ENROLMENT_VERIFY,
            Action.ENROLMENT_REGISTER,
            Action.ENROLMENT_END,
            Action.PROGRAMME_MANAGE,
            Action.AUDIT_READ,
            Action.PERSONAL_DATA_REVEAL,
        }
    ),
    Role.PETUGAS_BPJS: frozenset(
        {Action.ENROLMENT_REGISTER, Action.ENROLMENT_END, Action.PERSONAL_DATA_REVEAL}
    ),
    Role.PIMPINAN: frozenset(),
    Role.AUDITOR: frozenset({Action.AUDIT_READ, Action.PERSONAL_DATA_REVEAL}),
}

_CLAIM_ACTIONS: dict[str, set[Action]] = {
    Role.OPERATOR_DESA: {Action.CLAIM_REPORT, Action.CLAIM_DOCUMENT_READ},
    Role.ADMIN_KABUPATEN: {Action.CLAIM_REPORT, Action.CLAIM_PROCESS, Action.CLAIM_DOCUMENT_READ},
    Role.ADMIN_PROVINSI: {Action.CLAIM_REPORT, Action.CLAIM_PROCESS, Action.CLAIM_DOCUMENT_READ},
    Role.PETUGAS_BPJS: {Action.CLAIM_DECIDE, Action.CLAIM_DOCUMENT_READ},
    Role.AUDITOR: {Action.CLAIM_DOCUMENT_READ},
}
for _role, _actions in _CLAIM_ACTIONS.items():
    ROLE_ACTIONS[_role] = ROLE_ACTIONS[_role] | _actions
for _role in (
    Role.ADMIN_KABUPATEN,
    Role.ADMIN_PROVINSI,
    Role.PETUGAS_BPJS,
    Role.PIMPINAN,
    Role.AUDITOR,
):
    ROLE_ACTIONS[_role] = ROLE_ACTIONS[_role] | {Action.CONTRIBUTIONS_READ}

# Lazy: the labels are read in the language of the request, not of the import.
ACTION_LABELS = {
    Action.WORKER_EDIT: gettext_lazy("mengubah data pekerja"),
    Action.ENROLMENT_PROPOSE: gettext_lazy("mengusulkan peserta"),
    Action.ENROLMENT_VERIFY: gettext_lazy("memverifikasi usulan"),
    Action.ENROLMENT_REGISTER: gettext_lazy("mencatat pendaftaran BPJS"),
    Action.ENROLMENT_END: gettext_lazy("mengakhiri kepesertaan"),
    Action.PROGRAMME_MANAGE: gettext_lazy("mengelola program"),
    Action.AUDIT_READ: gettext_lazy("membaca jejak audit"),
    Action.PERSONAL_DATA_FULL: gettext_lazy("melihat data pribadi pekerja secara lengkap"),
    Action.PERSONAL_DATA_REVEAL: gettext_lazy("menampilkan NIK lengkap"),
    Action.CLAIM_REPORT: gettext_lazy("melaporkan klaim"),
    Action.CLAIM_PROCESS: gettext_lazy("memproses dan mengajukan klaim"),
    Action.CLAIM_DECIDE: gettext_lazy("mencatat keputusan klaim BPJS"),
    Action.CLAIM_DOCUMENT_READ: gettext_lazy("membuka dokumen klaim"),
    Action.CONTRIBUTIONS_READ: gettext_lazy("melihat iuran dan anggaran"),
}


def scope_of(user: User) -> RegionScope:
    """The region scope of a user: the single source every selector and service uses."""
    if not user.is_authenticated or not user.is_active:
        return RegionScope.nothing()
    if user.is_superuser and user.region_id is None:
        return RegionScope.national()
    if user.region_id is None:
        return RegionScope.nothing()
    cached = getattr(user, "_lindung_scope", None)
    if cached is not None:
        return cached
    codes = [user.region_id]
    if user.pk:
        codes += list(user.extra_regions.values_list("code", flat=True))
    scope = RegionScope(tuple(sorted(set(codes))))
    user._lindung_scope = scope  # type: ignore[attr-defined]
    return scope


def can(user: User, action: Action) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return action in ROLE_ACTIONS.get(user.role, frozenset())


def can_manage_programme(user: User, programme: Any) -> bool:
    """Managing a programme (settings, budget, bills, payments) is the sponsor's: the role,
    and the sponsoring region one of the user's own (`speaks_for_sponsor`). A kabupaten admin
    sees the province's programme but does not manage it; the province admin reads a
    kabupaten's programme but does not manage it either."""
    return can(user, Action.PROGRAMME_MANAGE) and speaks_for_sponsor(user, programme.region_id)


def authorize_programme_manage(user: User, programme_region: str) -> None:
    """Raise ScopeDenied unless `user` may manage a programme sponsored by `programme_region`
    (create it, its settings, budget, bills, payments): `can_manage_programme`'s rule."""
    authorize(user, Action.PROGRAMME_MANAGE, programme_region)
    if not speaks_for_sponsor(user, programme_region):
        sponsor = Region.objects.filter(code=programme_region).first()
        raise ScopeDenied(
            _(
                "Program ini dikelola oleh %(sponsor)s; Anda dapat membacanya tetapi tidak "
                "mengelolanya."
            )
            % {"sponsor": sponsor.label if sponsor else programme_region}
        )


def authorize(user: User, action: Action, region_code: str | None) -> None:
    """Raise ScopeDenied unless `user` may do `action` on a record of `region_code`."""
    if not can(user, action):
        raise ScopeDenied(
            _("Peran Anda tidak berwenang %(action)s.") % {"action": ACTION_LABELS[action]}
        )
    scope_of(user).require(region_code)


# --- enrolment steps: the worker's region and the programme's sponsor ------------------------

# A BPJS branch acts for the insurer, not for a sponsor: it registers, activates and ends the
# memberships of the people living where it serves, whichever government pays for them.
ACTS_FOR_INSURER = frozenset({Role.PETUGAS_BPJS})


def may_act_for_programme(user: User, action: Action, programme_region: str) -> bool:
    """Whether `user` may take the enrolment step `action` for the programme sponsored by
    `programme_region` (the worker's region is the other half, see `authorize_enrolment`).

    Proposing goes to any programme funding the user's region: its own regency's or the
    province's (an operator desa proposes into KALTIM-2026). Every later step (verify, reject,
    register, activate, end) is the sponsor's own (`speaks_for_sponsor`): the programme's
    region must be the user's region itself, not one inside it. So a kabupaten admin does
    not decide for the province's programme, and the province admin decides the
    province-funded programmes and only reads the kabupaten ones (README, roles: PASER-2026's
    proposals are verified by Paser's Dinas). A BPJS branch acts for the insurer
    (`ACTS_FOR_INSURER`): the worker's region is its whole check."""
    if not can(user, action):
        return False
    scope = scope_of(user)
    if action == Action.ENROLMENT_PROPOSE:
        return scope.touches(programme_region)
    return user.role in ACTS_FOR_INSURER or speaks_for_sponsor(user, programme_region)


def speaks_for_sponsor(user: User, programme_region: str) -> bool:
    """Whether `user` belongs to the government sponsoring a programme of `programme_region`:
    the region is one of the user's own (region or extra regions) at the same level, not
    merely inside the scope. A superuser without a region (national scope) speaks for all."""
    scope = scope_of(user)
    return scope.is_national or programme_region in scope.prefixes


def authorize_programme(
    user: User, action: Action, *, programme_region: str, programme_code: str
) -> None:
    """Raise ScopeDenied unless `user` may take the enrolment step `action` for the programme
    `programme_code` sponsored by `programme_region` (`may_act_for_programme`)."""
    if not can(user, action):
        authorize(user, action, None)  # the role's refusal
    if may_act_for_programme(user, action, programme_region):
        return
    if action == Action.ENROLMENT_PROPOSE:
        raise ScopeDenied(
            _("Program %(code)s bukan program wilayah Anda.") % {"code": programme_code}
        )
    sponsor = Region.objects.filter(code=programme_region).first()
    raise ScopeDenied(
        _(
            "Anda tidak berwenang %(action)s pada program %(code)s: program ini diselenggarakan "
            "oleh %(sponsor)s."
        )
        % {
            "action": ACTION_LABELS[action],
            "code": programme_code,
            "sponsor": sponsor.label if sponsor else programme_region,
        }
    )


def authorize_enrolment(
    user: User, action: Action, *, worker_region: str, programme_region: str, programme_code: str
) -> None:
    """The one check of every enrolment step (propose, verify, reject, register, activate,
    end; one by one, in bulk, from a file or the API): the role may take the step, the worker
    lives inside the user's scope, and the user may act for the programme. Raises
    ScopeDenied."""
    authorize(user, action, worker_region)
    authorize_programme(
        user, action, programme_region=programme_region, programme_code=programme_code
    )
