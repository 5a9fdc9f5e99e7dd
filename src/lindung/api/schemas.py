"""Request and response shapes of the REST API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from lindung.accounts.permissions import Action, can
from lindung.core.formatting import mask_identities_in, mask_identity, mask_phone
from lindung.registry.privacy import full_in_api


def _full(context: Any) -> bool:
    """Personal data whole for this response? (`registry.privacy.full_in_api`: roles that only
    read get NIK, No. KK and phone masked.)"""
    request = (context or {}).get("request")
    return request is not None and full_in_api(getattr(request, "auth", None))


class ErrorItem(Schema):
    code: str = Field(..., description="Kode stabil, sama dengan formulir dan impor")
    message: str
    field: str | None = None


class Error(Schema):
    """The one error body of the API (`api.errors`)."""

    code: str = Field(..., description="Kode stabil; menentukan status HTTP (docs/api.md)")
    message: str = Field(..., description="Kalimat bahasa Indonesia untuk pengguna")
    field: str | None = Field(None, description="Isian yang dimaksud, bila ada")
    errors: list[ErrorItem] = Field(
        default_factory=list, description="Setiap masalah yang ditemukan"
    )


class WorkerOut(Schema):
    id: int
    nik: str
    kk_number: str
    name: str
    sex: str
    birth_place: str
    birth_date: dt.date
    village: str = Field(..., alias="village_id", description="Kode wilayah desa/kelurahan")
    village_name: str = Field(..., alias="village.name")
    occupation: str = Field(..., alias="occupation.code")
    address: str
    phone: str
    declared_income: int
    status: str

    @staticmethod
    def resolve_nik(obj: Any, context: Any) -> str:
        return obj.nik if _full(context) else mask_identity(obj.nik)

    @staticmethod
    def resolve_kk_number(obj: Any, context: Any) -> str:
        return obj.kk_number if _full(context) else mask_identity(obj.kk_number)

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        return obj.phone if _full(context) else mask_phone(obj.phone)


class WorkerIn(Schema):
    nik: str
    name: str
    sex: str = Field(..., description="L (laki-laki) atau P (perempuan)")
    birth_date: dt.date
    village: str = Field(..., description="Kode wilayah desa/kelurahan, mis. 64.01.01.2009")
    occupation: str = Field(..., description="Kode pekerjaan, mis. nelayan")
    kk_number: str = ""
    birth_place: str = ""
    address: str = ""
    phone: str = ""
    declared_income: int | None = None


class WorkerPatch(Schema):
    nik: str | None = None
    name: str | None = None
    sex: str | None = None
    birth_date: dt.date | None = None
    village: str | None = None
    occupation: str | None = None
    kk_number: str | None = None
    birth_place: str | None = None
    address: str | None = None
    phone: str | None = None
    declared_income: int | None = None
    status: str | None = None
    status_date: dt.date | None = Field(
        None, description="Tanggal meninggal, pindah atau mulai bekerja dengan upah"
    )
    correction_reason: str | None = Field(
        None,
        max_length=250,
        description=(
            "Alasan koreksi NIK/tanggal lahir peserta yang sudah terdaftar di BPJS (wajib untuk "
            "koreksi itu; hanya Dinas). Kepesertaannya lalu perlu diverifikasi ulang."
        ),
    )


class ProgrammeOut(Schema):
    code: str = Field(..., examples=["CONTOH-2027"])
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    fiscal_year: int
    period_start: dt.date
    period_end: dt.date
    age_min: int
    age_max: int
    quota: int
    used: int | None = Field(None, description="Peserta diusulkan s.d. aktif")
    budget_total: int | None = Field(
        None, description="Seluruh anggaran; null bagi peran yang tidak membaca iuran dan anggaran"
    )
    occupations: list[str] = Field(
        default_factory=list, description="Kode pekerjaan yang memenuhi syarat"
    )
    legal_basis: str = ""

    @staticmethod
    def resolve_occupations(obj: Any) -> list[str]:
        return sorted(o.code for o in obj.occupations.all())

    @staticmethod
    def resolve_budget_total(obj: Any, context: Any) -> int | None:
        # Money is read by the roles with CONTRIBUTIONS_READ (not the village operator), as on
        # the pages.
        request = (context or {}).get("request")
        user = getattr(request, "auth", None)
        if user is None or not can(user, Action.CONTRIBUTIONS_READ):
            return None
        return getattr(obj, "budget_total", None)


class EnrolmentOut(Schema):
    id: int
    worker_id: int
    worker_nik: str  # from resolve_worker_nik: masked for read-only roles
    worker_name: str = Field(..., alias="worker.name")
    programme: str = Field(..., alias="programme.code")
    status: str
    period_start: dt.date
    period_end: dt.date
    kpj_number: str
    registration_date: dt.date | None
    end_date: dt.date | None
    end_reason: str
    reject_reason: str
    proposed_at: dt.datetime
    verified_at: dt.datetime | None
    registered_at: dt.datetime | None
    activated_at: dt.datetime | None
    closed_at: dt.datetime | None
    reverify_since: dt.datetime | None = Field(
        None,
        description=(
            "Sejak kapan kepesertaan menunggu verifikasi ulang Dinas setelah NIK/tanggal lahir "
            "pekerja dikoreksi (null: tidak menunggu). Statusnya tidak berubah."
        ),
    )
    reverify_reason: str = Field(
        "", description="Koreksi yang perlu diverifikasi ulang: data lama → baru, dan alasannya"
    )

    @staticmethod
    def resolve_worker_nik(obj: Any, context: Any) -> str:
        return obj.worker.nik if _full(context) else mask_identity(obj.worker.nik)

    @staticmethod
    def resolve_reverify_since(obj: Any) -> dt.datetime | None:
        return obj.reverify_since if obj.needs_reverify else None

    @staticmethod
    def resolve_reverify_reason(obj: Any, context: Any) -> str:
        if not obj.needs_reverify:
            return ""
        return obj.reverify_reason if _full(context) else mask_identities_in(obj.reverify_reason)


class ProposeIn(Schema):
    programme: str = Field(..., description="Kode program (dari GET /programmes)")
    worker_id: int


class RejectIn(Schema):
    reason: str


class RegisterIn(Schema):
    kpj_number: str
    registration_date: dt.date


class EndIn(Schema):
    reason: str = Field(
        ...,
        description="meninggal, pindah, anggaran_habis, menunggak, penerima_upah, tidak_memenuhi",
    )
    end_date: dt.date | None = None


# --- v1 additions (issue 15) --------------------------------------------------------------------

MAX_AMOUNT = 10**15  # Rp1.000 triliun: beyond any regional budget, inside a 64-bit column
MAX_IDS = 1000  # enrolments in one bulk step


class ProposeManyIn(Schema):
    programme: str = Field(..., description="Kode program (dari GET /programmes)")
    worker_id: int
    waitlist: bool = Field(False, description="Kuota penuh: masuk daftar tunggu, bukan ditolak")


class BulkTransitionIn(Schema):
    action: Literal["verify", "activate"]
    enrolment_ids: list[int] = Field(..., min_length=1, max_length=MAX_IDS)


class BulkTransitionOut(Schema):
    done: int
    problems: list[ErrorItem]


class BudgetLineOut(Schema):
    id: int
    kind: str
    amount: int
    date: dt.date
    document_ref: str
    note: str


class BudgetLineIn(Schema):
    kind: Literal["apbd_murni", "apbd_perubahan", "provinsi", "lainnya"]
    amount: int = Field(..., ge=1, le=MAX_AMOUNT, description="Rupiah")
    date: dt.date
    document_ref: str = Field(..., max_length=120)
    note: str = Field("", max_length=250)


class QuotaOfferOut(Schema):
    quota: int = Field(..., description="Kuota yang ditawarkan (yang ditanggung anggaran)")
    sentence: str = Field(..., description="Kalimat tawaran seperti di halaman anggaran")


class BudgetLineAddedOut(BudgetLineOut):
    budget_total: int = Field(..., description="Seluruh anggaran program sesudah baris ini")
    premium: int = Field(..., description="Iuran sebulan per peserta pada penghasilan bawaan")
    months: int = Field(..., description="Bulan masa program")
    quota: int = Field(..., description="Kuota program sekarang (tidak diubah)")
    quota_affordable: int = Field(
        ..., description="Peserta yang ditanggung seluruh anggaran selama masa program"
    )
    quota_offer: QuotaOfferOut | None = Field(
        None,
        description="Usul kuota bila berbeda dari kuota sekarang; terima dengan PATCH "
        '/programmes/{code} {"quota": N}',
    )


class CoverageMonthOut(Schema):
    month: dt.date
    status: str = Field(..., description="dibayar, belum_jatuh_tempo, menunggak, putus")
    unpaid_months: int
    lapses_on: dt.date | None


class ImportJobSummaryOut(Schema):
    id: int
    kind: str = Field(..., description="pekerja atau jawaban_bpjs")
    status: str = Field(..., description="antri, berjalan, selesai, ditolak, gagal")
    finished: bool
    phase: str
    filename: str
    programme: str | None
    dry_run: bool
    rows_total: int
    rows_done: int
    percent: int
    errors_total: int
    warnings_total: int
    error_file_status: str = Field(..., description="'', antri, siap, gagal")
    message: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_finished(obj: Any) -> bool:
        return obj.is_finished

    @staticmethod
    def resolve_programme(obj: Any) -> str | None:
        return obj.programme.code if obj.programme_id else None

    @staticmethod
    def resolve_errors_total(obj: Any) -> int:
        return max(obj.errors_total, len(obj.errors))


class BpjsBatchRefOut(Schema):
    id: int
    number: int
    programme: str = Field(..., alias="programme.code")
    sent: int
    registered: int
    refused: int
    waiting: int


class ImportJobOut(ImportJobSummaryOut):
    result: dict[str, int] = Field(..., description="Jumlah baris per hasil (selesai)")
    errors: list[dict[str, Any]] = Field(..., description="Baris ditolak (paling banyak 1.000)")
    warnings: list[dict[str, Any]]
    batches: list[BpjsBatchRefOut] = Field(
        default_factory=list,
        description="Jawaban BPJS yang selesai (bukan uji coba): batch pendaftaran yang "
        "barisnya dijawab berkas ini, dengan hitungannya sekarang",
    )

    @staticmethod
    def resolve_result(obj: Any) -> dict[str, int]:
        return obj.result or {}

    @staticmethod
    def resolve_batches(obj: Any, context: Any) -> list[Any]:
        from lindung.imports.bpjs import batches_answered_by

        request = (context or {}).get("request")
        user = getattr(request, "auth", None)
        if (
            user is None
            or obj.kind != "jawaban_bpjs"
            or obj.dry_run
            or not obj.is_finished
            or not obj.content_sha256
        ):
            return []
        return list(
            batches_answered_by(user=user, content_sha256=obj.content_sha256).order_by("pk")
        )


class BpjsBatchOut(Schema):
    """A numbered registration batch sent to the BPJS branch (`imports.bpjs`)."""

    id: int
    number: int = Field(..., description="Nomor batch, berurutan per program")
    name: str = Field(
        ..., description="Nama batch di nama berkas", examples=["CONTOH-2027-batch-001"]
    )
    programme: str = Field(..., alias="programme.code", examples=["CONTOH-2027"])
    region: str = Field(..., alias="region_code", description="Wilayah yang dicakup batch")
    format: str = Field(..., alias="fmt", description="Format saat dibuat: xlsx atau csv")
    created_at: dt.datetime
    created_by: str = Field(..., description="Nama pengguna pembuat batch")
    rows: int = Field(..., description="Kepesertaan yang dikirim dalam batch")
    sent: int
    registered: int = Field(..., description="Dijawab terdaftar (atau sudah ber-KPJ)")
    refused: int = Field(..., description="Ditolak kantor cabang")
    waiting: int = Field(..., description="Belum dijawab, masih terverifikasi")
    answered: bool = Field(..., description="Tidak ada lagi yang menunggu jawaban")
    corrections: int = Field(
        ..., description="Koreksi NIK/tanggal lahir yang dibawa batch (lembar KOREKSI)"
    )
    held: int = Field(
        ...,
        description=(
            "Kepesertaan terverifikasi program ini (di wilayah pemanggil) yang kini ditahan "
            "karena kemungkinan data ganda belum diputuskan; ikut batch berikutnya setelah "
            "diputuskan"
        ),
    )

    @staticmethod
    def resolve_name(obj: Any) -> str:
        from lindung.imports.bpjs import batch_name

        return batch_name(obj)

    @staticmethod
    def resolve_created_by(obj: Any) -> str:
        return obj.created_by.get_full_name() or obj.created_by.username

    @staticmethod
    def resolve_answered(obj: Any) -> bool:
        return obj.waiting == 0

    @staticmethod
    def resolve_held(obj: Any, context: Any) -> int:
        # Counted once per programme and request (a page of batches names a few programmes).
        from lindung.imports.bpjs import held_enrolments

        request = (context or {}).get("request")
        if request is None:
            return 0
        cache = request.__dict__.setdefault("_held_by_programme", {})
        if obj.programme_id not in cache:
            cache[obj.programme_id] = held_enrolments(
                user=request.auth, programme=obj.programme
            ).count()
        return cache[obj.programme_id]


class BatchEnrolmentOut(EnrolmentOut):
    position: int = Field(..., description="Nomor baris (NO) dalam berkas batch")
    outcome: str = Field(..., description="Jawaban BPJS: menunggu, terdaftar, ditolak")
    refusal_reason: str = Field(..., description="Alasan penolakan dari kantor cabang")
    answered_at: dt.datetime | None

    @staticmethod
    def resolve_outcome(obj: Any) -> str:
        return obj.batch_outcome or "menunggu"

    @staticmethod
    def resolve_position(obj: Any) -> int:
        return obj.batch_position

    @staticmethod
    def resolve_refusal_reason(obj: Any) -> str:
        return obj.batch_reason or ""

    @staticmethod
    def resolve_answered_at(obj: Any) -> dt.datetime | None:
        return obj.batch_answered_at


class BillOut(Schema):
    id: int
    programme: str = Field(..., alias="programme.code")
    month: dt.date
    funder: str
    funder_region: str = Field(..., alias="funder_region_id")
    due_date: dt.date
    line_count: int
    jkk_total: int
    jkm_total: int
    jht_total: int
    lines_total: int
    adjustments_total: int
    total: int
    paid_amount: int
    outstanding: int
    paid_at: dt.date | None


class BillJobOut(Schema):
    """A month's bill being generated by the task worker (`contributions.tasks`)."""

    id: str = Field(..., description="Nomor tugas; tanyakan di GET /bills/jobs/{id}")
    status: str = Field(..., description="antri, berjalan, selesai, gagal")
    finished: bool
    programme: str = Field(..., examples=["CONTOH-2027"])
    month: dt.date
    bill: BillOut | None = Field(None, description="Tagihannya, setelah selesai")
    message: str


