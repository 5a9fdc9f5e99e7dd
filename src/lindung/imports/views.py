"""Upload page, job progress (htmx polling) and result, error workbook, template download,
duplicate review queue and the BPJS exchange. Thin: every rule lives in services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from lindung.accounts.permissions import Action, can
from lindung.accounts.web import require_action
from lindung.audit.services import audit_export
from lindung.core.errors import DomainError
from lindung.core.exports import XLSX, ExportFile, download_response
from lindung.core.formatting import thousands
from lindung.imports import bpjs, report, services, workbooks
from lindung.imports.forms import AnswerUploadForm, UploadForm
from lindung.imports.models import BpjsBatch, ImportJob
from lindung.imports.selectors import import_job_get, import_jobs_for
from lindung.programs.models import Programme
from lindung.programs.selectors import programme_get, programmes_for
from lindung.registry import duplicates
from lindung.registry.models import DuplicatePair

ERRORS_SHOWN = 500
COUNT_LABELS = {
    "rows": _lazy("Baris dibaca"),
    "accepted": _lazy("Diterima"),
    "rejected": _lazy("Ditolak"),
    "created": _lazy("Pekerja baru"),
    "updated": _lazy("Data diperbarui"),
    "unchanged": _lazy("Sudah sama"),
    "enrolled": _lazy("Diusulkan ke program"),
    "registered": _lazy("Terdaftar (KPJ dicatat)"),
    "activated": _lazy("Diaktifkan"),
    "unmatched": _lazy("NIK tidak cocok"),
    "conflicts": _lazy("Perlu diperiksa"),
}


def _get_job(request: HttpRequest, pk: int, with_content: bool = False) -> ImportJob:
    try:
        return import_job_get(user=request.user, pk=pk, with_content=with_content)
    except ImportJob.DoesNotExist as e:
        raise Http404(_("Impor tidak ditemukan.")) from e


def upload_view(request: HttpRequest) -> HttpResponse:
    require_action(request, Action.WORKER_EDIT)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                by=request.user,
                filename=upload.name,
                content=upload.read(),
                programme=form.cleaned_data["programme"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            return redirect("imports:job", pk=job.pk)
    services.import_jobs_reclaim()
    jobs = import_jobs_for(user=request.user).filter(kind=ImportJob.Kind.WORKERS)[:10]
    return render(request, "imports/upload.html", {"form": form, "jobs": jobs})


def template_view(request: HttpRequest) -> HttpResponse:
    programme = None
    if code := request.GET.get("program"):
        try:
            programme = programme_get(user=request.user, code=code)
        except Programme.DoesNotExist as e:
            raise Http404(_("Program tidak ditemukan.")) from e
    content = workbooks.template_workbook(by=request.user, programme=programme)
    name = f"templat-pekerja-{programme.code if programme else 'lindung'}.xlsx"
    return download_response(content, name, workbooks.XLSX)


def job_list_view(request: HttpRequest) -> HttpResponse:
    services.import_jobs_reclaim()
    page = Paginator(import_jobs_for(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "imports/job_list.html", {"page_obj": page})


def _error_groups(issues: list[dict], total: int, stored: list | None) -> tuple[list[dict], bool]:
    """The groups to show and whether they count every row: the groups recorded over every
    error when the error workbook was built, else those of the stored issues (all of them
    unless the job had more than it keeps)."""
    if stored:
        return report.presented(stored, issues), True
    return (report.presented(report.error_groups(issues), issues), total <= len(issues))


def job_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The result in words: what was read, accepted, rejected; rejected rows grouped by what
    is wrong ("704 baris: kuota program penuh", the first rows named) with the error workbook;
    the row-by-row messages folded below. Codes stay in the workbook and the API."""
    services.import_jobs_reclaim()
    job = _get_job(request, pk)
    counts = [
        (key, COUNT_LABELS.get(key, key), value)
        for key, value in job.result.items()
        if isinstance(value, int)
    ]
    errors_total = max(job.errors_total, len(job.errors))
    groups, complete = _error_groups(job.errors, errors_total, job.error_groups)
    warning_groups, warnings_complete = _error_groups(
        job.warnings, max(job.warnings_total, len(job.warnings)), None
    )
    shown = job.errors[:ERRORS_SHOWN]
    batches = []
    if job.kind == ImportJob.Kind.BPJS_ANSWER and not job.dry_run:
        batches = list(
            bpjs.batches_answered_by(user=request.user, content_sha256=job.content_sha256)
        )
    return render(
        request,
        "imports/job_detail.html",
        {
            "job": job,
            "counts": counts,
            "result": job.result,
            "errors": shown,
            "errors_total": errors_total,
            "groups": groups,
            "groups_complete": complete,
            "warning_groups": warning_groups,
            "warnings_complete": warnings_complete,
            "warnings": job.warnings[:ERRORS_SHOWN],
            "batches": batches,
            "errors_hidden": max(errors_total - len(shown), 0),
            "warnings_hidden": max(job.warnings_total - ERRORS_SHOWN, 0),
        },
    )


