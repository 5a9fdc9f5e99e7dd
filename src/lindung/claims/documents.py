"""Claim documents checked by their content before anything is stored.

A scanned death certificate or bank book arrives from a village office's phone or PC: hostile
until checked. The file's name and the browser's content type are not trusted; the first bytes
decide (PDF `%PDF-`, JPEG `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`), and the stored file gets
the extension and type of what it really is under a random name. Empty files and files above
`CLAIM_DOCUMENT_MAX_MB` (settings, default 10) are refused with a message naming the limit.

`core.uploads` reads spreadsheets under limits; claim documents are images and PDFs, which it
does not handle, hence this small check of its own (same error class and codes).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from lindung.core.errors import DomainError

MB = 1024 * 1024
DEFAULT_MAX_MB = 10


@dataclass(frozen=True)
class DocumentType:
    extension: str
    content_type: str
    label: str


PDF = DocumentType("pdf", "application/pdf", "PDF")
JPEG = DocumentType("jpg", "image/jpeg", "JPEG")
PNG = DocumentType("png", "image/png", "PNG")

_MAGIC = [(b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG)]
# What a refused file holds, for a message that helps ("berisi dokumen Word").
_KNOWN = [
    (b"PK\x03\x04", "Word/Excel/ZIP"),
    (b"\xd0\xcf\x11\xe0", "Word/Excel lama"),
    (b"MZ", "program Windows"),
    (b"\x7fELF", "program"),
    (b"GIF8", "GIF"),
    (b"RIFF", "WEBP/RIFF"),
    (b"Rar!", "RAR"),
]


class DocumentRefused(DomainError):
    code = "file_refused"


def max_bytes() -> int:
    return int(getattr(settings, "CLAIM_DOCUMENT_MAX_MB", DEFAULT_MAX_MB)) * MB


def check_size(size: int) -> None:
    """Refuse by size alone (before reading an upload into memory)."""
    if size <= 0:
        raise DocumentRefused(
            _("Berkas kosong (0 byte). Pindai atau foto ulang dokumennya."),
            code="file_empty",
            field="file",
        )
    limit = max_bytes()
    if size > limit:
        raise DocumentRefused(
            _(
                "Berkas berukuran %(size)s MB; batas %(max)s MB per dokumen. Perkecil resolusi "
                "pindaian atau foto."
            )
            % {"size": f"{size / MB:.1f}".replace(".", ","), "max": limit // MB},
            code="file_too_large",
            field="file",
        )


def document_type(content: bytes) -> DocumentType:
    """The type the content really is; DocumentRefused unless PDF, JPEG or PNG."""
    check_size(len(content))
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    what = next((label for magic, label in _KNOWN if content.startswith(magic)), None)
    if what is None:
        head = content[:512].lstrip().lower()
        what = "HTML" if head.startswith((b"<!doctype", b"<html")) else _("jenis lain")
    raise DocumentRefused(
        _(
            "Isi berkas bukan PDF, JPEG atau PNG (berisi %(what)s), apa pun akhiran namanya. "
            "Unggah hasil pindaian sebagai PDF atau foto JPEG/PNG."
        )
        % {"what": what},
        code="file_type",
        field="file",
    )