class PaymentOut(Schema):
    id: int
    programme: str = Field(..., alias="programme.code")
    paid_on: dt.date
    amount: int
    reference: str
    first_month: dt.date
    months_covered: int
    allocated: int
    unallocated: int
    note: str


class PaymentIn(Schema):
    programme: str = Field(..., description="Kode program")
    paid_on: dt.date
    amount: int = Field(..., ge=1, le=MAX_AMOUNT, description="Rupiah")
    reference: str = Field(..., max_length=80, description="Nomor SP2D")
    first_month: dt.date = Field(..., description="Tanggal mana pun di bulan pertama")
    months_covered: Literal[1, 3, 6, 12] = 1
    note: str = Field("", max_length=250)


class LapseWarningOut(Schema):
    lapses_on: dt.date
    first_unpaid: dt.date
    count: int


class CoverageSummaryOut(Schema):
    programme: str
    month: dt.date
    on: dt.date
    counts: dict[str, int] = Field(..., description="Peserta per status perlindungan")
    lapse_warnings: list[LapseWarningOut]
    lapsed_ended: int


class CoverageRowOut(Schema):
    enrolment_id: int
    worker_id: int
    worker_name: str
    village: str
    kpj_number: str
    status: str
    unpaid_months: int
    lapses_on: dt.date | None


