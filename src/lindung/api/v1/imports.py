"""/imports and /bpjs: spreadsheet uploads processed in the background, as on the /impor/ pages.

An upload is checked like the page's form (size, type, programme) and stored as an
`ImportJob` queued for the task worker (`imports.services.import_job_create`); the answer is
202 with the job and its `Location`. Poll `GET /imports/{id}` until `finished`, then read its
counts and rejected rows, and fetch the error workbook.

The BPJS exchange, as on the /impor/bpjs/ page: numbered batches out (`POST /bpjs/batches`
takes the programme's verified enrolments not sent yet, `imports.bpjs.bpjs_batch_create`;
each batch's file can be downloaded again, audited as an export, and so can the NIK and
birth-date corrections it carried) and the branch's answer in (a
job of kind `jawaban_bpjs`, which reports the batches it answered). The older
`GET /bpjs/registrations/{code}` stays for the clients written against it, deprecated: it
writes every verified enrolment, sent or not, and records no batch."""

# No `from __future__ import annotations`: ninja reads parameter types at runtime.
from typing import Literal

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lindung.accounts.permissions import Action
from lindung.api.pagination import LimitedPagination
from lindung.api.schemas import (
    BatchEnrolmentOut,
    BpjsBatchOut,
    ImportJobOut,
    ImportJobSummaryOut,
)
from lindung.api.v1.common import CSV, ERRORS, XLSX, file_response, require
from lindung.audit.services import audit_export
from lindung.core import clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.core.exports import ExportFile, download_response
from lindung.imports import bpjs, services
from lindung.imports.forms import AnswerUploadForm, UploadForm
from lindung.imports.models import BpjsBatch, BpjsBatchEntry, ImportJob
from lindung.imports.selectors import import_job_get, import_jobs_for
from lindung.programs.models import Enrolment
from lindung.programs.selectors import programme_get

router = Router(tags=["imports"])
bpjs_router = Router(tags=["bpjs"])


class UploadIn(Schema):
    programme: str = Field("", max_length=30, description="Kode program (boleh kosong)")
    dry_run: bool = Field(False, description="Uji coba: periksa saja, tidak menyimpan")


class JobFilter(Schema):
    kind: Literal["", "pekerja", "jawaban_bpjs"] = ""
    status: Literal["", "antri", "berjalan", "selesai", "ditolak", "gagal"] = ""


def _accepted(
    request: HttpRequest, response: HttpResponse, job: ImportJob
) -> tuple[int, ImportJob]:
    response["Location"] = reverse("api:import_detail", args=[job.pk])
    return 202, import_job_get(user=request.auth, pk=job.pk)


def _form_problems(form: UploadForm) -> ValidationFailed:
    """The upload form's errors (the page's own checks: size, type, programme) as the API's
    field errors."""
    errors = []
    for name, problems in form.errors.get_json_data().items():
        for p in problems:
            errors.append(
                DomainError(
                    p["message"],
                    code=p["code"] or "file_invalid",
                    field=None if name == "__all__" else name,
                )
            )
    return ValidationFailed(errors)


def _upload(
    request: HttpRequest,
    response: HttpResponse,
    form_class: type[UploadForm],
    file: UploadedFile,
    data: UploadIn,
    kind: str,
) -> tuple[int, ImportJob]:
    require(
        request.auth,
        Action.ENROLMENT_REGISTER if kind == ImportJob.Kind.BPJS_ANSWER else Action.WORKER_EDIT,
    )
    if data.programme:  # outside the caller's region: 404, like every other record
        programme_get(user=request.auth, code=data.programme)
    form = form_class(
        {"programme": data.programme, "dry_run": data.dry_run}, {"file": file}, user=request.auth
    )
    if not form.is_valid():
        raise _form_problems(form)
    upload = form.cleaned_data["file"]
    job = services.import_job_create(
        by=request.auth,
        filename=upload.name,
        content=upload.read(),
        programme=form.cleaned_data["programme"],
        dry_run=form.cleaned_data["dry_run"],
        kind=kind,
    )
    return _accepted(request, response, job)


@router.post("", response={202: ImportJobOut, **ERRORS})
def import_upload(
    request: HttpRequest, response: HttpResponse, file: File[UploadedFile], form: Form[UploadIn]
):
    """Upload a workers file (.xlsx or .csv, the /impor/ template's columns): 202 with the
    queued job. With `programme`, accepted rows are proposed to it; `dry_run` checks only."""
    return _upload(request, response, UploadForm, file, form, ImportJob.Kind.WORKERS)


@router.get("", response={200: list[ImportJobSummaryOut], **ERRORS})
@paginate(LimitedPagination)
def import_list(request: HttpRequest, filters: Query[JobFilter]):
    services.import_jobs_reclaim()
    qs = import_jobs_for(user=request.auth)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-created_at", "-id")


@router.get("/{int:job_id}", response={200: ImportJobOut, **ERRORS}, url_name="import_detail")
def import_detail(request: HttpRequest, job_id: int):
    """The job: poll until `finished` is true; then `result` holds the counts, `errors` the
    rejected rows (the first 1,000; `errors_total` counts them all)."""
    services.import_jobs_reclaim()
    return import_job_get(user=request.auth, pk=job_id)


