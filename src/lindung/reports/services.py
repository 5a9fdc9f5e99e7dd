"""Writes of the reports: asking for a report and building it in the background, the
letterhead (with its logo) of a region, and the Paritrana self-assessment."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, can
from lindung.audit.services import audit_event
from lindung.contributions import selectors as contribution_selectors
from lindung.contributions.models import Bill
from lindung.core import clock, liveness
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.exports import ExportFile
from lindung.monitoring import indicators
from lindung.regions.models import Region
from lindung.reports import render, rules, selectors, statements
from lindung.reports.models import (
    Letterhead,
    ParitranaAssessment,
    ParitranaInnovation,
    ReportRun,
)

log = logging.getLogger(__name__)

KB = 1024
LOGO_MAX_KB = 1024  # settings.REPORT_LOGO_MAX_KB overrides
LOGO_MAX_PIXELS = 4000  # per side
# A run whose worker cannot be checked (another machine) and that has been silent this long
# is taken for dead (core.liveness).
SILENT_AFTER = dt.timedelta(minutes=15)


class ReportRefused(DomainError):
    code = "report_refused"


# --- asking for a report and building it ---------------------------------------------------------


def _region(user: User, code: str) -> Region:
    """Region `code` inside the user's scope: ScopeDenied outside it, a DomainError for an
    unknown code (a report is never about Indonesia as a whole)."""
    try:
        region = indicators.region_for(user=user, code=code)
    except Region.DoesNotExist as e:
        raise ReportRefused(
            _("Wilayah %(code)s tidak ditemukan.") % {"code": code[:20]},
            code="region_unknown",
            field="region",
        ) from e
    if region is None:
        raise ReportRefused(
            _("Pilih provinsi, kabupaten/kota, kecamatan atau desa."),
            code="region_unknown",
            field="region",
        )
    return region


def _check(*, kind: str, fmt: str, period: str, region: Region, today: dt.date) -> str:
    """The period's canonical code, after checking kind, format and period."""
    if kind not in ReportRun.Kind.values:
        raise ReportRefused(
            _("Jenis laporan %(kind)s tidak dikenal.") % {"kind": kind[:20]},
            code="kind_unknown",
            field="kind",
        )
    if fmt not in ReportRun.Format.values:
        raise ReportRefused(
            _("Format %(fmt)s tidak dikenal; pilih pdf atau xlsx.") % {"fmt": fmt[:10]},
            code="format_unknown",
            field="format",
        )
    parsed = rules.parse_period(period)
    if kind == ReportRun.Kind.STATEMENT:
        # A bill's month, which may lie ahead (contributions are paid up to 12 months early).
        if parsed.kind != "month":
            raise rules.PeriodInvalid(_("Tagihan iuran dibuat per bulan, mis. 2026-11."))
        return parsed.code
    if kind == ReportRun.Kind.PARITRANA:
        if parsed.kind != "year":
            raise rules.PeriodInvalid(
                _("Penilaian Paritrana dibuat per tahun, mis. 2025."), field="period"
            )
        if region.level > Region.Level.REGENCY:
            raise ReportRefused(
                _("Penilaian Paritrana dibuat untuk provinsi atau kabupaten/kota."),
                code="region_level",
                field="region",
            )
    rules.require_started(parsed, today=today)
    return parsed.code


def report_build(
    *,
    user: User,
    kind: str,
    code: str,
    period: str,
    fmt: str,
    on: dt.date | None = None,
    progress: selectors.Progress = selectors._no_progress,
    parameters: Mapping[str, Any] | None = None,
) -> tuple[ExportFile, str]:
    """The report's file and its name, built now (the task and `lindung report` call it)."""
    today = on or clock.today()
    region = _region(user, code)
    period = _check(kind=kind, fmt=fmt, period=period, region=region, today=today)
    if kind == ReportRun.Kind.STATEMENT:
        return _statement_build(
            user=user, fmt=fmt, on=today, progress=progress, **(parameters or {})
        )
    if kind == ReportRun.Kind.MONEV:
        data = selectors.monev_data(
            user=user, code=code, period=rules.parse_period(period), on=today, progress=progress
        )
        progress(90, _("Menyusun berkas %(fmt)s") % {"fmt": fmt.upper()})
        return render.monev_file(data, fmt), render.monev_filename(data, fmt)
    progress(20, _("Data penilaian"))
    result = selectors.paritrana_result(user=user, code=code, year=int(period), on=today)
    progress(80, _("Menyusun berkas %(fmt)s") % {"fmt": fmt.upper()})
    return render.paritrana_file(result, fmt), render.paritrana_filename(result, fmt)