class PagedCoverageRowOut(Schema):
    items: list[CoverageRowOut]
    count: int


class FiguresOut(Schema):
    region: str
    name: str
    registered: int
    active: int
    new: int
    ended: int
    proposed: int
    verified: int
    denominator: int | None
    coverage_pct: float | None
    target_participants: int | None
    target_progress_pct: float | None
    target_coverage_pct: float | None
    target_villages: int | None
    villages_total: int
    villages_socialised: int
    villages_implementing: int


class VillageFiguresOut(FiguresOut):
    rollout: str = Field(..., description="belum_dijangkau, sudah_sosialisasi, melaksanakan")


class PeriodOut(Schema):
    start: dt.date
    end: dt.date


class OccupationActiveOut(Schema):
    name: str
    active: int


class IndicatorReportOut(FiguresOut):
    period: PeriodOut
    children: list[FiguresOut]
    by_occupation: list[OccupationActiveOut]
    by_sex: dict[str, int]


class ClaimOut(Schema):
    id: int
    number: str
    worker_id: int
    worker_name: str = Field(..., alias="worker.name")
    programme: str | None
    claim_type: str
    status: str
    event_date: dt.date
    reported_date: dt.date
    eligible: bool
    eligibility_code: str
    explanation: str
    calculated_amount: int
    paid_amount: int | None
    paid_date: dt.date | None
    reject_reason: str
    claimant_name: str
    claimant_nik: str

    @staticmethod
    def resolve_programme(obj: Any) -> str | None:
        return obj.programme.code if obj.programme_id else None

    @staticmethod
    def resolve_claimant_nik(obj: Any, context: Any) -> str:
        return obj.claimant_nik if _full(context) else mask_identity(obj.claimant_nik)
