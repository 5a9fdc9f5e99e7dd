"""Roles and scope: what each role may do (DOMAIN.md §2), and the region each user sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from lindung.accounts.permissions import Action, authorize, can, scope_of
from lindung.core.errors import ScopeDenied
from lindung.regions.models import Region
from lindung.regions.scope import RegionScope
from tests.conftest import DESA_A, DESA_B, DESA_PPU, PASER, PPU

pytestmark = pytest.mark.django_db

A = Action
WRITES = [
    A.WORKER_EDIT,
    A.ENROLMENT_PROPOSE,
    A.ENROLMENT_VERIFY,
    A.ENROLMENT_REGISTER,
    A.ENROLMENT_END,
    A.PROGRAMME_MANAGE,
]
# Written out from DOMAIN.md §2, not derived from the code under test.
EXPECTED = {
    "operator": {A.WORKER_EDIT, A.ENROLMENT_PROPOSE, A.PERSONAL_DATA_FULL},
    "admin": {*WRITES, A.AUDIT_READ, A.PERSONAL_DATA_REVEAL},
    "province": {*WRITES, A.AUDIT_READ, A.PERSONAL_DATA_REVEAL},
    "bpjs": {A.ENROLMENT_REGISTER, A.ENROLMENT_END, A.PERSONAL_DATA_REVEAL},
    "leader": set(),
    "auditor": {A.AUDIT_READ, A.PERSONAL_DATA_REVEAL},
}
# Claims (issue 11): the village reports, the Dinas processes, the BPJS branch decides; those
# who handle claims and the auditor open their documents; pimpinan none of it.
CLAIMS = {
    "operator": {A.CLAIM_REPORT, A.CLAIM_DOCUMENT_READ},
    "admin": {A.CLAIM_REPORT, A.CLAIM_PROCESS, A.CLAIM_DOCUMENT_READ},
    "province": {A.CLAIM_REPORT, A.CLAIM_PROCESS, A.CLAIM_DOCUMENT_READ},
    "bpjs": {A.CLAIM_DECIDE, A.CLAIM_DOCUMENT_READ},
    "auditor": {A.CLAIM_DOCUMENT_READ},
}
for _role, _actions in CLAIMS.items():
    EXPECTED[_role] = EXPECTED[_role] | _actions
# Money pages: everyone but the village operator.
for _role in ("admin", "province", "bpjs", "leader", "auditor"):
    EXPECTED[_role] = EXPECTED[_role] | {A.CONTRIBUTIONS_READ}
OWN_REGION = {
    "operator": DESA_A,
    "admin": "64.01.03.2001",
    "province": DESA_PPU,
    "bpjs": DESA_B,
    "leader": DESA_B,
    "auditor": DESA_A,
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", list(Action))
def test_authorize_allows_exactly_the_role_actions_inside_its_region(users, role, action):
    user = getattr(users, role)
    region = OWN_REGION[role]
    assert can(user, action) is (action in EXPECTED[role])
    if action in EXPECTED[role]:
        authorize(user, action, region)
    else:
        with pytest.raises(ScopeDenied) as exc:
            authorize(user, action, region)
        assert "Peran Anda tidak berwenang" in exc.value.message


@pytest.mark.parametrize("role", ["leader", "auditor"])
@pytest.mark.parametrize("action", WRITES)
def test_read_only_roles_cannot_write_anything_even_in_their_region(users, role, action):
    with pytest.raises(ScopeDenied):
        authorize(getattr(users, role), action, DESA_A)


@pytest.mark.parametrize(
    "role,outside",
    [
        ("operator", DESA_B),
        ("operator", PASER),
        ("admin", DESA_PPU),
        ("admin", PPU),
        ("admin", "64"),
        ("province", "65.01.01.2001"),
        ("bpjs", DESA_PPU),
    ],
)
def test_allowed_action_outside_the_region_is_denied(users, role, outside):
    action = sorted(EXPECTED[role])[0]
    with pytest.raises(ScopeDenied) as exc:
        authorize(getattr(users, role), action, outside)
    assert "di luar wilayah" in exc.value.message


def test_record_without_region_is_denied(users):
    with pytest.raises(ScopeDenied):
        authorize(users.admin, A.WORKER_EDIT, None)


def test_scope_of_each_role_is_its_region(users):
    assert scope_of(users.operator) == RegionScope((DESA_A,))
    assert scope_of(users.admin) == RegionScope((PASER,))
    assert scope_of(users.admin_ppu) == RegionScope((PPU,))
    assert scope_of(users.province) == RegionScope(("64",))
    assert scope_of(users.leader) == RegionScope((PASER,))
    assert scope_of(users.auditor) == RegionScope((PASER,))


def test_bpjs_branch_serving_two_regencies_sees_both(users, make_user):
    officer = make_user("bpjs_cabang", "petugas_bpjs", PASER)
    officer.extra_regions.add(Region.objects.get(code=PPU))
    assert scope_of(officer) == RegionScope((PASER, PPU))
    authorize(officer, A.ENROLMENT_REGISTER, DESA_PPU)
    with pytest.raises(ScopeDenied):
        authorize(officer, A.ENROLMENT_REGISTER, "64.02.01.2001")


def test_superuser_without_region_is_national_and_may_do_everything(django_user_model, regions):
    root = django_user_model.objects.create_superuser("root", password="x")
    assert scope_of(root).is_national
    for action in Action:
        authorize(root, action, "91.01.01.2001")


def test_superuser_with_a_region_keeps_to_it(django_user_model, regions):
    root = django_user_model.objects.create_superuser("root", password="x", region_id=PASER)
    authorize(root, A.PROGRAMME_MANAGE, PASER)
    with pytest.raises(ScopeDenied):
        authorize(root, A.PROGRAMME_MANAGE, PPU)


def test_user_without_role_may_do_nothing(make_user):
    user = make_user("tanpa_peran", "", PASER)
    for action in Action:
        assert not can(user, action)


def test_user_without_region_sees_nothing(django_user_model, regions):
    user = django_user_model.objects.create_user("lepas", password="x")
    assert scope_of(user).is_empty


def test_inactive_and_anonymous_users_see_nothing_and_may_do_nothing(users):
    users.admin.is_active = False
    assert scope_of(users.admin).is_empty
    assert not can(users.admin, A.WORKER_EDIT)
    anon = AnonymousUser()
    assert scope_of(anon).is_empty
    with pytest.raises(ScopeDenied):
        authorize(anon, A.WORKER_EDIT, DESA_A)
