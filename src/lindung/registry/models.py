from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Occupation(models.Model):
    """A vulnerable occupation. Which ones a programme accepts is the programme's list; the
    lists of Paser and Penajam Paser Utara are seeded by a data migration."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama pekerjaan"), max_length=100)
    valid_from = models.DateField(_("berlaku mulai"))
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Worker(models.Model):
    """A pekerja rentan. One row per NIK across the whole installation."""

    scope_field = "village_id"

    class Sex(models.TextChoices):
        MALE = "L", _("Laki-laki")
        FEMALE = "P", _("Perempuan")

    class Status(models.TextChoices):
        ACTIVE = "aktif", _("Aktif")
        DECEASED = "meninggal", _("Meninggal dunia")
        MOVED = "pindah", _("Pindah domisili")
        # Employed for a wage (DOMAIN.md §5): the employer registers and pays for them (BPJS
        # "penerima upah"), so they leave the pekerja rentan programmes.
        WAGE_EARNER = "penerima_upah", _("Menjadi pekerja penerima upah")
        INACTIVE = "nonaktif", _("Tidak aktif")

    # Unique through Meta.constraints: one index that serves both `nik = ...` and the NIK
    # prefix search (a plain unique field gets a second, LIKE-only index on PostgreSQL).
    nik = models.CharField(_("NIK"), max_length=16)
    kk_number = models.CharField(_("No. KK"), max_length=16, blank=True)
    name = models.CharField(_("nama lengkap"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices)
    birth_place = models.CharField(_("tempat lahir"), max_length=80, blank=True)
    birth_date = models.DateField(_("tanggal lahir"))
    # Indexed by (village, name) below, which also serves scope filters on the village.
    village = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="workers",
        verbose_name=_("desa/kelurahan domisili"),
        db_index=False,
    )
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    phone = models.CharField(_("nomor HP"), max_length=20, blank=True)
    # Not indexed: a dozen values over a million rows, always filtered together with the
    # village (indexed); an index here only slowed every bulk insert.
    occupation = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        related_name="workers",
        verbose_name=_("pekerjaan"),
        db_index=False,
    )
    declared_income = models.PositiveBigIntegerField(
        _("penghasilan per bulan (Rp)"),
        help_text=_("Dasar iuran JKK. Bawaan dari parameter 'penghasilan_bawaan'."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    # The date of the death, move or wage job that set the status (None while active, or not
    # known).
    status_date = models.DateField(_("tanggal perubahan status"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pekerja")
        verbose_name_plural = _("pekerja")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["village", "name"]),
            models.Index(fields=["birth_date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nik"], name="worker_nik_unique", opclasses=["varchar_pattern_ops"]
            ),
            models.CheckConstraint(
                condition=models.Q(nik__regex=r"^[0-9]{16}$"), name="worker_nik_16_digits"
            ),
            models.CheckConstraint(condition=models.Q(sex__in=["L", "P"]), name="worker_sex_lp"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nik})"


class DuplicatePair(models.Model):
    """Two workers under different NIKs who may be one person (similar name, same birth date,
    same kecamatan), waiting for an admin's decision. `worker_a` is the older record.

    'Same person' merges B into A (B kept, inactive, with its history); 'different people' keeps
    the pair so the two are never flagged again. Logic lives in `registry.duplicates`."""

    scope_field = "worker_a__village_id"

    class Decision(models.TextChoices):
        PENDING = "menunggu", _("Menunggu keputusan")
        SAME = "sama", _("Orang yang sama (digabung)")
        DIFFERENT = "berbeda", _("Orang yang berbeda")

    worker_a = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="+", verbose_name=_("pekerja A")
    )
    worker_b = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="+", verbose_name=_("pekerja B")
    )
    score = models.PositiveSmallIntegerField(_("kemiripan nama (%)"))
    source = models.CharField(_("sumber"), max_length=80, blank=True)
    decision = models.CharField(
        _("keputusan"),
        max_length=10,
        choices=Decision.choices,
        default=Decision.PENDING,
        db_index=True,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kemungkinan data ganda")
        verbose_name_plural = _("kemungkinan data ganda")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["worker_a", "worker_b"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(worker_a__lt=models.F("worker_b")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_a_id} ~ {self.worker_b_id} ({self.decision})"


class BpjsNotice(models.Model):
    """A change the BPJS branch must be told of ("perlu dilaporkan ke BPJS"): a participant
    known to BPJS (an enrolment registered or active, with a KPJ) died, moved away or became a
    wage earner (their employer now pays), or the Dinas corrected their NIK or birth date, so
    BPJS re-verifies the membership data. Raised by `registry.services` when the worker's
    record changes; the BPJS officer (or the Dinas) marks it reported. A correction is also
    written, once, on the programme's next BPJS batch (`sent_batch`). The enrolment is named
    by its plain id: the registry sits below the programmes."""

    scope_field = "region_code"

    class Kind(models.TextChoices):
        DEATH = "meninggal", _("Meninggal dunia")
        MOVED = "pindah", _("Pindah / keluar wilayah program")
        CORRECTION = "koreksi", _("Koreksi NIK/tanggal lahir")
        WAGE_EARNER = "penerima_upah", _("Menjadi pekerja penerima upah")

    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="bpjs_notices", verbose_name=_("pekerja")
    )
    region_code = models.CharField(_("kode wilayah"), max_length=13)
    kind = models.CharField(_("jenis"), max_length=16, choices=Kind.choices)
    enrolment_id = models.PositiveBigIntegerField(_("ID kepesertaan"), null=True, blank=True)
    programme_code = models.CharField(_("program"), max_length=30, blank=True)
    kpj_number = models.CharField(_("nomor KPJ"), max_length=20, blank=True)
    event_date = models.DateField(_("tanggal peristiwa"), null=True, blank=True)
    details = models.JSONField(_("rincian"), default=dict, blank=True)
    reason = models.CharField(_("alasan"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("dilaporkan"), null=True, blank=True, db_index=True)
    reported_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A correction travels to the branch in the programme's next BPJS batch (sheet KOREKSI):
    # the number of that batch of `programme_code`, and when. Named by number, not by a key:
    # the batches belong to `imports`, above the registry.
    sent_batch = models.PositiveIntegerField(_("dikirim dalam batch"), null=True, blank=True)
    sent_at = models.DateTimeField(_("dikirim ke BPJS"), null=True, blank=True)

    class Meta:
        verbose_name = _("laporan ke BPJS")
        verbose_name_plural = _("laporan ke BPJS")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.worker_id} ({self.kpj_number})"