@router.get(
    "/{int:job_id}/errors",
    response={202: ImportJobOut, **ERRORS},
    openapi_extra=file_response("Berkas perbaikan: setiap baris ditolak dengan alasannya", XLSX),
)
def import_error_workbook(request: HttpRequest, response: HttpResponse, job_id: int):
    """The error workbook (every rejected row with its reason, to correct and upload again).
    Built by the task worker: until it is ready the answer is 202 with the job (poll again
    after `Retry-After` seconds); 404 when the job rejected no row."""
    job = import_job_get(user=request.auth, pk=job_id)
    if job.kind != ImportJob.Kind.WORKERS or not (job.errors or job.errors_total):
        raise ImportJob.DoesNotExist
    if job.error_file_status != ImportJob.ErrorFile.READY:
        if not job.error_file_status:  # a job from before error files were stored
            services.import_job_error_file_request(job=job)
            job.error_file_status = ImportJob.ErrorFile.QUEUED
        response["Retry-After"] = "5"
        return 202, job
    content = ImportJob.objects.values_list("error_file", flat=True).get(pk=job.pk)
    export = ExportFile(
        content=bytes(content), content_type=XLSX, extension="xlsx", rows=job.error_file_rows
    )
    audit_export(
        actor=request.auth,
        obj=job,
        region_code=job.region_code,
        what=_("baris ditolak dari %(file)s") % {"file": job.filename},
        kind="import_errors",
        fmt=export.extension,
        rows=export.rows,
    )
    return download_response(export, f"{job.filename.rsplit('.', 1)[0]}-perbaiki.xlsx")


# --- BPJS exchange ------------------------------------------------------------------------------


class RegistrationFormat(Schema):
    format: Literal["xlsx", "csv"] = "xlsx"


class BatchIn(Schema):
    programme: str = Field(..., max_length=30, description="Kode program", examples=["CONTOH-2027"])
    format: Literal["xlsx", "csv"] = Field("xlsx", description="Format berkas batch")


class BatchFilter(Schema):
    programme: str = Field("", max_length=30, description="Kode program")


class BatchFileFormat(Schema):
    fmt: Literal["", "xlsx", "csv"] = Field("", description="Bawaan: format saat batch dibuat")


OUTCOMES = {
    "menunggu": BpjsBatchEntry.Outcome.WAITING,
    "terdaftar": BpjsBatchEntry.Outcome.REGISTERED,
    "ditolak": BpjsBatchEntry.Outcome.REFUSED,
}


class BatchEnrolmentFilter(Schema):
    outcome: Literal["", "menunggu", "terdaftar", "ditolak"] = Field(
        "", description="Jawaban BPJS atas kepesertaan dalam batch"
    )


def _batch(request: HttpRequest, batch_id: int) -> BpjsBatch:
    """The batch, inside the caller's region (else 404), for a role that exchanges files with
    BPJS (else 403), as the page's `_get_batch`."""
    require(request.auth, Action.ENROLMENT_REGISTER)
    return bpjs.bpjs_batch_get(user=request.auth, pk=batch_id)


@bpjs_router.post("/batches", response={201: BpjsBatchOut, **ERRORS}, url_name="bpjs_batch_create")
def bpjs_batch_create(request: HttpRequest, response: HttpResponse, payload: BatchIn):
    """The programme's next numbered batch: every verified enrolment inside the caller's region
    not sent before (or refused by the branch in its last batch), as the page's "Buat batch"
    button. 409 `batch_empty` when nothing is left to send. Download its file from
    `file_url`; send it to the branch; upload the answer at `POST /bpjs/answers`."""
    require(request.auth, Action.ENROLMENT_REGISTER)
    programme = programme_get(user=request.auth, code=payload.programme)
    batch = bpjs.bpjs_batch_create(by=request.auth, programme=programme, fmt=payload.format)
    response["Location"] = reverse("api:bpjs_batch_detail", args=[batch.pk])
    return 201, bpjs.bpjs_batch_get(user=request.auth, pk=batch.pk)


@bpjs_router.get("/batches", response={200: list[BpjsBatchOut], **ERRORS})
@paginate(LimitedPagination)
def bpjs_batch_list(request: HttpRequest, filters: Query[BatchFilter]):
    """The batches of the caller's region, newest first, with what the branch answered."""
    require(request.auth, Action.ENROLMENT_REGISTER)
    programme = (
        programme_get(user=request.auth, code=filters.programme) if filters.programme else None
    )
    return bpjs.bpjs_batches_for(user=request.auth, programme=programme)


@bpjs_router.get(
    "/batches/{int:batch_id}", response={200: BpjsBatchOut, **ERRORS}, url_name="bpjs_batch_detail"
)
def bpjs_batch_detail(request: HttpRequest, batch_id: int):
    return _batch(request, batch_id)


