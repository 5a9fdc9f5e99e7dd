"""The main menu. Each entry: (url name, label, permission action or None). An app adds its
entry here; entries whose URL does not resolve yet are skipped by the template tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NAV: list[tuple[str, object, str | None]] = [
    ("home", _("Beranda"), None),
    ("monitoring:root", _("Monitoring"), None),
    ("outreach:list", _("Sosialisasi"), None),
    ("registry:list", _("Pekerja"), None),
    ("programs:list", _("Program"), None),
    ("contributions:home", _("Iuran & anggaran"), "contributions_read"),
    ("claims:list", _("Klaim"), None),
    ("reports:home", _("Laporan"), None),
    ("imports:upload", _("Impor Excel"), "worker_edit"),
    ("imports:bpjs", _("Data BPJS"), "enrolment_register"),
    ("registry:bpjs_notices", _("Lapor BPJS"), "enrolment_register"),
    ("audit:list", _("Jejak audit"), "audit_read"),
]
