"""Demo data: Kalimantan Timur's real regions, the programmes of the current fiscal year
(PASER-<year> and PPU-<year>), a few thousand synthetic workers with valid NIKs in 30 of
Paser's desa, enrolments in every status, bills and arrears, one user per role. Idempotent:
running it again the same year changes nothing; in a later year it adds that year's programmes.

Seed-only bulk writes live here (workers, status advances) so `make demo` stays fast; they
respect the same invariants as the services (unique NIK, one funded enrolment per month,
quota) and write audit events in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from lindung.accounts.models import Role, User
from lindung.audit.models import AuditEvent
from lindung.audit.services import audit_events_bulk
from lindung.core import clock
from lindung.programs.models import Enrolment, EnrolmentMonth, Programme
from lindung.programs.rules import add_months, months_between
from lindung.programs.services import budget_line_add, enrolments_propose, programme_create
from lindung.regions.models import Region
from lindung.regions.services import regions_load
from lindung.registry.models import Occupation, Worker
from lindung.registry.rules import nik_compose

DEMO_PASSWORD = "lindung-demo"
SEED = 2026

PASER_OCCUPATIONS = [
    "imam",
    "marbot",
    "guru-ngaji",
    "ketua-rt-rw",
    "relawan-damkar",
    "relawan-bencana",
    "nelayan",
    "petani",
    "pekebun",
    "pedagang",
    "pelaku-umkm",
    "nakes-desa",
]
PPU_EXTRA = [
    "buruh-tani",
    "ojek",
    "tukang-parkir",
    "buruh-pelabuhan",
    "motoris",
    "sopir",
    "penggali-kubur",
    "penjaga-warung",
    "perempuan-kepala-keluarga",
]

MALE = [
    "Ahmad",
    "Muhammad",
    "Budi",
    "Rahmat",
    "Syahrul",
    "Andi",
    "Hendra",
    "Yusuf",
    "Arif",
    "Darmawan",
    "Irwan",
    "Joko",
    "Rudi",
    "Hasan",
    "Ilham",
    "Fajar",
    "Agus",
    "Samsul",
    "Bahtiar",
    "Iwan",
    "Daeng",
    "Kurniawan",
    "Supriadi",
    "Abdul",
]
FEMALE = [
    "Siti",
    "Nur",
    "Rahmawati",
    "Aisyah",
    "Fitriani",
    "Hasanah",
    "Dewi",
    "Sri",
    "Rina",
    "Wahyuni",
    "Nurhayati",
    "Yuliana",
    "Fatimah",
    "Kartini",
    "Suryani",
    "Halimah",
    "Murni",
    "Ratna",
    "Indah",
    "Sari",
]
FAMILY = [
    "Saputra",
    "Hidayat",
    "Rahman",
    "Syahrani",
    "Pratama",
    "Setiawan",
    "Nugroho",
    "Aminuddin",
    "Kasim",
    "Baharuddin",
    "Santoso",
    "Wijaya",
    "Ramadhan",
    "Hakim",
    "Sulaiman",
    "Lestari",
    "Maulana",
    "Gunawan",
    "Usman",
    "Anwar",
]
PLACES = [
    "Tanah Grogot",
    "Long Ikis",
    "Kuaro",
    "Batu Sopang",
    "Long Kali",
    "Muara Komam",
    "Penajam",
    "Balikpapan",
    "Samarinda",
    "Waru",
    "Babulu",
    "Sepaku",
]

# (username, role, region code or None for national, full name)
USERS = [
    ("admin", "", None, "Administrator Lindung"),
    ("operator.desa", Role.OPERATOR_DESA, None, "Operator Desa"),  # region set to a demo desa
    ("admin.paser", Role.ADMIN_KABUPATEN, "64.01", "Disnakertrans Kabupaten Paser"),
    ("admin.ppu", Role.ADMIN_KABUPATEN, "64.09", "Disnakertrans Penajam Paser Utara"),
    ("admin.kaltim", Role.ADMIN_PROVINSI, "64", "Disnakertrans Provinsi Kalimantan Timur"),
    ("bpjs.tanahgrogot", Role.PETUGAS_BPJS, "64.01", "BPJS Ketenagakerjaan Tanah Grogot"),
    ("bupati.paser", Role.PIMPINAN, "64.01", "Bupati Paser"),
    ("inspektorat.paser", Role.AUDITOR, "64.01", "Inspektorat Kabupaten Paser"),
]


@dataclass
class DemoSummary:
    regions: int = 0
    workers: int = 0
    enrolments: int = 0
    users: list[tuple[str, str, str]] | None = None


def _paser_demo_villages() -> list[Region]:
    """30 of Paser's 139 desa (as in the seed articles): three in each of the 10 kecamatan."""
    villages: list[Region] = []
    for district in Region.objects.filter(parent_id="64.01").order_by("code"):
        desa = list(
            Region.objects.filter(parent=district, kind=Region.Kind.DESA).order_by("code")[:3]
        )
        villages += desa
    return villages[:30]


