"""The one scope mechanism: Kemendagri code prefixes, applied to every scoped model, to every
selector and to every write service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from lindung.audit.models import AuditEvent
from lindung.audit.selectors import audit_events_for, history_of
from lindung.core.errors import ScopeDenied
from lindung.programs import selectors as programme_selectors
from lindung.programs.models import BudgetLine, Enrolment, Programme
from lindung.programs.services import (
    budget_line_add,
    enrolment_activate,
    enrolment_end,
    enrolment_propose,
    enrolment_register,
    enrolment_reject,
    enrolment_verify,
    programme_create,
    programme_set_quota,
)
from lindung.regions.models import Region
from lindung.regions.scope import RegionScope, scope_queryset
from lindung.regions.selectors import regions_in_scope, villages_in_scope
from lindung.registry.models import Occupation, Worker
from lindung.registry.selectors import worker_get, worker_list, workers_for
from lindung.registry.services import worker_update
from tests.conftest import DESA_A, DESA_B, DESA_OTHER_KEC, DESA_PPU, PASER, PPU

FEB = dt.date(2026, 2, 10)
PASER_SCOPE = RegionScope((PASER,))


# --- RegionScope -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [PASER, "64.01.04", "64.01.04.2002", "64.01.10.1001"])
def test_prefix_covers_itself_and_everything_inside(code):
    assert PASER_SCOPE.covers(code)


@pytest.mark.parametrize(
    "code", ["64", "64.09", "64.010", "64.0101", "64.010.01", "64.02.01", "6401", "64.1", "", None]
)
def test_prefix_does_not_cover_lookalikes_siblings_or_parents(code):
    assert not PASER_SCOPE.covers(code)


def test_village_scope_covers_only_the_village():
    scope = RegionScope((DESA_A,))
    assert scope.covers(DESA_A)
    assert not scope.covers(DESA_B)
    assert not scope.covers("64.01.01")


def test_national_scope_covers_every_region_and_nothing_covers_none():
    assert RegionScope.national().covers("91.01.01.2001")
    assert RegionScope.national().is_national
    assert not RegionScope.nothing().covers(PASER)
    assert RegionScope.nothing().is_empty


def test_several_prefixes_cover_each():
    scope = RegionScope((PASER, PPU))
    assert scope.covers(DESA_A) and scope.covers(DESA_PPU)
    assert not scope.covers("64.02.01.2001")


def test_touches_the_regions_above_but_not_beside():
    scope = RegionScope((DESA_A,))
    for code in ["64", PASER, "64.01.01", DESA_A]:
        assert scope.touches(code)
    for code in [PPU, DESA_B, "65"]:
        assert not scope.touches(code)


def test_require_raises_scope_denied_outside():
    PASER_SCOPE.require(DESA_A)
    with pytest.raises(ScopeDenied):
        PASER_SCOPE.require(DESA_PPU)


# --- scope_queryset ----------------------------------------------------------------------------


def scoped_models():
    return sorted(
        (m for m in apps.get_models() if getattr(m, "scope_field", None)),
        key=lambda m: m._meta.label,
    )


def test_the_foundation_models_declare_their_scope_field():
    labels = {m._meta.label for m in scoped_models()}
    assert {
        "registry.Worker",
        "programs.Programme",
        "programs.BudgetLine",
        "programs.Enrolment",
        "audit.AuditEvent",
    } <= labels


@pytest.mark.django_db
@pytest.mark.parametrize("model", scoped_models(), ids=lambda m: m._meta.label)
def test_scope_queryset_filters_every_scoped_model(model):
    qs = model._default_manager.all()
    assert scope_queryset(qs, RegionScope.nothing()).count() == 0
    assert scope_queryset(qs, RegionScope.national()).count() == qs.count()
    sql = str(scope_queryset(qs, PASER_SCOPE).query)
    assert "64.01." in sql  # a prefix LIKE on the code, never a bare '64.01%'
    assert "64.01%" not in sql.replace("64.01.%", "")


def test_scope_queryset_refuses_an_unscoped_model():
    with pytest.raises(TypeError):
        scope_queryset(Occupation.objects.all(), PASER_SCOPE)


@pytest.mark.django_db
def test_prefix_matches_whole_segments_in_the_database():
    for code in [PASER, "64.01.04.2002", "64.010", "64.0101.01", "64.09", "64", "6401", "64.01.04"]:
        AuditEvent.objects.create(action="x", object_type="t", object_id=code, region_code=code)
    got = set(
        scope_queryset(AuditEvent.objects.all(), PASER_SCOPE).values_list("region_code", flat=True)
    )
    assert got == {PASER, "64.01.04.2002", "64.01.04"}
    got = set(
        scope_queryset(
            AuditEvent.objects.all(), RegionScope(("64.01.04.2002", "64.09"))
        ).values_list("region_code", flat=True)
    )
    assert got == {"64.01.04.2002", "64.09"}


@pytest.mark.django_db
def test_region_selectors_keep_to_the_scope(regions):
    assert set(
        regions_in_scope(scope=PASER_SCOPE, level=Region.Level.DISTRICT).values_list(
            "parent_id", flat=True
        )
    ) == {PASER}
    villages = villages_in_scope(scope=RegionScope(("64.01.01",)))
    assert DESA_A in {v.code for v in villages}
    assert all(v.code.startswith("64.01.01.") for v in villages)


# --- data fixtures for selector scope ----------------------------------------------------------


@pytest.fixture
def world(users, programme, province_programme, make_worker):
    """A worker in DESA_A, DESA_B, another kecamatan of Paser and in PPU, each proposed."""
    ppu = programme_create(
        by=users.admin_ppu,
        code="PPU-2026",
        name="PPU 2026",
        region=users.admin_ppu.region,
        fiscal_year=2026,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        age_min=18,
        age_max=65,
        occupations=Occupation.objects.all(),
        quota=10,
    )
    budget_line_add(
        by=users.admin,
        programme=programme,
        kind="apbd_murni",
        amount=10,
        date=dt.date(2026, 1, 2),
        document_ref="DPA Paser",
    )
    budget_line_add(
        by=users.admin_ppu,
        programme=ppu,
        kind="apbd_murni",
        amount=10,
        date=dt.date(2026, 1, 2),
        document_ref="DPA PPU",
    )
    w = {
        "a": make_worker(by=users.operator, village=DESA_A),
        "b": make_worker(by=users.operator_b, village=DESA_B),
        "kec": make_worker(by=users.admin, village=DESA_OTHER_KEC),
        "ppu": make_worker(by=users.admin_ppu, village=DESA_PPU),
    }
    e = {
        "a": enrolment_propose(programme=programme, worker=w["a"], by=users.operator, on=FEB),
        "b": enrolment_propose(
            programme=province_programme, worker=w["b"], by=users.operator_b, on=FEB
        ),
        "kec": enrolment_propose(programme=programme, worker=w["kec"], by=users.admin, on=FEB),
        "ppu": enrolment_propose(programme=ppu, worker=w["ppu"], by=users.admin_ppu, on=FEB),
    }
    return {"workers": w, "enrolments": e, "ppu": ppu}


def keys(objs, qs):
    ids = set(qs.values_list("pk", flat=True))
    return {k for k, o in objs.items() if o.pk in ids}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [
        ("operator", {"a"}),
        ("operator_b", {"b"}),
        ("admin", {"a", "b", "kec"}),
        ("admin_ppu", {"ppu"}),
        ("province", {"a", "b", "kec", "ppu"}),
        ("bpjs", {"a", "b", "kec"}),
        ("leader", {"a", "b", "kec"}),
        ("auditor", {"a", "b", "kec"}),
    ],
)
def test_workers_and_enrolments_are_seen_only_inside_the_region(users, world, role, expected):
    user = getattr(users, role)
    assert keys(world["workers"], workers_for(user=user)) == expected
    assert keys(world["workers"], worker_list(user=user)) == expected
    assert keys(world["enrolments"], programme_selectors.enrolments_for(user=user)) == expected
    assert keys(world["enrolments"], programme_selectors.enrolment_list(user=user)) == expected


@pytest.mark.django_db
def test_guessed_ids_outside_the_region_do_not_exist(users, world):
    w, e = world["workers"], world["enrolments"]
    for key in ["b", "kec", "ppu"]:
        with pytest.raises(Worker.DoesNotExist):
            worker_get(user=users.operator, pk=w[key].pk)
        with pytest.raises(Enrolment.DoesNotExist):
            programme_selectors.enrolment_get(user=users.operator, pk=e[key].pk)
    with pytest.raises(Worker.DoesNotExist):
        worker_get(user=users.admin, pk=w["ppu"].pk)
    with pytest.raises(Worker.DoesNotExist):
        worker_get(user=users.admin_ppu, pk=w["a"].pk)
    assert worker_get(user=users.operator, pk=w["a"].pk) == w["a"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [
        ("operator", {"PASER-2026", "KALTIM-2026"}),
        ("admin", {"PASER-2026", "KALTIM-2026"}),
        ("admin_ppu", {"PPU-2026", "KALTIM-2026"}),
        ("province", {"PASER-2026", "KALTIM-2026", "PPU-2026"}),
    ],
)
def test_programmes_of_the_region_and_above_are_visible(users, world, role, expected):
    user = getattr(users, role)
    assert set(programme_selectors.programmes_for(user=user).values_list("code", flat=True)) == (
        expected
    )
    assert set(programme_selectors.programme_list(user=user).values_list("code", flat=True)) == (
        expected
    )


@pytest.mark.django_db
def test_programme_of_another_regency_cannot_be_fetched(users, world):
    with pytest.raises(Programme.DoesNotExist):
        programme_selectors.programme_get(user=users.admin, code="PPU-2026")
    with pytest.raises(Programme.DoesNotExist):
        programme_selectors.programme_get(user=users.operator, code="PPU-2026")


@pytest.mark.django_db
def test_budget_lines_are_scoped_to_the_sponsor(users, world):
    docs = set(
        scope_queryset(BudgetLine.objects.all(), PASER_SCOPE).values_list("document_ref", flat=True)
    )
    assert docs == {"DPA Paser"}


@pytest.mark.django_db
def test_audit_trail_is_read_inside_the_region_by_auditors_and_admins(users, world):
    regions = set(audit_events_for(user=users.auditor).values_list("region_code", flat=True))
    assert regions and all(r.startswith("64.01") for r in regions)
    assert not any(r.startswith(PPU) for r in regions)
    ppu_regions = set(audit_events_for(user=users.admin_ppu).values_list("region_code", flat=True))
    assert ppu_regions and all(r.startswith(PPU) for r in ppu_regions)
    for role in ["operator", "leader", "bpjs"]:
        with pytest.raises(ScopeDenied):
            audit_events_for(user=getattr(users, role))


@pytest.mark.django_db
def test_history_of_a_record_outside_the_region_is_empty(users, world):
    w = world["workers"]["ppu"]
    assert history_of(user=users.admin_ppu, object_type="worker", object_id=str(w.pk)).exists()
    assert not history_of(user=users.admin, object_type="worker", object_id=str(w.pk)).exists()


# --- every write service keeps to the scope ----------------------------------------------------


@pytest.mark.django_db
def test_operator_cannot_change_anything_of_another_village(users, world):
    w, e = world["workers"]["b"], world["enrolments"]["b"]
    with pytest.raises(ScopeDenied):
        worker_update(worker=w, by=users.operator, name="Diubah")
    w.refresh_from_db()
    assert w.name != "Diubah"
    with pytest.raises(ScopeDenied):
        enrolment_reject(enrolment=e, by=users.operator, reason="x")


@pytest.mark.django_db
def test_admin_of_paser_cannot_touch_ppu(users, world):
    ppu, w, e = world["ppu"], world["workers"]["ppu"], world["enrolments"]["ppu"]
    calls = [
        lambda: worker_update(worker=w, by=users.admin, name="Diubah"),
        lambda: enrolment_propose(programme=ppu, worker=w, by=users.admin, on=FEB),
        lambda: enrolment_verify(enrolment=e, by=users.admin),
        lambda: enrolment_reject(enrolment=e, by=users.admin, reason="x"),
        lambda: programme_set_quota(by=users.admin, programme=ppu, quota=5),
        lambda: budget_line_add(
            by=users.admin,
            programme=ppu,
            kind="lainnya",
            amount=1,
            date=dt.date(2026, 1, 2),
            document_ref="x",
        ),
    ]
    for call in calls:
        with pytest.raises(ScopeDenied):
            call()
    e = enrolment_verify(enrolment=e, by=users.admin_ppu)
    e = enrolment_register(
        enrolment=e,
        by=users.admin_ppu,
        kpj_number="12345678901",
        registration_date=dt.date(2026, 2, 20),
    )
    with pytest.raises(ScopeDenied):
        enrolment_activate(enrolment=e, by=users.admin)
    with pytest.raises(ScopeDenied):
        enrolment_end(enrolment=e, by=users.admin, reason="pindah")
    e.refresh_from_db()
    assert e.status == Enrolment.Status.REGISTERED
    ppu.refresh_from_db()
    assert ppu.quota == 10


def test_region_choices_are_bounded_for_large_scopes(regions):
    from lindung.regions.models import Region
    from lindung.regions.scope import RegionScope
    from lindung.regions.selectors import region_choices

    paser = RegionScope(prefixes=("64.01",))
    districts = region_choices(scope=paser, level=Region.Level.DISTRICT)
    assert districts is not None and len(districts) == 10
    assert region_choices(scope=paser, level=Region.Level.VILLAGE, limit=100) is None
    batu_sopang = region_choices(scope=paser, level=Region.Level.VILLAGE, parent="64.01.01")
    assert batu_sopang and all(code.startswith("64.01.01.") for code, _label in batu_sopang)
