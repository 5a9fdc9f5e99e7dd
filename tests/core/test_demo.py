import pytest

from lindung.core.demo import demo_load
from lindung.programs.models import Enrolment, EnrolmentMonth, Programme
from lindung.programs.selectors import programme_quota_used
from lindung.registry.models import Worker
from lindung.registry.rules import check_nik_matches, parse_nik

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        first = demo_load(paser_workers=600, ppu_workers=120)
        again = demo_load(paser_workers=600, ppu_workers=120)
    yield first, again
    with django_db_blocker.unblock():
        EnrolmentMonth.objects.all().delete()
        Enrolment.objects.all().delete()
        Worker.objects.all().delete()
        Programme.objects.all().delete()


def test_demo_covers_30_paser_desa_with_valid_niks(demo):
    first, _ = demo
    assert first.workers == 720
    paser = Worker.objects.filter(village__pk__startswith="64.01.")
    assert paser.values("village").distinct().count() == 30
    for w in Worker.objects.all():
        info = parse_nik(w.nik)
        check_nik_matches(info, sex=w.sex, birth_date=w.birth_date)
        assert w.village_id.startswith(info.region_code)


def test_demo_has_every_enrolment_status_and_room_in_quotas(demo):
    for code in ("PASER-2026", "PPU-2026"):
        programme = Programme.objects.get(code=code)
        statuses = set(programme.enrolments.values_list("status", flat=True))
        assert statuses == set(Enrolment.Status.values)
        assert programme.quota - programme_quota_used(programme=programme) >= 1000
    ppu = Programme.objects.get(code="PPU-2026")
    assert sum(b.amount for b in ppu.budget_lines.all()) == 3_024_000_000
    assert (ppu.age_min, ppu.age_max) == (18, 65)


def test_demo_load_is_idempotent(demo):
    _, again = demo
    assert (again.regions, again.workers, again.enrolments) == (0, 0, 0)
    assert Worker.objects.count() == 720