def _ppu_demo_villages() -> list[Region]:
    return list(
        Region.objects.filter(
            code__startswith="64.09.", level=Region.Level.VILLAGE, kind=Region.Kind.DESA
        ).order_by("code")[:12]
    )


def _users(operator_village: Region) -> list[tuple[str, str, str]]:
    out = []
    # One hash for all demo accounts: hashing is deliberately slow, and these share a password.
    password_hash = make_password(DEMO_PASSWORD)
    for username, role, region, full_name in USERS:
        region_code = operator_village.code if username == "operator.desa" else region
        user, created = User.objects.get_or_create(
            username=username, defaults={"password": password_hash}
        )
        user.first_name = full_name
        user.role = role
        user.region_id = region_code
        user.is_superuser = user.is_staff = username == "admin"
        user.save()
        if username == "bpjs.tanahgrogot":
            user.extra_regions.set(Region.objects.filter(code="64.09"))  # the branch serves PPU too
        out.append((username, user.role_label, region_code or "Indonesia"))
    return out


@dataclass(frozen=True)
class DemoCalendar:
    """The demo's dates in the fiscal year of `on` (the demo follows the calendar: run in 2027
    it builds PASER-2027). Dates the demo would put after `on` are brought back to `on`."""

    on: dt.date

    @property
    def year(self) -> int:
        return self.on.year

    def day(self, month: int, day: int) -> dt.date:
        return min(dt.date(self.year, month, day), self.on)

    @property
    def last_billed_month(self) -> dt.date:
        """Bills run from January to last month (January itself early in the year)."""
        return max(dt.date(self.year, 1, 1), add_months(self.on.replace(day=1), -1))

    @property
    def paid_through(self) -> dt.date | None:
        """SP2D payments stop three months before this month, so arrears show."""
        month = add_months(self.on.replace(day=1), -3)
        return month if month.year == self.year else None

    @property
    def ended_on(self) -> dt.date:
        """Ended enrolments end at mid-year, or at the end of January early in the year."""
        end_of_last_month = self.on.replace(day=1) - dt.timedelta(days=1)
        return max(dt.date(self.year, 1, 31), min(dt.date(self.year, 6, 30), end_of_last_month))


def _programmes(
    admin_paser: User, admin_ppu: User, cal: DemoCalendar
) -> tuple[Programme, Programme]:
    year = cal.year
    paser = Programme.objects.filter(code=f"PASER-{year}").first()
    if paser is None:
        paser = programme_create(
            by=admin_paser,
            code=f"PASER-{year}",
            name=f"Perlindungan Jaminan Sosial Pekerja Rentan Kabupaten Paser {year}",
            region=Region.objects.get(code="64.01"),
            fiscal_year=year,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            age_min=15,
            age_max=64,
            occupations=Occupation.objects.filter(code__in=PASER_OCCUPATIONS),
            quota=8000,
            legal_basis="Perbup Paser 4/2022",
        )
        budget_line_add(
            by=admin_paser,
            programme=paser,
            kind="apbd_murni",
            amount=3000 * 16800 * 12,
            date=cal.day(1, 2),
            document_ref=f"Perda APBD Paser {year} / DPA Disnakertrans",
        )
        budget_line_add(
            by=admin_paser,
            programme=paser,
            kind="apbd_perubahan",
            amount=5000 * 16800 * 12,
            date=cal.day(9, 15),
            document_ref=f"Perda APBD-P Paser {year}",
        )
    ppu = Programme.objects.filter(code=f"PPU-{year}").first()
    if ppu is None:
        ppu = programme_create(
            by=admin_ppu,
            code=f"PPU-{year}",
            name=f"Jaminan Sosial Ketenagakerjaan Pekerja Rentan Penajam Paser Utara {year}",
            region=Region.objects.get(code="64.09"),
            fiscal_year=year,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            age_min=18,
            age_max=65,
            occupations=Occupation.objects.filter(code__in=PASER_OCCUPATIONS + PPU_EXTRA),
            quota=15000,
        )
        budget_line_add(
            by=admin_ppu,
            programme=ppu,
            kind="apbd_murni",
            amount=3_024_000_000,
            date=cal.day(1, 2),
            document_ref=f"Perda APBD PPU {year} (15.000 × Rp16.800 × 12)",
        )
    return paser, ppu


