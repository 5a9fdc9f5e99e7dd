from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded file and its processing by the background worker.

    The file itself is kept in the database (not on disk) so that the web server and the task
    worker need to share nothing but the database; it also feeds the error workbook."""

    scope_field = "region_code"

    class Kind(models.TextChoices):
        WORKERS = "pekerja", _("Data pekerja")
        BPJS_ANSWER = "jawaban_bpjs", _("Jawaban BPJS (KPJ)")

    class Status(models.TextChoices):
        QUEUED = "antri", _("Menunggu")
        RUNNING = "berjalan", _("Berjalan")
        DONE = "selesai", _("Selesai")
        REFUSED = "ditolak", _("Berkas ditolak")
        FAILED = "gagal", _("Gagal")

    FINISHED = (Status.DONE, Status.REFUSED, Status.FAILED)

    class ErrorFile(models.TextChoices):
        QUEUED = "antri", _("Sedang disusun")
        READY = "siap", _("Siap diunduh")
        FAILED = "gagal", _("Gagal disusun")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.WORKERS)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    phase = models.CharField(_("tahap"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pengunggah"),
    )
    region_code = models.CharField(
        _("wilayah pengunggah"), max_length=13, blank=True, db_index=True
    )
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program"),
    )
    dry_run = models.BooleanField(_("uji coba (tanpa menyimpan)"), default=False)
    filename = models.CharField(_("nama berkas"), max_length=200)
    content = models.BinaryField(_("isi berkas"))
    rows_total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    rows_done = models.PositiveIntegerField(_("baris diproses"), default=0)
    rows_per_second = models.FloatField(_("baris per detik"), default=0)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    warnings = models.JSONField(_("peringatan"), default=list, blank=True)
    # Only the first ERRORS_STORED errors and warnings are kept on the row (a file of 200,000
    # bad rows would otherwise make a field of hundreds of MB); the totals count them all and
    # the error workbook, built by the worker while it still holds them, lists every one.
    errors_total = models.PositiveIntegerField(_("jumlah kesalahan"), default=0)
    warnings_total = models.PositiveIntegerField(_("jumlah peringatan"), default=0)
    error_file = models.BinaryField(_("berkas perbaikan"), null=True, blank=True)
    error_file_rows = models.PositiveIntegerField(_("baris berkas perbaikan"), default=0)
    error_file_status = models.CharField(
        _("status berkas perbaikan"), max_length=10, blank=True, choices=ErrorFile.choices
    )
    # The errors grouped by kind over EVERY error (`report.error_groups`), recorded when the
    # error workbook is built (the one step that sees them all): the result page says
    # "704 baris: kuota penuh" even when only the first 1,000 errors are kept on the row.
    error_groups = models.JSONField(_("ringkasan kesalahan"), default=list, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(
        _("sidik berkas (SHA-256)"), max_length=64, blank=True, db_index=True
    )
    # Which process runs the job and when it last said so: a job whose worker died is found
    # and marked failed (`services.import_jobs_reclaim`) instead of "berjalan" forever.
    worker = models.CharField(_("proses pekerja"), max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"), null=True, blank=True)
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    ERRORS_STORED = 1000

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))

    @property
    def minutes_left(self) -> int | None:
        """About how many minutes the rows left take at the pace so far (rounded up); None
        before there is a pace to go by."""
        if self.is_finished or not self.rows_total or self.rows_per_second <= 0:
            return None
        left = max(self.rows_total - self.rows_done, 0) / self.rows_per_second
        return int(-(-left // 60))


class ImportLock(models.Model):
    """One row per file being imported (by its SHA-256), so that the same file imported twice
    at once (a double click, two terminals) refuses the second import with a message instead
    of both racing to insert the same NIKs. Taken and released by `services.import_lock`; a
    lock whose process died is taken over."""

    content_sha256 = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(_("proses"), max_length=120)
    label = models.CharField(_("impor"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("mulai"))
    heartbeat_at = models.DateTimeField(_("tanda hidup terakhir"))

    class Meta:
        verbose_name = _("kunci impor")
        verbose_name_plural = _("kunci impor")

    def __str__(self) -> str:
        return f"{self.content_sha256[:12]} {self.label}"


class BpjsBatch(models.Model):
    """One registration file sent to the BPJS branch: the verified enrolments not sent before,
    numbered per programme, so that what was sent when, and by whom, is known, a second export
    offers only what is new, and the branch's answer is matched back to it.

    The enrolments are the batch's `entries` (with the branch's outcome for each); the file is
    written again from them on every download (`bpjs.batch_export`), so a re-download carries
    the data as corrected since."""

    scope_field = "region_code"

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"

    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    number = models.PositiveIntegerField(_("nomor batch"))
    # The region the batch covers: the programme's, narrowed to the exporting user's
    # (`bpjs.registration_region`).
    region_code = models.CharField(_("wilayah"), max_length=13, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat"))
    fmt = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.XLSX)
    rows = models.PositiveIntegerField(_("jumlah kepesertaan"), default=0)
    enrolments = models.ManyToManyField(
        "programs.Enrolment",
        through="BpjsBatchEntry",
        related_name="+",
        verbose_name=_("kepesertaan"),
    )

    class Meta:
        verbose_name = _("batch pendaftaran BPJS")
        verbose_name_plural = _("batch pendaftaran BPJS")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="bpjs_batch_number_per_programme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} batch {self.number}"


class BpjsBatchEntry(models.Model):
    """One enrolment sent in a batch, and what the branch answered about it."""

    class Outcome(models.TextChoices):
        WAITING = "", _("Menunggu jawaban")
        REGISTERED = "terdaftar", _("Terdaftar")
        REFUSED = "ditolak", _("Ditolak BPJS")

    batch = models.ForeignKey(BpjsBatch, on_delete=models.CASCADE, related_name="entries")
    enrolment = models.ForeignKey("programs.Enrolment", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("nomor baris"))
    outcome = models.CharField(
        _("jawaban BPJS"),
        max_length=10,
        blank=True,
        choices=Outcome.choices,
        default=Outcome.WAITING,
    )
    reason = models.CharField(_("alasan penolakan"), max_length=250, blank=True)
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    # The answer file that answered it (by SHA-256, as `ImportJob.content_sha256`): links an
    # answer's import job to the batches it answered.
    answer_sha256 = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("kepesertaan dalam batch")
        verbose_name_plural = _("kepesertaan dalam batch")
        ordering = ["batch", "position"]
        constraints = [
            # An enrolment is sent once; only a refusal frees it to be sent again (corrected).
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=~models.Q(outcome="ditolak"),
                name="bpjs_entry_sent_once",
            ),
            models.UniqueConstraint(fields=["batch", "enrolment"], name="bpjs_entry_once_in_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} #{self.position}"