def _statement_build(
    *, user: User, fmt: str, on: dt.date, progress: selectors.Progress, bill: int, **_info: Any
) -> tuple[ExportFile, str]:
    """A bill statement (reports.statements), as the user who asked: the bill is read
    through their scope and their right to read contributions again."""
    if not can(user, Action.CONTRIBUTIONS_READ):
        raise ReportRefused(
            _("Peran Anda tidak berwenang membaca tagihan iuran."), code="role", field="kind"
        )
    try:
        found = contribution_selectors.bill_get(user=user, pk=int(bill))
    except Bill.DoesNotExist as e:
        raise ReportRefused(
            _("Tagihan ini tidak ada lagi atau di luar wilayah Anda."), code="bill_unknown"
        ) from e
    progress(5, _("Data tagihan"))
    st = statements.statement(user=user, bill=found, on=on)
    return statements.statement_export(st, fmt, progress), statements.filename(st, fmt)


def report_run_request(
    *,
    by: User,
    region_code: str,
    kind: str,
    period: str,
    fmt: str,
    on: dt.date | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> ReportRun:
    """Ask for a report: checked now (region in scope, period begun), built by the task
    worker (`tasks.generate_report`) once the transaction commits. `parameters` add to what
    the run records (a bill statement: the bill, its programme and month)."""
    today = on or clock.today()
    region = _region(by, region_code)
    canonical = _check(kind=kind, fmt=fmt, period=period, region=region, today=today)
    from lindung.reports.tasks import generate_report

    with transaction.atomic():
        run = ReportRun.objects.create(
            region=region,
            kind=kind,
            period=canonical,
            format=fmt,
            created_by=by,
            created_at=clock.now(),
            parameters={
                "region": region.code,
                "period": canonical,
                "format": fmt,
                "on": today.isoformat(),
                "region_name": region.label,
                **(parameters or {}),
            },
        )

        def enqueue() -> None:
            result = generate_report.enqueue(run.pk)
            ReportRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id)[:64])

        transaction.on_commit(enqueue)
    return run


_RUN_KEYS = ("region", "period", "format", "on", "region_name")
"""What every run records; the rest of its parameters are the kind's own."""


class _ProgressWriter:
    """Writes progress (and with it the heartbeat) to the run's row at most twice a second."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, percent: int, phase: str) -> None:
        import time

        now = time.monotonic()
        if now - self.last < 0.5 and percent < 90:
            return
        self.last = now
        ReportRun.objects.filter(pk=self.run_id).update(
            progress=max(0, min(99, percent)), phase=phase[:80], heartbeat_at=clock.now()
        )


def report_run_execute(
    *,
    run_id: int,
    progress_factory: Callable[[int], selectors.Progress] = _ProgressWriter,
) -> ReportRun:
    """Build a queued run as the user who asked for it (their scope is checked again: a user
    moved to another region since gets a failed run, not another region's figures)."""
    report_runs_reclaim()
    claimed = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        status=ReportRun.Status.RUNNING,
        started_at=clock.now(),
        heartbeat_at=clock.now(),
        worker=liveness.this_process(),
        progress=1,
        phase=_("Mulai"),
    )
    run = ReportRun.objects.select_related("created_by", "region").get(pk=run_id)
    if not claimed:
        return run  # already taken (a second delivery of the task) or finished
    on = dt.date.fromisoformat(run.parameters.get("on") or clock.today().isoformat())
    try:
        export, filename = report_build(
            user=run.created_by,
            kind=run.kind,
            code=run.region_id,
            period=run.period,
            fmt=run.format,
            on=on,
            progress=progress_factory(run.pk),
            parameters={k: v for k, v in run.parameters.items() if k not in _RUN_KEYS},
        )
    except DomainError as e:
        _fail(run, e.message)
    except Exception as e:  # the archive must say it failed, whatever the reason
        log.exception("report run %s failed", run.pk)
        _fail(
            run,
            _(
                "Terjadi kesalahan saat menyusun laporan (%(err)s). Coba lagi; bila "
                "berulang, hubungi admin."
            )
            % {"err": type(e).__name__},
        )
    else:
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.DONE,
            progress=100,
            phase=_("Selesai"),
            file=export.content,
            filename=filename,
            size=len(export.content),
            rows=export.rows,
            finished_at=clock.now(),
            heartbeat_at=clock.now(),
        )
    return ReportRun.objects.get(pk=run.pk)


