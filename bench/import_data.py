"""Data for the import benchmark: a registry of N workers across Kalimantan Timur, written with
bulk statements (COPY on PostgreSQL, executemany on SQLite), and a worker spreadsheet for
Kabupaten Paser with realistic defects.

Call inside a configured Django process (see bench/import_workers.py).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict
from collections.abc import Iterator

from lindung.registry.rules import nik_birth_digits

FIRST = [
    "Ahmad",
    "Muhammad",
    "Siti",
    "Nur",
    "Budi",
    "Rahmat",
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
    "Aisyah",
    "Hendra",
    "Yohanes",
    "Maria",
    "Rudi",
    "Andi",
    "Sulastri",
    "Abdul",
    "Ismail",
    "Rosita",
    "Samsul",
    "Herman",
    "Mulyadi",
    "Suparman",
    "Zainal",
    "Indah",
    "Ani",
    "Eka",
    "Dian",
    "Fitri",
    "Hadi",
    "Irwan",
    "Kartini",
    "Lukman",
    "Marlina",
    "Nasrul",
    "Yanti",
    "Ridwan",
    "Syamsuddin",
]
MIDDLE = [
    "",
    "",
    "",
    "Nur",
    "Dwi",
    "Tri",
    "Eka",
    "Sri",
    "Adi",
    "Putra",
    "Putri",
    "Indra",
    "Wahyu",
    "Budi",
    "Dewi",
    "Ayu",
    "Bayu",
    "Rizki",
    "Fajar",
    "Aditya",
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
    "Rahman",
    "Hasibuan",
    "Sembiring",
    "Simanjuntak",
    "Pardede",
    "Hutapea",
    "Ginting",
    "Tarigan",
    "Manurung",
    "Situmorang",
    "Daeng",
    "Latif",
    "Mappa",
    "Pasompe",
    "Baso",
    "Rusdi",
    "Effendi",
    "Suryadi",
    "Kusuma",
    "Santoso",
    "Wibowo",
    "Nugroho",
    "Purnomo",
    "Sutrisno",
    "Hartono",
    "Sugiarto",
    "Mansyur",
    "Yunus",
    "Arifin",
    "Fauzi",
]
OCCUPATIONS = [
    "imam",
    "marbot",
    "guru-ngaji",
    "ketua-rt-rw",
    "relawan-damkar",
    "relawan-bencana",
    "nelayan",
    "petani",
    "pekebun",
    "pedagang",
    "pelaku-umkm",
    "nakes-desa",
]
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
REGISTRY_COLUMNS = [
    "nik",
    "kk_number",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "village_id",
    "address",
    "phone",
    "occupation_id",
    "declared_income",
    "status",
    "created_at",
    "updated_at",
]


def random_name(rng: random.Random) -> str:
    return " ".join(p for p in (rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(LAST)) if p)


def typo(name: str, rng: random.Random) -> str:
    """A near-duplicate spelling: one letter doubled, dropped or swapped (Rahmat ~ Rachmat)."""
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i] + name[i:]
    if kind == 1 and name[i] != " ":
        return name[:i] + name[i + 1 :]
    return name[:i] + ("y" if name[i] != "y" else "i") + name[i + 1 :]


class NikMaker:
    """Valid, unique NIKs: district of first registration, DDMMYY (+40 for women), serial."""

    def __init__(self, start: int = 1) -> None:
        self.serials: dict[str, int] = defaultdict(lambda: start - 1)

    def make(self, village: str, birth: dt.date, sex: str) -> str:
        key = village[:8].replace(".", "") + nik_birth_digits(birth, sex)
        self.serials[key] += 1
        return f"{key}{self.serials[key]:04d}"


def random_birth(rng: random.Random, *, youngest: int = 18, oldest: int = 60) -> dt.date:
    today = dt.date(2026, 11, 1)
    return today - dt.timedelta(days=rng.randrange(youngest * 366, oldest * 365))


def registry_rows(
    n: int, villages: list[str], occupation_ids: list[int], seed: int = 1
) -> Iterator[tuple[object, ...]]:
    """n registered workers, generated column by column (random.choices runs in C) because a
    per-row loop of random calls would dominate the benchmark's set-up time."""
    rng = random.Random(seed)
    today = dt.date(2026, 11, 1)
    dates = [today - dt.timedelta(days=d) for d in range(15 * 366, 70 * 365)]
    ddmmyy = {
        s: [f"{d.day + (40 if s == 'P' else 0):02d}{d.month:02d}{d.year % 100:02d}" for d in dates]
        for s in "LP"
    }
    district = {v: v[:8].replace(".", "") for v in villages}
    now = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    serials: dict[str, int] = defaultdict(int)
    cols = zip(
        rng.choices(villages, k=n),
        rng.choices("LP", k=n),
        rng.choices(range(len(dates)), k=n),
        rng.choices(FIRST, k=n),
        rng.choices(MIDDLE, k=n),
        rng.choices(LAST, k=n),
        rng.choices(occupation_ids, k=n),
        rng.choices(range(10**6, 10**7), k=n),
        strict=True,
    )
    for village, sex, d, first, middle, last, occupation, number in cols:
        key = district[village] + ddmmyy[sex][d]
        serials[key] += 1
        nik = f"{key}{serials[key]:04d}"
        yield (
            nik,
            f"{nik[:6]}0{number}00",
            f"{first} {middle} {last}" if middle else f"{first} {last}",
            sex,
            "Tanah Grogot",
            dates[d],
            village,
            "RT 01",
            f"081{number}0",
            occupation,
            1_000_000,
            "aktif",
            now,
            now,
        )


