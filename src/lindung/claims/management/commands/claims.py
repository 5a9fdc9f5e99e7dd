"""`lindung claims calculate --type TYPE --income N --member-since YYYY-MM-DD --event YYYY-MM-DD
[--reported YYYY-MM-DD] [--unpaid YYYY-MM,...] [--lapsed-since YYYY-MM] [--stmb-months N]
[--cause {jkm,jkk_death,jkk_disability}] [--children LEVEL:AGE,...] [--contribution-years N]
[--json]`

The same rules as the claim pages and the API (`claims.calculator.calculate`: `rules.evaluate`,
with the benefit rules valid on the
event date read from the database), over facts given on the command line instead of the
records: every month from the month of --member-since to the event is taken as paid except
those named in --unpaid; each month's status is the contributions app's `coverage_state` seen on
the reported date. With --json it prints one object
`{"eligible", "code", "explanation", "breakdown": [{"item", "amount"}], "total"}`.

Exit 0 with an outcome (eligible or not), 2 on a bad argument (with a message naming it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from lindung.claims import rules
from lindung.claims.calculator import calculate
from lindung.core.errors import DomainError
from lindung.core.formatting import rupiah

BAD_ARGUMENTS = 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(
            f"tanggal harus berbentuk YYYY-MM-DD, bukan {value!r}"
        ) from e


def _month(value: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        raise argparse.ArgumentTypeError(f"bulan harus berbentuk YYYY-MM, bukan {value!r}")
    try:
        return dt.date.fromisoformat(value.strip() + "-01")
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"bulan {value!r} tidak ada") from e


def _months(value: str) -> list[dt.date]:
    return [_month(v) for v in value.split(",") if v.strip()]


def _count(value: str) -> int:
    if not re.fullmatch(r"\d{1,4}", value.strip()):
        raise argparse.ArgumentTypeError(f"harus bilangan bulat 0 atau lebih, bukan {value!r}")
    return int(value)


def _income(value: str) -> int:
    if not re.fullmatch(r"\d{1,12}", value.strip()) or int(value) <= 0:
        raise argparse.ArgumentTypeError(
            f"penghasilan harus rupiah bulat lebih dari 0 tanpa titik, bukan {value!r}"
        )
    return int(value)


def _children(value: str) -> list[rules.Child]:
    out = []
    for part in (p.strip() for p in value.split(",") if p.strip()):
        m = re.fullmatch(r"([A-Za-z]+):(\d{1,2})", part)
        if not m or m.group(1).upper() not in rules.LEVELS:
            raise argparse.ArgumentTypeError(
                f"anak ditulis JENJANG:USIA dengan JENJANG salah satu "
                f"{', '.join(rules.LEVELS)}, mis. SD:10,SMA:16; bukan {part!r}"
            )
        out.append(rules.Child(level=m.group(1).upper(), age=int(m.group(2))))
    return out


class Command(BaseCommand):
    help = "Hitung kelayakan dan manfaat klaim JKK, JKM dan beasiswa."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="calculate")
        calc = sub.add_parser("calculate", help="hitung kelayakan dan manfaat satu klaim")
        calc.add_argument(
            "--type", required=True, choices=list(rules.CLAIM_TYPES), dest="claim_type"
        )
        calc.add_argument(
            "--income",
            required=True,
            type=_income,
            help="penghasilan per bulan yang dilaporkan (Rp)",
        )
        calc.add_argument(
            "--member-since", required=True, type=_date, help="tanggal terdaftar di BPJS"
        )
        calc.add_argument("--event", required=True, type=_date, help="tanggal peristiwa")
        calc.add_argument("--reported", type=_date, help="tanggal dilaporkan (bawaan: hari ini)")
        calc.add_argument(
            "--unpaid",
            type=_months,
            default=[],
            help="bulan yang iurannya belum dibayar, YYYY-MM,...",
        )
        calc.add_argument(
            "--lapsed-since", type=_month, help="bulan pertama kepesertaan putus, YYYY-MM"
        )
        calc.add_argument("--stmb-months", type=_count, help="lama tidak mampu bekerja (bulan)")
        calc.add_argument("--cause", choices=list(rules.SCHOLARSHIP_CAUSES), help="sebab beasiswa")
        calc.add_argument(
            "--children",
            type=_children,
            default=[],
            help="anak penerima beasiswa, JENJANG:USIA,... (TK, SD, SMP, SMA, PT)",
        )
        calc.add_argument(
            "--contribution-years",
            type=_count,
            help="masa iur dalam tahun (bawaan: dihitung dari bulan yang dibayar)",
        )
        calc.add_argument("--json", action="store_true", help="cetak hasil sebagai JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        with translation.override("id"):
            self._calculate(opts)

    def _bad(self, message: str) -> CommandError:
        return CommandError(message, returncode=BAD_ARGUMENTS)

    def _calculate(self, opts: dict[str, Any]) -> None:
        try:
            outcome = calculate(
                claim_type=opts["claim_type"],
                income=opts["income"],
                member_since=opts["member_since"],
                event=opts["event"],
                reported=opts["reported"],
                unpaid=opts["unpaid"],
                lapsed_since=opts["lapsed_since"],
                stmb_months=opts["stmb_months"],
                cause=opts["cause"] or "",
                children=opts["children"],
                contribution_years=opts["contribution_years"],
            )
        except DomainError as e:
            raise self._bad(e.message) from e
        if opts["json"]:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{'Memenuhi syarat' if outcome.eligible else 'Tidak memenuhi syarat'} ({outcome.code})"
        )
        self.stdout.write(outcome.explanation)
        for item in outcome.breakdown:
            self.stdout.write(f"  {item.item}: {rupiah(item.amount)}")
        self.stdout.write(f"Jumlah: {rupiah(outcome.total)}")