def _make_workers(
    rng: random.Random,
    villages: list[Region],
    n: int,
    occupations: list[Occupation],
    serial_base: int,
) -> list[Worker]:
    workers = []
    for i in range(n):
        village = villages[i % len(villages)]
        sex = rng.choice("LP")
        birth = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 44))
        birth = min(birth, dt.date(2006, 12, 31))
        district6 = village.code[:8].replace(".", "")
        nik = nik_compose(district6, birth, sex, serial_base + i)
        first = rng.choice(MALE if sex == "L" else FEMALE)
        workers.append(
            Worker(
                nik=nik,
                kk_number=f"{district6}{rng.randrange(10**9, 10**10 - 1)}",
                name=f"{first} {rng.choice(FAMILY)}",
                sex=sex,
                birth_place=rng.choice(PLACES),
                birth_date=birth,
                village=village,
                address=f"RT {rng.randint(1, 25):02d}",
                phone=f"08{rng.randrange(10**9, 10**10)}",
                occupation=rng.choice(occupations),
                declared_income=1_000_000,
            )
        )
    return workers


def _advance(
    enrolments: list[Enrolment], *, by: User, plan: list[tuple[str, int]], cal: DemoCalendar
) -> None:
    """Move proposed enrolments to later statuses in bulk: plan = [(status, count), ...].
    One UPDATE per status group (values shared by the group), one bulk_update for KPJ."""
    now = clock.now()
    kpj_base = 10_000_000_000 + Enrolment.objects.exclude(kpj_number="").count()
    events: list[AuditEvent] = []
    with_kpj: list[Enrolment] = []
    i = 0
    for status, count in plan:
        chunk = enrolments[i : i + count]
        i += count
        ids = [e.pk for e in chunk]
        fields: dict[str, object] = {"status": status}
        if status != Enrolment.Status.REJECTED:
            fields |= {"verified_at": now, "verified_by": by}
        if status in (Enrolment.Status.REGISTERED, Enrolment.Status.ACTIVE, Enrolment.Status.ENDED):
            fields |= {
                "registration_date": cal.day(1, 12),
                "registered_at": now,
                "registered_by": by,
            }
            for e in chunk:
                e.kpj_number = str(kpj_base + len(with_kpj))
                with_kpj.append(e)
        if status in (Enrolment.Status.ACTIVE, Enrolment.Status.ENDED):
            fields |= {"activated_at": now, "activated_by": by}
        if status in (Enrolment.Status.ENDED, Enrolment.Status.REJECTED):
            fields |= {"closed_at": now, "closed_by": by}
        Enrolment.objects.filter(pk__in=ids).update(**fields)
        if status == Enrolment.Status.ENDED:
            reasons = [
                Enrolment.EndReason.DECEASED,
                Enrolment.EndReason.MOVED,
                Enrolment.EndReason.WAGE_EARNER,
            ]
            for n, reason in enumerate(reasons):
                Enrolment.objects.filter(pk__in=ids[n::3]).update(
                    end_reason=reason, end_date=cal.ended_on
                )
            EnrolmentMonth.objects.filter(enrolment_id__in=ids, month__gt=cal.ended_on).delete()
        if status == Enrolment.Status.REJECTED:
            Enrolment.objects.filter(pk__in=ids[0::2]).update(
                reject_reason="Berstatus ASN (data BKD)"
            )
            Enrolment.objects.filter(pk__in=ids[1::2]).update(reject_reason="Pelajar/mahasiswa")
            EnrolmentMonth.objects.filter(enrolment_id__in=ids).delete()
        events += [
            AuditEvent(
                actor=by,
                action=status,
                object_type="enrolment",
                object_id=str(e.pk),
                region_code=e.worker.village_id,
                summary=f"{e.worker.name}: {status} (data demo)",
                changes={"status": ["diusulkan", status]},
            )
            for e in chunk
        ]
    Enrolment.objects.bulk_update(with_kpj, ["kpj_number"], batch_size=500)
    audit_events_bulk(events)


