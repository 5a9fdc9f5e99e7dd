"""Helpers to build worker spreadsheets in memory."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from tests.conftest import DESA_A, nik_for

HEADER = [
    "NIK",
    "NO_KK",
    "NAMA",
    "JENIS_KELAMIN",
    "TEMPAT_LAHIR",
    "TANGGAL_LAHIR",
    "KODE_DESA",
    "ALAMAT",
    "PEKERJAAN",
    "NO_HP",
    "PENGHASILAN",
]


FIRST = [
    "Ahmad",
    "Siti",
    "Budi",
    "Rahmat",
    "Nur",
    "Yusuf",
    "Dewi",
    "Hasan",
    "Fatimah",
    "Joko",
    "Sri",
    "Agus",
    "Rina",
    "Imam",
    "Lestari",
    "Bambang",
    "Wati",
    "Iwan",
    "Ratna",
    "Darman",
]
LAST = [
    "Saputra",
    "Hidayat",
    "Rahayu",
    "Kurniawan",
    "Wijaya",
    "Pratama",
    "Lubis",
    "Nasution",
    "Siregar",
    "Halim",
    "Gunawan",
    "Susanto",
    "Hakim",
    "Permana",
    "Setiawan",
    "Maulana",
    "Syahputra",
    "Anwar",
    "Harahap",
    "Tanjung",
]


def distinct_name(serial: int) -> str:
    return f"{FIRST[serial % 20]} {LAST[(serial // 20 + serial * 7) % 20]} {chr(65 + serial % 26)}"


def person(
    serial: int,
    *,
    birth: dt.date = dt.date(1985, 8, 17),
    sex: str = "L",
    name: str | None = None,
    village: str = DESA_A,
    occupation: str = "nelayan",
    **over: object,
) -> dict[str, object]:
    row: dict[str, object] = {
        "NIK": nik_for(birth=birth, sex=sex, serial=serial),
        "NO_KK": f"640101{serial:010d}",
        "NAMA": name or distinct_name(serial),
        "JENIS_KELAMIN": sex,
        "TEMPAT_LAHIR": "Tanah Grogot",
        "TANGGAL_LAHIR": birth.strftime("%d/%m/%Y"),
        "KODE_DESA": village,
        "ALAMAT": "RT 01",
        "PEKERJAAN": occupation,
        "NO_HP": "081234567890",
        "PENGHASILAN": "1000000",
    }
    row.update(over)
    return row


def xlsx_bytes(rows: list[dict[str, object]], header: list[str] = HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append([r.get(h) for h in header])
    for col in ("A", "B"):
        for cell in ws[col][1:]:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(
    rows: list[dict[str, object]],
    header: list[str] = HEADER,
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    for r in rows:
        w.writerow(["" if r.get(h) is None else r.get(h) for h in header])
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.fixture
def run_import(users):
    from lindung.imports.services import workers_import

    def run(content: bytes, *, filename: str = "pekerja.xlsx", by=None, **kw):
        return workers_import(by=by or users.admin, content=content, filename=filename, **kw)

    return run


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The shared `users` fixture creates eight users; PBKDF2 would make that the slowest
    part of every test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
