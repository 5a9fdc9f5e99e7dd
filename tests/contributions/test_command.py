import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from lindung.contributions.models import Bill

pytestmark = pytest.mark.django_db


def test_bill_command_generates_the_month(users, programme, active):
    out = io.StringIO()
    call_command(
        "bill",
        "--programme",
        "PASER-2026",
        "--month",
        "2026-02",
        "--user",
        "admin_paser",
        stdout=out,
    )
    assert "3 peserta, Rp50.400" in out.getvalue()
    assert Bill.objects.get().month == dt.date(2026, 2, 1)


def test_bill_command_refuses_another_regency(users, programme, active):
    with pytest.raises(CommandError, match="luar wilayah"):
        call_command(
            "bill", "--programme", "PASER-2026", "--month", "2026-02", "--user", "admin_ppu"
        )


def test_bill_command_checks_the_month(users, programme):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("bill", "--programme", "PASER-2026", "--month", "Feb 2026")