def job_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar fragment, polled by htmx; a finished job reloads the whole page (and
    so does a job whose worker died, once reclaimed as failed)."""
    services.import_jobs_reclaim()
    job = _get_job(request, pk)
    if job.is_finished:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("imports:job", args=[job.pk])
        return response
    return render(request, "imports/_progress.html", {"job": job})


def job_errors_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The error workbook, built by the task worker (never here: a large file takes seconds and
    hundreds of MB); until it is ready, a page that says so and reloads itself."""
    job = _get_job(request, pk)
    if not (job.errors or job.errors_total):
        raise Http404(_("Tidak ada baris yang ditolak."))
    if job.error_file_status != ImportJob.ErrorFile.READY:
        if not job.error_file_status:  # a job from before error files were stored
            services.import_job_error_file_request(job=job)
            job.error_file_status = ImportJob.ErrorFile.QUEUED
        return render(request, "imports/error_file.html", {"job": job}, status=202)
    content = ImportJob.objects.values_list("error_file", flat=True).get(pk=job.pk)
    export = ExportFile(
        content=bytes(content), content_type=XLSX, extension="xlsx", rows=job.error_file_rows
    )
    stem = job.filename.rsplit(".", 1)[0]
    audit_export(
        actor=request.user,
        obj=job,
        region_code=job.region_code,
        what=_("baris ditolak dari %(file)s") % {"file": job.filename},
        kind="import_errors",
        fmt=export.extension,
        rows=export.rows,
    )
    return download_response(export, f"{stem}-perbaiki.xlsx")


def duplicate_list_view(request: HttpRequest) -> HttpResponse:
    decision = request.GET.get("keputusan", DuplicatePair.Decision.PENDING)
    if decision not in DuplicatePair.Decision.values:
        decision = DuplicatePair.Decision.PENDING
    pairs = duplicates.duplicate_pairs_for(user=request.user, decision=decision)
    page = Paginator(pairs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/duplicate_list.html",
        {
            "page_obj": page,
            "decision": decision,
            "decisions": DuplicatePair.Decision.choices,
            "can_decide": can(request.user, Action.ENROLMENT_VERIFY),
        },
    )


@require_POST
def duplicate_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_action(request, Action.ENROLMENT_VERIFY)
    try:
        pair = duplicates.duplicate_pair_get(user=request.user, pk=pk)
    except DuplicatePair.DoesNotExist as e:
        raise Http404(_("Pasangan tidak ditemukan.")) from e
    choice = request.POST.get("keputusan")
    try:
        if choice == "berbeda":
            duplicates.duplicate_pair_decide(pair=pair, by=request.user, same_person=False)
            messages.success(
                request,
                _("Dicatat sebagai orang yang berbeda; pasangan ini tidak akan ditandai lagi."),
            )
        elif choice in ("simpan_a", "simpan_b"):
            keep = pair.worker_a if choice == "simpan_a" else pair.worker_b
            duplicates.duplicate_pair_decide(
                pair=pair, by=request.user, same_person=True, keep=keep
            )
            messages.success(
                request,
                _(
                    "Data digabung ke %(name)s; data lainnya dinonaktifkan "
                    "dengan riwayat tetap tersimpan."
                )
                % {"name": keep.name},
            )
        else:
            messages.error(request, _("Pilih keputusan."))
    except DomainError as e:
        messages.error(request, e.message)
    return redirect("imports:duplicates")