@bpjs_router.get(
    "/batches/{int:batch_id}/file",
    response=ERRORS,
    openapi_extra=file_response("Berkas pendaftaran batch (xlsx atau csv)", XLSX, CSV),
)
def bpjs_batch_file(
    request: HttpRequest, batch_id: int, query: Query[BatchFileFormat]
) -> HttpResponse:
    """The batch's registration file, as often as needed (written from its entries, so it
    carries the workers' data as corrected since); every download is audited."""
    batch = _batch(request, batch_id)
    fmt = query.fmt or batch.fmt
    export = bpjs.batch_export(by=request.auth, batch=batch, fmt=fmt)
    programme = batch.programme
    audit_export(
        actor=request.auth,
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


@bpjs_router.get(
    "/batches/{int:batch_id}/corrections",
    response=ERRORS,
    openapi_extra=file_response(
        "Koreksi NIK/tanggal lahir yang dibawa batch (lembar KOREKSI; xlsx atau csv)", XLSX, CSV
    ),
)
def bpjs_batch_corrections(
    request: HttpRequest, batch_id: int, query: Query[BatchFileFormat]
) -> HttpResponse:
    """The NIK and birth-date corrections the batch carried (its sheet KOREKSI; for a CSV
    batch, its second file), as a file of their own; `corrections` on the batch counts them.
    Every download is audited, as the batch file's."""
    batch = _batch(request, batch_id)
    fmt = query.fmt or batch.fmt
    export = bpjs.batch_corrections_export(by=request.auth, batch=batch, fmt=fmt)
    programme = batch.programme
    audit_export(
        actor=request.auth,
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


def _with_entry(qs: QuerySet[Enrolment], batch: BpjsBatch) -> QuerySet[Enrolment]:
    entry = BpjsBatchEntry.objects.filter(batch=batch, enrolment=OuterRef("pk"))
    return qs.select_related("worker", "programme").annotate(
        batch_position=Subquery(entry.values("position")[:1]),
        batch_outcome=Subquery(entry.values("outcome")[:1]),
        batch_reason=Subquery(entry.values("reason")[:1]),
        batch_answered_at=Subquery(entry.values("answered_at")[:1]),
    )


@bpjs_router.get(
    "/batches/{int:batch_id}/enrolments", response={200: list[BatchEnrolmentOut], **ERRORS}
)
@paginate(LimitedPagination)
def bpjs_batch_enrolments(
    request: HttpRequest, batch_id: int, filters: Query[BatchEnrolmentFilter]
):
    """The enrolments sent in the batch, in file order, each with the branch's answer
    (`outcome`: menunggu, terdaftar, ditolak with its reason); `status` and `kpj_number` are
    the enrolment's as recorded now."""
    batch = _batch(request, batch_id)
    outcome = OUTCOMES[filters.outcome] if filters.outcome else None
    return _with_entry(bpjs.batch_enrolments(batch, outcome=outcome), batch).order_by(
        "batch_position", "pk"
    )


@bpjs_router.get(
    "/registrations/{code}",
    response=ERRORS,
    deprecated=True,
    openapi_extra=file_response("Berkas pendaftaran (xlsx atau csv)", XLSX, CSV),
)
def bpjs_registration_file(
    request: HttpRequest, code: str, query: Query[RegistrationFormat]
) -> HttpResponse:
    """Deprecated: use `POST /bpjs/batches`, then `GET /bpjs/batches/{id}/file`. Kept
    unchanged for the clients written against it: the programme's verified enrolments inside
    the caller's region, sent in a batch or not, as one file (audited as an export); it
    records no batch, so a second call sends the same people again and the branch's answer
    cannot be traced to it. A GET never creates a batch (read-only tokens may call it)."""
    require(request.auth, Action.ENROLMENT_REGISTER)
    programme = programme_get(user=request.auth, code=code)
    fmt = query.format
    export = bpjs.registration_export(by=request.auth, programme=programme, fmt=fmt)
    audit_export(
        actor=request.auth,
        obj=programme,
        region_code=bpjs.registration_region(by=request.auth, programme=programme),
        what=_("berkas pendaftaran BPJS %(code)s") % {"code": programme.code},
        kind="bpjs_registration",
        fmt=fmt,
        rows=export.rows,
        details={"programme": programme.code},
    )
    response = download_response(
        export, f"pendaftaran-bpjs-{programme.code}-{clock.today():%Y%m%d}.{fmt}"
    )
    response["Deprecation"] = "true"
    response["Link"] = f'<{reverse("api:bpjs_batch_create")}>; rel="successor-version"'
    return response


@bpjs_router.post("/answers", response={202: ImportJobOut, **ERRORS})
def bpjs_answer_upload(
    request: HttpRequest, response: HttpResponse, file: File[UploadedFile], form: Form[UploadIn]
):
    """Upload the branch's answer (columns NIK, NO_KPJ, TANGGAL_TERDAFTAR, STATUS, and
    ALASAN for a refusal): 202 with the queued job; poll it at `/imports/{id}`. Each answered
    row is matched to the batch that sent its enrolment; once finished, the job's `batches`
    lists the batches the file answered (a batch number in the file or sheet name that does
    not match is a `batch_other` warning)."""
    return _upload(request, response, AnswerUploadForm, file, form, ImportJob.Kind.BPJS_ANSWER)