def _contributions(programme: Programme, admin: User, cal: DemoCalendar) -> None:
    """Bills from January to last month; SP2D payments, a quarter at a time where a whole
    quarter is due, up to three months ago, so the arrears warning has something to say."""
    from lindung.contributions.selectors import programme_has_bills
    from lindung.contributions.services import bill_generate, payment_record

    if programme_has_bills(programme):
        return
    months = months_between(programme.period_start, cal.last_billed_month)
    bills = {m: bill_generate(by=admin, programme=programme, month=m) for m in months}
    paid_through = cal.paid_through
    if paid_through is None:
        return
    first, n = months[0], 0
    while first <= paid_through:
        span = 3 if first.month in (1, 4, 7, 10) and add_months(first, 2) <= paid_through else 1
        covered = [add_months(first, i) for i in range(span)]
        n += 1
        payment_record(
            by=admin,
            programme=programme,
            paid_on=min(first.replace(day=14), cal.on),
            amount=sum(bills[m].total for m in covered),
            months_covered=span,
            first_month=first,
            reference=f"SP2D/{programme.code}/{programme.fiscal_year}/{n:03d}",
        )
        first = add_months(first, span)


def demo_load(
    *, paser_workers: int = 3000, ppu_workers: int = 600, on: dt.date | None = None
) -> DemoSummary:
    """Load the demo for the fiscal year of `on` (today by default). Run again in a later year,
    it adds that year's programmes for the same workers and leaves earlier years untouched."""
    cal = DemoCalendar(on or clock.today())
    summary = DemoSummary()
    summary.regions = regions_load(prefix="")
    rng = random.Random(SEED)
    paser_villages = _paser_demo_villages()
    ppu_villages = _ppu_demo_villages()
    with transaction.atomic():
        summary.users = _users(paser_villages[0])
        admin_paser = User.objects.get(username="admin.paser")
        admin_ppu = User.objects.get(username="admin.ppu")
        bpjs = User.objects.get(username="bpjs.tanahgrogot")
        paser, ppu = _programmes(admin_paser, admin_ppu, cal)
        if Enrolment.objects.filter(programme__in=[paser, ppu]).exists():
            return summary  # already loaded
        for programme, villages, n, occ_codes, serial_base, admin in (
            (paser, paser_villages, paser_workers, PASER_OCCUPATIONS, 1, admin_paser),
            (ppu, ppu_villages, ppu_workers, PASER_OCCUPATIONS + PPU_EXTRA, 5001, admin_ppu),
        ):
            occupations = list(Occupation.objects.filter(code__in=occ_codes))
            new = _make_workers(rng, villages, n, occupations, serial_base)
            before = Worker.objects.count()
            Worker.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
            summary.workers += Worker.objects.count() - before
            workers = list(
                Worker.objects.filter(nik__in=[w.nik for w in new]).select_related("village")
            )
            # Proposed at the start of the year so every month of the year is held.
            result = enrolments_propose(
                programme=programme, workers=workers, by=admin, on=cal.day(1, 5)
            )
            created = result.created
            summary.enrolments += len(created)
            k = len(created)
            plan = [
                (Enrolment.Status.ACTIVE, int(k * 0.62)),
                (Enrolment.Status.REGISTERED, int(k * 0.08)),
                (Enrolment.Status.VERIFIED, int(k * 0.08)),
                (Enrolment.Status.ENDED, int(k * 0.05)),
                (Enrolment.Status.REJECTED, int(k * 0.05)),
            ]
            # the rest stay proposed
            _advance(created, by=bpjs if programme is paser else admin, plan=plan, cal=cal)
            _contributions(programme, admin, cal)
        # Denominators, targets and sosialisasi events of the year (monitoring, outreach).
        from lindung.monitoring.demo import monitoring_demo_load

        monitoring_demo_load(year=cal.year, by=admin_paser)
        from lindung.claims.demo import claims_demo_load  # JKM paid, JKK submitted/rejected/…

        claims_demo_load(year=cal.year)
    return summary