def bpjs_view(request: HttpRequest) -> HttpResponse:
    """Per programme: what is verified and not sent yet, exported as the next numbered batch;
    the batches sent, with what the branch answered; the answer upload."""
    require_action(request, Action.ENROLMENT_REGISTER)
    form = AnswerUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                by=request.user,
                filename=upload.name,
                content=upload.read(),
                programme=form.cleaned_data["programme"],
                dry_run=form.cleaned_data["dry_run"],
                kind=ImportJob.Kind.BPJS_ANSWER,
            )
        except DomainError as e:
            form.add_error(None, e.message)
        else:
            return redirect("imports:job", pk=job.pk)
    services.import_jobs_reclaim()
    programmes = bpjs.batch_outlook(
        user=request.user,
        programmes=programmes_for(user=request.user).order_by("-fiscal_year", "code"),
    )
    batches = Paginator(bpjs.bpjs_batches_for(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    jobs = import_jobs_for(user=request.user).filter(kind=ImportJob.Kind.BPJS_ANSWER)[:10]
    return render(
        request,
        "imports/bpjs.html",
        {
            "form": form,
            "programmes": programmes,
            "page_obj": batches,
            "jobs": jobs,
            "formats": BpjsBatch.Format.choices,
        },
    )


@require_POST
def bpjs_batch_create_view(request: HttpRequest, code: str) -> HttpResponse:
    """Export: the programme's verified enrolments not sent yet become its next batch; the
    page then offers the batch's file."""
    require_action(request, Action.ENROLMENT_REGISTER)
    try:
        programme = programme_get(user=request.user, code=code)
    except Programme.DoesNotExist as e:
        raise Http404(_("Program tidak ditemukan.")) from e
    fmt = request.POST.get("format", "xlsx")
    try:
        batch = bpjs.bpjs_batch_create(
            by=request.user, programme=programme, fmt=fmt if fmt in BpjsBatch.Format.values else ""
        )
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            _(
                "Batch %(n)s %(code)s dibuat: %(rows)s kepesertaan. Unduh berkasnya di daftar batch "
                "dan kirim ke kantor cabang BPJS."
            )
            % {"n": batch.number, "code": programme.code, "rows": thousands(batch.rows)},
        )
        if batch.corrections:
            messages.info(
                request,
                _(
                    "Batch ini juga memuat %(n)s koreksi NIK/tanggal lahir peserta (lembar "
                    "KOREKSI; untuk CSV, berkas Koreksi)."
                )
                % {"n": thousands(batch.corrections)},
            )
        if batch.held:
            messages.warning(request, bpjs.held_message(batch.held))
        return redirect(f"{reverse('imports:bpjs')}?baru={batch.pk}#batches")
    return redirect("imports:bpjs")


def _get_batch(request: HttpRequest, pk: int) -> BpjsBatch:
    require_action(request, Action.ENROLMENT_REGISTER)
    try:
        return bpjs.bpjs_batch_get(user=request.user, pk=pk)
    except BpjsBatch.DoesNotExist as e:
        raise Http404(_("Batch tidak ditemukan.")) from e


def bpjs_batch_download_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A batch's registration file, as often as needed; every download is audited (the first
    and each later one)."""
    batch = _get_batch(request, pk)
    if fmt not in BpjsBatch.Format.values:
        raise Http404
    export = bpjs.batch_export(by=request.user, batch=batch, fmt=fmt)
    programme = batch.programme
    audit_export(
        actor=request.user,
        obj=programme,
        region_code=batch.region_code,
        what=_("berkas pendaftaran BPJS %(code)s batch %(n)s")
        % {"code": programme.code, "n": batch.number},
        kind="bpjs_registration",
        fmt=fmt,
        rows=export.rows,
        details={"programme": programme.code, "batch": batch.number},
    )
    return download_response(
        export,
        f"pendaftaran-bpjs-{bpjs.batch_name(batch)}-"
        f"{timezone.localtime(batch.created_at):%Y%m%d}.{fmt}",
    )


def bpjs_batch_corrections_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The data corrections (NIK, birth date) a batch carried, as a file of their own (the
    second file of a CSV batch); audited like the registration file."""
    batch = _get_batch(request, pk)
    if fmt not in BpjsBatch.Format.values:
        raise Http404
    export = bpjs.batch_corrections_export(by=request.user, batch=batch, fmt=fmt)
    programme = batch.programme
    audit_export(
        actor=request.user,
        obj=programme,
        region_code=batch.region_code,
        what=_("koreksi data peserta BPJS %(code)s batch %(n)s")
        % {"code": programme.code, "n": batch.number},
        kind="bpjs_corrections",
        fmt=fmt,
        rows=export.rows,
        details={"programme": programme.code, "batch": batch.number},
    )
    return download_response(
        export,
        f"koreksi-bpjs-{bpjs.batch_name(batch)}-"
        f"{timezone.localtime(batch.created_at):%Y%m%d}.{fmt}",
    )


def bpjs_batch_refused_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The correction workbook of the workers the branch refused in a batch."""
    batch = _get_batch(request, pk)
    export = workbooks.refused_workbook_export(by=request.user, batch=batch)
    programme = batch.programme
    audit_export(
        actor=request.user,
        obj=programme,
        region_code=batch.region_code,
        what=_("data ditolak BPJS %(code)s batch %(n)s")
        % {"code": programme.code, "n": batch.number},
        kind="bpjs_refused",
        fmt=export.extension,
        rows=export.rows,
        details={"programme": programme.code, "batch": batch.number},
    )
    return download_response(export, f"ditolak-bpjs-{bpjs.batch_name(batch)}-perbaiki.xlsx")
