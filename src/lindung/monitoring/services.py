"""Writes of monitoring: denominators (one village, or a whole file) and targets.

Both are the Dinas's figures: the roles that manage programmes (admin kabupaten/kota for its
regency, admin provinsi for its province) enter them for regions inside their scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, can, scope_of
from lindung.audit.services import audit_event
from lindung.core import clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.formatting import thousands
from lindung.imports import parsers
from lindung.imports import rules as cells
from lindung.monitoring.models import Denominator, Target
from lindung.regions.models import Region
from lindung.registry.models import Occupation

YEAR_MIN, YEAR_MAX = 2000, 2100


def _check_year(year: int) -> None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationFailed(
            [
                DomainError(
                    _("Tahun %(year)s tidak wajar; isi tahun antara %(min)s dan %(max)s.")
                    % {"year": year, "min": YEAR_MIN, "max": YEAR_MAX},
                    code="year_invalid",
                    field="year",
                )
            ]
        )


# --- denominators ---------------------------------------------------------------------------


@transaction.atomic
def denominator_set(
    *,
    by: User,
    village: Region,
    year: int,
    estimated_workers: int,
    source: str,
    occupation: Occupation | None = None,
    notes: str = "",
) -> Denominator:
    """Create or replace the denominator of a village (and occupation) for a year."""
    authorize(by, Action.PROGRAMME_MANAGE, village.code)
    errors = []
    if village.level != Region.Level.VILLAGE:
        errors.append(
            DomainError(
                _("Penyebut diisi per desa/kelurahan; pilih desa/kelurahan."),
                code="village_level",
                field="village",
            )
        )
    if estimated_workers < 0:
        errors.append(
            DomainError(
                _("Perkiraan pekerja rentan tidak boleh negatif."),
                code="number_invalid",
                field="estimated_workers",
            )
        )
    if source not in Denominator.Source.values:
        errors.append(
            DomainError(
                _("Pilih sumber data: BPS, DTKS/Regsosek atau survei desa."),
                code="source_invalid",
                field="source",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    _check_year(year)
    row, created = Denominator.objects.select_for_update().get_or_create(
        village=village,
        occupation=occupation,
        year=year,
        defaults={
            "estimated_workers": estimated_workers,
            "source": source,
            "notes": notes,
            "updated_at": clock.now(),
            "updated_by": by,
        },
    )
    old = None if created else row.estimated_workers
    if not created:
        row.estimated_workers, row.source, row.notes = estimated_workers, source, notes
        row.updated_at, row.updated_by = clock.now(), by
        row.save()
    audit_event(
        actor=by,
        action="denominator_set",
        obj=row,
        region_code=village.code,
        summary=_("Penyebut %(village)s %(year)s: %(n)s")
        % {"village": village.label, "year": year, "n": thousands(estimated_workers)},
        changes={
            "estimated_workers": [old, estimated_workers],
            "source": source,
            "occupation": occupation.code if occupation else None,
        },
    )
    return row


@transaction.atomic
def denominator_delete(*, by: User, denominator: Denominator) -> None:
    authorize(by, Action.PROGRAMME_MANAGE, denominator.village_id)
    audit_event(
        actor=by,
        action="denominator_delete",
        obj=denominator,
        region_code=denominator.village_id,
        summary=_("Penyebut %(code)s %(year)s dihapus")
        % {"code": denominator.village_id, "year": denominator.year},
        changes={"estimated_workers": [denominator.estimated_workers, None]},
    )
    denominator.delete()


# --- targets --------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    by: User,
    region: Region,
    year: int,
    participants: int | None = None,
    coverage_pct: Decimal | None = None,
    villages_implementing: int | None = None,
    notes: str = "",
) -> Target:
    """Create or replace the target of a region for a year."""
    authorize(by, Action.PROGRAMME_MANAGE, region.code)
    errors = []
    if participants is None and coverage_pct is None and villages_implementing is None:
        errors.append(
            DomainError(
                _("Isi minimal satu target: peserta, cakupan (%) atau desa melaksanakan."),
                code="missing_value",
                field="participants",
            )
        )
    if coverage_pct is not None and not 0 <= coverage_pct <= 100:
        errors.append(
            DomainError(
                _("Target cakupan harus antara 0 dan 100 %."),
                code="number_invalid",
                field="coverage_pct",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    _check_year(year)
    values = {
        "participants": participants,
        "coverage_pct": coverage_pct,
        "villages_implementing": villages_implementing,
        "notes": notes,
        "updated_at": clock.now(),
        "updated_by": by,
    }
    target, created = Target.objects.update_or_create(region=region, year=year, defaults=values)
    audit_event(
        actor=by,
        action="target_set",
        obj=target,
        region_code=region.code,
        summary=_("Target %(region)s %(year)s") % {"region": region.label, "year": year},
        changes={
            "participants": participants,
            "villages": villages_implementing,
            "coverage_pct": str(coverage_pct) if coverage_pct is not None else None,
            "created": created,
        },
    )
    return target


# --- denominator files ----------------------------------------------------------------------

# The file's columns: KODE_DESA and JUMLAH are required.
COLUMNS = ["KODE_DESA", "PEKERJAAN", "JUMLAH", "SUMBER", "CATATAN"]
ALIASES = {
    "kodedesa": "village_code",
    "kodewilayah": "village_code",
    "kodedesakelurahan": "village_code",
    "kodekelurahan": "village_code",
    "pekerjaan": "occupation",
    "kodepekerjaan": "occupation",
    "jumlah": "estimated_workers",
    "perkiraan": "estimated_workers",
    "jumlahpekerjarentan": "estimated_workers",
    "pekerjarentan": "estimated_workers",
    "sumber": "source",
    "sumberdata": "source",
    "catatan": "notes",
    "keterangan": "notes",
}
REQUIRED = {"village_code": "KODE_DESA", "estimated_workers": "JUMLAH"}
COLUMN_OF = {
    "village_code": "KODE_DESA",
    "occupation": "PEKERJAAN",
    "estimated_workers": "JUMLAH",
    "source": "SUMBER",
    "notes": "CATATAN",
}
SOURCES = {
    "bps": Denominator.Source.BPS,
    "dtks": Denominator.Source.DTKS,
    "regsosek": Denominator.Source.DTKS,
    "dtksregsosek": Denominator.Source.DTKS,
    "survei": Denominator.Source.SURVEY,
    "surveidesa": Denominator.Source.SURVEY,
    "survey": Denominator.Source.SURVEY,
    "surveydesa": Denominator.Source.SURVEY,
}


@dataclass
class DenominatorImport:
    year: int
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[cells.Issue] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "accepted": self.accepted,
            "rejected": len({e.row for e in self.errors}),
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }


def _number(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        if float(value) != int(value) or value < 0:
            raise ValueError
        return int(value)
    text = cells.text(value).replace(".", "").replace(" ", "")
    if not text.isdigit():
        raise ValueError
    return int(text)


def denominators_import(
    *, by: User, content: bytes, filename: str, year: int, dry_run: bool = False, source: str = ""
) -> DenominatorImport:
    """Denominators of `year` from a spreadsheet (.xlsx or .csv) with the `COLUMNS`.

    Each row is checked; a rejected row writes nothing and the accepted rows commit together
    (the workers import's rule). Re-importing a file changes nothing (upsert on village,
    occupation and year). `dry_run` checks without writing. Raises FileRefused when the file
    cannot be read or lacks a required column."""
    if not can(by, Action.PROGRAMME_MANAGE):
        authorize(by, Action.PROGRAMME_MANAGE, None)
    _check_year(year)
    header, raw_rows = parsers.split_header(parsers.read_rows(content, filename))
    columns = cells.map_headers([cells.text(h) for h in header], ALIASES)
    missing = [col for f, col in REQUIRED.items() if f not in columns]
    if missing:
        raise parsers.FileRefused(
            _("Kolom wajib tidak ditemukan: %(cols)s. Kolom berkas penyebut: %(all)s.")
            % {"cols": ", ".join(missing), "all": ", ".join(COLUMNS)},
            code="column_missing",
        )
    report = DenominatorImport(year=year, dry_run=dry_run, rows=len(raw_rows))
    scope = scope_of(by)

    def cell(cells_: list[object], name: str) -> object:
        i = columns.get(name)
        return cells_[i] if i is not None and i < len(cells_) else None

    codes = {cells.text(cell(c, "village_code")) for _n, c in raw_rows}
    villages = {r.code: r for r in Region.objects.filter(code__in=codes)}
    occupations: dict[str, Occupation] = {}
    for o in Occupation.objects.all():
        occupations[cells.header_key(o.code)] = o
        occupations[cells.header_key(o.name)] = o
    accepted: dict[tuple[str, int | None], tuple[int, dict[str, Any]]] = {}
    for row_no, c in raw_rows:
        problems = []
        code = cells.text(cell(c, "village_code"))
        village = villages.get(code)
        if not code:
            problems.append(
                cells.issue(
                    row_no, "KODE_DESA", "missing_value", _("Isi kode desa/kelurahan Kemendagri.")
                )
            )
        elif village is None or village.level != Region.Level.VILLAGE:
            problems.append(
                cells.issue(
                    row_no,
                    "KODE_DESA",
                    "village_unknown",
                    _(
                        "Kode desa/kelurahan %(code)s tidak dikenal; tulis kode 13 karakter, "
                        "mis. 64.01.01.2009."
                    )
                    % {"code": code[:20]},
                )
            )
        elif not scope.covers(code):
            problems.append(
                cells.issue(
                    row_no,
                    "KODE_DESA",
                    "village_out_of_scope",
                    _("Desa %(name)s berada di luar wilayah kewenangan Anda.")
                    % {"name": village.label},
                )
            )
        occupation = None
        occ_text = cells.text(cell(c, "occupation"))
        if occ_text:
            occupation = occupations.get(cells.header_key(occ_text))
            if occupation is None:
                problems.append(
                    cells.issue(
                        row_no,
                        "PEKERJAAN",
                        "occupation_unknown",
                        _(
                            'Pekerjaan "%(v)s" tidak dikenal; kosongkan untuk jumlah seluruh '
                            "pekerjaan atau tulis kode/nama dari daftar pekerjaan."
                        )
                        % {"v": occ_text[:40]},
                    )
                )
        raw_n = cell(c, "estimated_workers")
        n = None
        if cells.is_blank(raw_n):
            problems.append(
                cells.issue(
                    row_no, "JUMLAH", "missing_value", _("Isi perkiraan jumlah pekerja rentan.")
                )
            )
        else:
            try:
                n = _number(raw_n)
            except (ValueError, InvalidOperation):
                problems.append(
                    cells.issue(
                        row_no,
                        "JUMLAH",
                        "number_invalid",
                        _(
                            '"%(v)s" bukan bilangan bulat tidak negatif; tulis angka saja, '
                            "mis. 1250."
                        )
                        % {"v": cells.text(raw_n)[:20]},
                    )
                )
        src_text = cells.text(cell(c, "source")) or source
        src = SOURCES.get(cells.header_key(src_text)) if src_text else None
        if src is None:
            problems.append(
                cells.issue(
                    row_no,
                    "SUMBER",
                    "source_invalid" if src_text else "missing_value",
                    _("Isi sumber: BPS, DTKS/Regsosek atau survei desa."),
                )
            )
        key = (code, occupation.pk if occupation else None)
        if not problems and key in accepted:
            problems.append(
                cells.issue(
                    row_no,
                    "KODE_DESA",
                    "duplicate_in_file",
                    _("Desa dan pekerjaan ini sudah ada di baris %(row)s.")
                    % {"row": accepted[key][0]},
                )
            )
        if problems:
            report.errors.extend(problems)
            continue
        accepted[key] = (
            row_no,
            {
                "estimated_workers": n,
                "source": str(src),
                "notes": cells.text(cell(c, "notes"))[:250],
            },
        )
    _upsert(by=by, year=year, accepted=accepted, report=report, dry_run=dry_run)
    return report


@transaction.atomic
def _upsert(
    *, by: User, year: int, accepted: dict, report: DenominatorImport, dry_run: bool
) -> None:
    """Compare with the stored rows (one query), then one bulk insert and one bulk update."""
    existing = {
        (d.village_id, d.occupation_id): d
        for d in Denominator.objects.filter(
            year=year,
            village_id__in={k[0] for k in accepted},
            # No ordering: the default one joins the nullable occupation, and PostgreSQL cannot
            # lock the nullable side of an outer join.
        )
        .order_by()
        .select_for_update(of=("self",))
    }
    now: dt.datetime = clock.now()
    new, changed = [], []
    for (village, occupation), (_row, values) in accepted.items():
        old = existing.get((village, occupation))
        if old is None:
            new.append(
                Denominator(
                    village_id=village,
                    occupation_id=occupation,
                    year=year,
                    updated_at=now,
                    updated_by=by,
                    **values,
                )
            )
        elif any(getattr(old, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(old, k, v)
            old.updated_at, old.updated_by = now, by
            changed.append(old)
        else:
            report.unchanged += 1
    report.created, report.updated = len(new), len(changed)
    if dry_run or not (new or changed):
        return
    Denominator.objects.bulk_create(new, batch_size=2000)
    Denominator.objects.bulk_update(
        changed,
        ["estimated_workers", "source", "notes", "updated_at", "updated_by"],
        batch_size=2000,
    )
    region = scope_of(by).prefixes[0] if scope_of(by).prefixes else ""
    audit_event(
        actor=by,
        action="denominators_import",
        obj=(new or changed)[0],
        region_code=region,
        summary=_("Impor penyebut %(year)s: %(new)s baru, %(changed)s diubah")
        % {"year": year, "new": len(new), "changed": len(changed)},
        changes={"created": len(new), "updated": len(changed)},
    )


def denominator_template() -> bytes:
    """A CSV with the header and one example row."""
    return (
        b"KODE_DESA;PEKERJAAN;JUMLAH;SUMBER;CATATAN\n"
        b"64.01.01.2009;;420;BPS;\n64.01.01.2009;nelayan;130;survei desa;\n"
    )
