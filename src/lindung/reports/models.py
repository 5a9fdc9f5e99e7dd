"""Reports (issue 10, DOMAIN.md §8): the letterhead and signature of a region's reports, the
archive of generated reports, and the Paritrana self-assessment with its dated criteria.

The figures of a report are not stored here: they are computed by `monitoring.indicators` (the
dashboard's definitions) when the report is generated, and the generated file is kept in the
archive (`ReportRun.file`) so that what was handed to the Bupati can be downloaded again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Letterhead(models.Model):
    """The letterhead (kop surat) and signature block of the reports of one region. A report
    uses the letterhead of its region or of the nearest region above it that has one: a
    kecamatan's report carries the kabupaten's letterhead."""

    scope_field = "region_id"

    region = models.OneToOneField(
        "regions.Region",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="+",
        verbose_name=_("wilayah"),
    )
    government = models.CharField(
        _("nama pemerintah daerah"), max_length=120, help_text=_("Mis. PEMERINTAH KABUPATEN PASER")
    )
    agency = models.CharField(
        _("nama dinas"),
        max_length=160,
        blank=True,
        help_text=_("Mis. DINAS TENAGA KERJA DAN TRANSMIGRASI"),
    )
    address = models.CharField(
        _("alamat"), max_length=250, blank=True, help_text=_("Alamat, telepon, surel, kode pos")
    )
    city = models.CharField(
        _("tempat penandatanganan"), max_length=60, blank=True, help_text=_("Mis. Tana Paser")
    )
    logo = models.CharField(
        _("logo"),
        max_length=200,
        blank=True,
        help_text=_("Berkas PNG/JPEG di MEDIA_ROOT/reports/ (diunggah lewat halaman kop laporan)."),
    )
    signer_title = models.CharField(
        _("jabatan penanda tangan"), max_length=160, default="Kepala Dinas"
    )
    signer_name = models.CharField(_("nama penanda tangan"), max_length=120, blank=True)
    signer_rank = models.CharField(_("pangkat/golongan"), max_length=80, blank=True)
    signer_nip = models.CharField(
        _("NIP penanda tangan"), max_length=21, blank=True, help_text=_("18 angka; spasi boleh")
    )
    updated_at = models.DateTimeField(_("diubah"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("kop laporan")
        verbose_name_plural = _("kop laporan")
        ordering = ["region"]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.government}"


class ReportRun(models.Model):
    """One report generated (or being generated) in the background, kept in the region's
    archive: who asked, when, for which region, period and parameters, and the file.

    The file is kept in the database, like an import's upload, so that the web server and the
    task worker share nothing but the database."""

    scope_field = "region_id"

    class Kind(models.TextChoices):
        MONEV = "monev", _("Laporan monev")
        PARITRANA = "paritrana", _("Penilaian mandiri Paritrana")
        # A bill statement too large to build in a web request (reports.statements).
        STATEMENT = "tagihan", _("Rekapitulasi tagihan iuran")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        QUEUED = "antri", _("Menunggu")
        RUNNING = "berjalan", _("Disusun")
        DONE = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")

    FINISHED = (Status.DONE, Status.FAILED)

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
        db_index=False,
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    period = models.CharField(
        _("periode"), max_length=10, help_text=_("2026-11, 2026-Q3, 2026-S2 atau 2026")
    )
    parameters = models.JSONField(_("parameter"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    phase = models.CharField(_("tahap"), max_length=80, blank=True)
    file = models.BinaryField(_("berkas"), null=True, blank=True)
    filename = models.CharField(_("nama berkas"), max_length=120, blank=True)
    size = models.PositiveIntegerField(_("ukuran (byte)"), default=0)
    rows = models.PositiveIntegerField(_("baris data"), default=0)
    error = models.TextField(_("kesalahan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("dibuat pada"))
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # Which process builds the run and when it last said so (core.liveness): a run whose
    # worker died is marked failed instead of "disusun" forever.
    worker = models.CharField(max_length=120, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("laporan")
        verbose_name_plural = _("arsip laporan")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "-created_at"], name="reportrun_region")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reportrun_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.region_id} {self.period} ({self.format})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class ParitranaCriterion(models.Model):
    """A criterion of the Paritrana self-assessment from `valid_from` on: its weight and its
    scoring bands. Kemenko PMK and BPJS Ketenagakerjaan publish no weights: the seeded rows
    are Lindung's defaults (docs/reports.md), to be corrected by an administrator by adding a
    row with a later `valid_from`.

    `bands` is, for `regulation`, a mapping of the regulation's kind to a score
    (`{"perda": 100, "perbup": 70, "none": 0}`); for `coverage`, `budget` and `innovation` a
    list of `[minimum, score]` pairs (the highest minimum reached gives the score); for
    `interview` empty (the entered score, 0-100, is the score)."""

    class Key(models.TextChoices):
        REGULATION = "regulation", _("Regulasi")
        COVERAGE = "coverage", _("Cakupan kepesertaan")
        BUDGET = "budget", _("Anggaran")
        INNOVATION = "innovation", _("Inovasi")
        INTERVIEW = "interview", _("Wawancara kepala daerah")

    key = models.CharField(_("kriteria"), max_length=12, choices=Key.choices)
    valid_from = models.DateField(_("berlaku mulai"))
    weight = models.DecimalField(_("bobot (%)"), max_digits=5, decimal_places=2)
    bands = models.JSONField(_("pita skor"), default=list, blank=True)
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("kriteria Paritrana")
        verbose_name_plural = _("kriteria Paritrana")
        ordering = ["key", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "valid_from"], name="paritrana_criterion_valid_from"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=100), name="paritrana_weight_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.valid_from}: {self.weight}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from lindung.reports.rules import BandsInvalid, check_bands

        try:
            check_bands(self.key, self.bands)
        except BandsInvalid as e:
            raise ValidationError({"bands": e.message}) from e


class ParitranaAssessment(models.Model):
    """A regency's (or province's) self-assessment for one calendar year: what the data does
    not know (regulation, interview, budget held outside Lindung); coverage, budget and
    innovations are read or counted when the score is computed."""

    scope_field = "region_id"

    class Regulation(models.TextChoices):
        PERDA = "perda", _("Peraturan Daerah (Perda)")
        PERBUP = "perbup", _("Peraturan Bupati/Wali Kota/Gubernur")
        NONE = "none", _("Belum ada regulasi")

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("tahun dinilai"))
    regulation = models.CharField(
        _("regulasi"), max_length=8, choices=Regulation.choices, default=Regulation.NONE
    )
    regulation_number = models.CharField(_("nomor regulasi"), max_length=40, blank=True)
    regulation_year = models.PositiveSmallIntegerField(_("tahun regulasi"), null=True, blank=True)
    regulation_title = models.CharField(_("judul regulasi"), max_length=250, blank=True)
    budget_allocated = models.PositiveBigIntegerField(
        _("anggaran dialokasikan (Rp)"),
        null=True,
        blank=True,
        help_text=_("Kosongkan untuk memakai mata anggaran program di Lindung."),
    )
    budget_realised = models.PositiveBigIntegerField(
        _("anggaran terealisasi (Rp)"),
        null=True,
        blank=True,
        help_text=_("Kosongkan untuk memakai pembayaran iuran (SP2D) di Lindung."),
    )
    interview_score = models.DecimalField(
        _("nilai wawancara (0-100)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("catatan"), blank=True)
    updated_at = models.DateTimeField(_("diubah"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("penilaian Paritrana")
        verbose_name_plural = _("penilaian Paritrana")
        ordering = ["-year", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], name="paritrana_one_per_region_year"
            ),
            models.CheckConstraint(
                condition=models.Q(interview_score__isnull=True)
                | models.Q(interview_score__gte=0, interview_score__lte=100),
                name="paritrana_interview_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


class ParitranaInnovation(models.Model):
    """An innovation the region claims for the year, with its evidence (a decree number, a
    news link, a document). Only entries with evidence count toward the score."""

    scope_field = "assessment__region_id"

    assessment = models.ForeignKey(
        ParitranaAssessment,
        on_delete=models.CASCADE,
        related_name="innovations",
        verbose_name=_("penilaian"),
    )
    title = models.CharField(_("inovasi"), max_length=200)
    description = models.TextField(_("uraian"), blank=True)
    evidence = models.CharField(
        _("bukti"),
        max_length=300,
        blank=True,
        help_text=_("Nomor SK, tautan berita atau dokumen pendukung"),
    )
    created_at = models.DateTimeField(_("dicatat pada"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("inovasi Paritrana")
        verbose_name_plural = _("inovasi Paritrana")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence.strip())