def _fail(run: ReportRun, message: str) -> None:
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.FAILED,
        error=message[:2000],
        finished_at=clock.now(),
        phase=_("Gagal"),
    )


def report_runs_reclaim(*, now: dt.datetime | None = None) -> int:
    """Mark failed the runs left 'disusun' by a worker that died (its process is gone, or it
    has been silent for SILENT_AFTER). Returns how many."""
    now = now or clock.now()
    dead = [
        pk
        for pk, worker, beat in ReportRun.objects.filter(
            status=ReportRun.Status.RUNNING
        ).values_list("pk", "worker", "heartbeat_at")
        if liveness.is_gone(worker) or beat is None or now - beat > SILENT_AFTER
    ]
    if not dead:
        return 0
    return ReportRun.objects.filter(pk__in=dead, status=ReportRun.Status.RUNNING).update(
        status=ReportRun.Status.FAILED,
        finished_at=now,
        phase=_("Gagal"),
        error=_("Proses penyusun laporan berhenti sebelum selesai. Minta laporan ini lagi."),
    )


# --- letterhead -----------------------------------------------------------------------------------

LETTERHEAD_FIELDS = (
    "government",
    "agency",
    "address",
    "city",
    "signer_title",
    "signer_name",
    "signer_rank",
    "signer_nip",
)