def registry_load(n: int, *, villages: list[str], occupation_ids: list[int]) -> int:
    """Insert n workers as plain tuples (no model instances): COPY on PostgreSQL; on SQLite
    executemany with the secondary indexes dropped during the load and rebuilt after it."""
    from django.db import connection, transaction

    rows = registry_rows(n, villages, occupation_ids)
    cols = ", ".join(REGISTRY_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY registry_worker ({cols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            cursor.execute("ANALYZE registry_worker")
            return n
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND "
            "tbl_name = 'registry_worker' AND sql IS NOT NULL "
            "AND sql NOT LIKE 'CREATE UNIQUE%'"
        )
        indexes = [r[0] for r in cursor.fetchall()]
        for sql in indexes:
            cursor.execute("DROP INDEX " + sql.split()[2])
        marks = ", ".join(["%s"] * len(REGISTRY_COLUMNS))
        sql = f"INSERT INTO registry_worker ({cols}) VALUES ({marks})"
        batch: list[tuple[object, ...]] = []
        for r in rows:
            batch.append(r)
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
        for sql in indexes:
            cursor.execute(sql)
        cursor.execute("ANALYZE registry_worker")
    return n


def spreadsheet(
    rows: int,
    *,
    villages: list[str],
    existing: list[tuple[str, str, str, dt.date, str, str]],
    invalid_share: float = 0.03,
    near_duplicate_share: float = 0.02,
    existing_share: float = 0.05,
    seed: int = 7,
) -> bytes:
    """A Paser worker spreadsheet: new workers, some already registered (half of them with a new
    phone number), near-duplicates of registered workers, and invalid rows of every kind.

    `existing`: (nik, name, sex, birth_date, village, occupation code) of registered workers."""
    import openpyxl

    rng = random.Random(seed)
    niks = NikMaker(start=5000)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Pekerja")
    ws.append(HEADER)
    pool = list(existing)
    rng.shuffle(pool)
    kinds = (
        ["invalid"] * round(rows * invalid_share)
        + ["near"] * round(rows * near_duplicate_share)
        + ["existing"] * round(rows * existing_share)
    )
    kinds += ["new"] * (rows - len(kinds))
    rng.shuffle(kinds)
    written: list[str] = []
    for i, kind in enumerate(kinds):
        village = rng.choice(villages)
        sex = rng.choice("LP")
        birth = random_birth(rng)
        name = random_name(rng)
        occupation = rng.choice(OCCUPATIONS)
        phone = f"08{rng.randrange(10**9, 10**10)}"
        if kind == "existing" and pool:
            nik, name, sex, birth, village, occupation = pool.pop()
            if i % 2:
                phone = "081100000000"
        elif kind == "near" and pool:
            _nik, other, sex, birth, village, occupation = pool.pop()
            name = typo(other, rng)
            nik = niks.make(village, birth, sex)
        else:
            nik = niks.make(village, birth, sex)
        row: list[object] = [
            nik,
            nik[:6] + f"{rng.randrange(10**10):010d}",
            name,
            sex,
            "Tanah Grogot",
            birth.strftime("%d/%m/%Y"),
            village,
            f"RT {rng.randrange(1, 30):02d}",
            occupation,
            phone,
            1_000_000,
        ]
        if kind == "invalid":
            _spoil(row, rng, written)
        written.append(str(row[0]))
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _spoil(row: list[object], rng: random.Random, written: list[str]) -> None:
    """One defect per invalid row, spread over the codes villages actually produce."""
    defect = rng.randrange(9)
    if defect == 0:
        row[0] = float(str(row[0])[:15] + "0")  # NIK typed into a number cell
    elif defect == 1:
        row[0] = str(row[0])[:6] + "329912" + str(row[0])[12:]  # nik_date
    elif defect == 2:
        row[0] = str(row[0])[:15]  # nik_format
    elif defect == 3:
        row[5] = "31/02/1980"  # date_invalid
    elif defect == 4:
        row[6] = "64.01.99.9999"  # village_unknown
    elif defect == 5:
        row[3] = "X"  # sex_invalid
    elif defect == 6:
        row[8] = "ojek"  # not in Paser's list
    elif defect == 7 and written:
        row[0] = rng.choice(written)  # duplicate_in_file (or a mismatch)
    else:
        row[2] = ""  # missing_value