def letterhead_set(
    *,
    by: User,
    region: Region,
    government: str,
    agency: str = "",
    address: str = "",
    city: str = "",
    signer_title: str = "Kepala Dinas",
    signer_name: str = "",
    signer_rank: str = "",
    signer_nip: str = "",
) -> Letterhead:
    """Create or replace the letterhead and signature block of a province's or regency's
    reports (its admin, or the province's)."""
    authorize(by, Action.PROGRAMME_MANAGE, region.code)
    errors = []
    if region.level > Region.Level.REGENCY:
        errors.append(
            DomainError(
                _(
                    "Kop laporan diatur untuk provinsi atau kabupaten/kota; "
                    "laporan kecamatan dan desa memakai kop kabupatennya."
                ),
                code="region_level",
                field="region",
            )
        )
    if not government.strip():
        errors.append(
            DomainError(
                _("Isi nama pemerintah daerah, mis. PEMERINTAH KABUPATEN PASER."),
                code="missing_value",
                field="government",
            )
        )
    if signer_nip.strip() and not rules.nip_valid(signer_nip):
        errors.append(
            DomainError(
                _("NIP terdiri dari 18 angka (spasi boleh), mis. 19700101 199003 1 001."),
                code="nip_format",
                field="signer_nip",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    values = {
        "government": government.strip(),
        "agency": agency.strip(),
        "address": address.strip(),
        "city": city.strip(),
        "signer_title": signer_title.strip() or "Kepala Dinas",
        "signer_name": signer_name.strip(),
        "signer_rank": signer_rank.strip(),
        "signer_nip": signer_nip.strip(),
        "updated_at": clock.now(),
        "updated_by": by,
    }
    before = Letterhead.objects.filter(region=region).values(*LETTERHEAD_FIELDS).first() or {}
    lh, created = Letterhead.objects.update_or_create(region=region, defaults=values)
    audit_event(
        actor=by,
        action="letterhead_set",
        obj=lh,
        region_code=region.code,
        summary=_("Kop laporan %(region)s") % {"region": region.label},
        changes={
            k: [before.get(k), values[k]] for k in LETTERHEAD_FIELDS if before.get(k) != values[k]
        }
        | {"created": created},
    )
    return lh


_IMAGE_MAGIC = [(b"\x89PNG\r\n\x1a\n", "png", "PNG"), (b"\xff\xd8\xff", "jpg", "JPEG")]


def logo_max_bytes() -> int:
    return int(getattr(settings, "REPORT_LOGO_MAX_KB", LOGO_MAX_KB)) * KB


def logo_check(content: bytes) -> str:
    """The logo's extension ('png' or 'jpg') after checking its size and content: the first
    bytes must be PNG's or JPEG's (the name and the browser's type are not trusted) and the
    image must decode, at most LOGO_MAX_PIXELS a side. Raises DomainError otherwise."""
    limit = logo_max_bytes()
    if not content:
        raise DomainError(_("Berkas logo kosong."), code="file_empty", field="logo")
    if len(content) > limit:
        raise DomainError(
            _("Logo berukuran %(size)s KB; batas %(max)s KB. Perkecil gambarnya.")
            % {"size": len(content) // KB, "max": limit // KB},
            code="file_too_large",
            field="logo",
        )
    kind = next(((ext, fmt) for magic, ext, fmt in _IMAGE_MAGIC if content.startswith(magic)), None)
    if kind is None:
        raise DomainError(
            _("Logo harus gambar PNG atau JPEG (dilihat dari isinya, bukan nama berkasnya)."),
            code="file_type",
            field="logo",
        )
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as img:
            if img.format != kind[1]:
                raise DomainError(
                    _("Isi logo tidak sesuai dengan jenisnya."), code="file_type", field="logo"
                )
            width, height = img.size
            if max(width, height) > LOGO_MAX_PIXELS:
                raise DomainError(
                    _("Logo %(w)s×%(h)s piksel; batas %(max)s piksel per sisi.")
                    % {"w": width, "h": height, "max": LOGO_MAX_PIXELS},
                    code="image_too_large",
                    field="logo",
                )
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise DomainError(
            _("Logo rusak atau tidak dapat dibaca sebagai gambar."),
            code="file_damaged",
            field="logo",
        ) from e
    return kind[0]


def _media_reports() -> Path:
    path = Path(settings.MEDIA_ROOT) / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def letterhead_logo_set(*, by: User, region: Region, content: bytes) -> Letterhead:
    """Store a checked logo under MEDIA_ROOT/reports/ with a random name (the uploaded name is
    never used) and put it on the region's letterhead; the previous file is removed."""
    authorize(by, Action.PROGRAMME_MANAGE, region.code)
    lh = Letterhead.objects.filter(region=region).first()
    if lh is None:
        raise DomainError(
            _("Simpan kop laporan wilayah ini dulu, lalu unggah logonya."),
            code="letterhead_missing",
            field="logo",
        )
    ext = logo_check(content)
    name = f"logo-{region.code}-{secrets.token_hex(8)}.{ext}"
    (_media_reports() / name).write_bytes(content)
    old = lh.logo
    lh.logo = f"reports/{name}"
    lh.updated_at, lh.updated_by = clock.now(), by
    lh.save(update_fields=["logo", "updated_at", "updated_by"])
    if old:
        _remove_media(old)
    audit_event(
        actor=by,
        action="letterhead_logo",
        obj=lh,
        region_code=region.code,
        summary=_("Logo kop laporan %(region)s") % {"region": region.label},
        changes={"logo": [old, lh.logo], "bytes": len(content)},
    )
    return lh


def _remove_media(relative: str) -> None:
    root = (Path(settings.MEDIA_ROOT) / "reports").resolve()
    path = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if path.is_relative_to(root):
        path.unlink(missing_ok=True)


# --- Paritrana ------------------------------------------------------------------------------------


def _paritrana_region(by: User, region: Region) -> None:
    authorize(by, Action.PROGRAMME_MANAGE, region.code)
    if region.level > Region.Level.REGENCY:
        raise DomainError(
            _("Penilaian Paritrana dibuat untuk provinsi atau kabupaten/kota."),
            code="region_level",
            field="region",
        )


def paritrana_save(
    *,
    by: User,
    region: Region,
    year: int,
    regulation: str,
    regulation_number: str = "",
    regulation_year: int | None = None,
    regulation_title: str = "",
    budget_allocated: int | None = None,
    budget_realised: int | None = None,
    interview_score: Decimal | None = None,
    notes: str = "",
) -> ParitranaAssessment:
    """Create or replace what the user enters for a region's year."""
    _paritrana_region(by, region)
    errors = []
    if not rules.YEAR_MIN <= year <= rules.YEAR_MAX:
        errors.append(
            DomainError(
                _("Tahun %(y)s di luar rentang.") % {"y": year}, code="year_invalid", field="year"
            )
        )
    if regulation not in ParitranaAssessment.Regulation.values:
        errors.append(
            DomainError(
                _("Pilih Perda, Perbup atau belum ada."),
                code="regulation_invalid",
                field="regulation",
            )
        )
    elif regulation != "none" and not regulation_number.strip():
        errors.append(
            DomainError(
                _("Isi nomor regulasi, mis. 4 (Perbup Paser 4/2022)."),
                code="missing_value",
                field="regulation_number",
            )
        )
    if regulation != "none" and regulation_year is None:
        errors.append(
            DomainError(
                _("Isi tahun regulasi, mis. 2022."), code="missing_value", field="regulation_year"
            )
        )
    if regulation_year is not None and not rules.YEAR_MIN <= regulation_year <= year + 1:
        errors.append(
            DomainError(
                _("Tahun regulasi harus antara %(min)s dan %(max)s.")
                % {"min": rules.YEAR_MIN, "max": year + 1},
                code="year_invalid",
                field="regulation_year",
            )
        )
    if interview_score is not None and not 0 <= interview_score <= 100:
        errors.append(
            DomainError(
                _("Nilai wawancara antara 0 dan 100."),
                code="number_invalid",
                field="interview_score",
            )
        )
    if errors:
        raise ValidationFailed(errors)
    values: dict[str, Any] = {
        "regulation": regulation,
        "regulation_number": regulation_number.strip(),
        "regulation_year": regulation_year,
        "regulation_title": regulation_title.strip(),
        "budget_allocated": budget_allocated,
        "budget_realised": budget_realised,
        "interview_score": interview_score,
        "notes": notes,
        "updated_at": clock.now(),
        "updated_by": by,
    }
    with transaction.atomic():
        assessment, created = ParitranaAssessment.objects.update_or_create(
            region=region, year=year, defaults=values
        )
        audit_event(
            actor=by,
            action="paritrana_save",
            obj=assessment,
            region_code=region.code,
            summary=_("Penilaian Paritrana %(region)s %(year)s")
            % {"region": region.label, "year": year},
            changes={
                "regulation": regulation,
                "interview_score": interview_score,
                "budget_allocated": budget_allocated,
                "budget_realised": budget_realised,
                "created": created,
            },
        )
    return assessment


def innovation_add(
    *, by: User, region: Region, year: int, title: str, description: str = "", evidence: str = ""
) -> ParitranaInnovation:
    _paritrana_region(by, region)
    if not title.strip():
        raise DomainError(_("Isi nama inovasi."), code="missing_value", field="title")
    with transaction.atomic():
        assessment, _created = ParitranaAssessment.objects.get_or_create(
            region=region, year=year, defaults={"updated_at": clock.now(), "updated_by": by}
        )
        item = ParitranaInnovation.objects.create(
            assessment=assessment,
            title=title.strip(),
            description=description.strip(),
            evidence=evidence.strip(),
            created_at=clock.now(),
            created_by=by,
        )
        audit_event(
            actor=by,
            action="paritrana_innovation_add",
            obj=item,
            region_code=region.code,
            summary=_("Inovasi %(t)s") % {"t": item.title},
            changes={"evidence": item.evidence},
        )
    return item


def innovation_delete(*, by: User, innovation: ParitranaInnovation) -> None:
    region = innovation.assessment.region
    _paritrana_region(by, region)
    with transaction.atomic():
        audit_event(
            actor=by,
            action="paritrana_innovation_delete",
            obj=innovation,
            region_code=region.code,
            summary=_("Inovasi %(t)s dihapus") % {"t": innovation.title},
        )
        innovation.delete()
