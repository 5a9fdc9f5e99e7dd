"""`lindung claims calculate`: the same rules as the pages, JSON as specified, exit 2 on bad
arguments."""

import io
import json

import pytest
from django.core.management import call_command, get_commands, load_command_class

pytestmark = pytest.mark.django_db

BASE = [
    "--income",
    "1000000",
    "--member-since",
    "2026-01-10",
    "--event",
    "2026-08-03",
    "--reported",
    "2026-08-20",
]


def calculate(*args: str) -> dict:
    out = io.StringIO()
    call_command("claims", "calculate", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def run_cli(*argv: str) -> tuple[int, str, str]:
    """As typed at the shell (`lindung claims ...`): argparse errors exit, CommandError too."""
    command = load_command_class(get_commands()["claims"], "claims")
    out, err = io.StringIO(), io.StringIO()
    command.stdout._out, command.stderr._out = out, err  # type: ignore[attr-defined]
    code = 0
    try:
        command.run_from_argv(["lindung", "claims", *argv])
    except SystemExit as e:
        code = int(e.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_jkm_json_has_exactly_the_specified_shape():
    result = calculate("--type", "jkm", *BASE)
    assert set(result) == {"eligible", "code", "explanation", "breakdown", "total"}
    assert result["eligible"] is True and result["code"] == "covered"
    assert result["breakdown"] == [
        {"item": "Santunan sekaligus", "amount": 20_000_000},
        {"item": "Santunan berkala (dibayar sekaligus)", "amount": 12_000_000},
        {"item": "Biaya pemakaman", "amount": 10_000_000},
    ]
    assert result["total"] == 42_000_000


def test_amounts_of_every_type():
    assert calculate("--type", "jkk_death", *BASE)["total"] == 70_000_000
    assert calculate("--type", "jkk_disability", *BASE)["total"] == 56_000_000
    assert calculate("--type", "jkk_stmb", "--stmb-months", "14", *BASE)["total"] == 13_000_000
    assert calculate("--type", "jkk_medical", *BASE)["total"] == 0
    scholarship = calculate(
        "--type", "scholarship", "--cause", "jkk_death", "--children", "SD:10,PT:19", *BASE
    )
    assert scholarship["total"] == 13_500_000


def test_codes_from_the_arguments():
    assert calculate("--type", "jkm", *BASE, "--unpaid", "2026-08")["explanation"].startswith(
        "Iuran Agustus 2026 belum dibayar: peristiwa ini tidak dijamin"
    )
    assert (
        calculate("--type", "jkm", *BASE, "--unpaid", "2026-05,2026-06,2026-07,2026-08")["code"]
        == "lapsed"
    )
    assert calculate("--type", "jkm", *BASE, "--lapsed-since", "2026-07")["code"] == "lapsed"
    assert (
        calculate(
            "--type",
            "jkk_death",
            "--income",
            "1000000",
            "--member-since",
            "2020-01-10",
            "--event",
            "2021-03-01",
            "--reported",
            "2026-03-02",
        )["code"]
        == "expired"
    )
    waiting = calculate(
        "--type",
        "jkm",
        "--income",
        "1000000",
        "--member-since",
        "2026-06-01",
        "--event",
        "2026-08-03",
        "--reported",
        "2026-08-20",
    )
    assert (waiting["code"], waiting["total"]) == ("waiting_period", 10_000_000)
    assert (
        calculate(
            "--type",
            "scholarship",
            "--cause",
            "jkm",
            "--children",
            "SD:9",
            "--contribution-years",
            "2",
            *BASE,
        )["code"]
        == "scholarship_min_years"
    )
    assert (
        calculate(
            "--type",
            "scholarship",
            "--cause",
            "jkm",
            "--children",
            "SD:9",
            "--contribution-years",
            "3",
            *BASE,
        )["code"]
        == "covered"
    )
    assert (
        calculate(
            "--type",
            "scholarship",
            "--cause",
            "jkk_death",
            "--children",
            "SD:9,SD:11,SMP:13",
            *BASE,
        )["code"]
        == "too_many_children"
    )
    assert (
        calculate("--type", "scholarship", "--cause", "jkk_death", "--children", "PT:23", *BASE)[
            "code"
        ]
        == "child_too_old"
    )


def test_reported_defaults_to_today():
    result = calculate(
        "--type",
        "jkk_death",
        "--income",
        "1000000",
        "--member-since",
        "2021-01-04",
        "--event",
        "2021-11-20",
    )
    assert result["code"] == "covered"  # reported 20 November 2026: the fifth anniversary
    result = calculate(
        "--type",
        "jkk_death",
        "--income",
        "1000000",
        "--member-since",
        "2021-01-04",
        "--event",
        "2021-11-19",
    )
    assert result["code"] == "expired"


def test_uses_the_benefit_rules_in_the_database():
    import datetime as dt

    from lindung.claims.models import BenefitRule

    BenefitRule.objects.create(key="jkm_funeral", value=15_000_000, valid_from=dt.date(2026, 7, 1))
    assert calculate("--type", "jkm", *BASE)["total"] == 47_000_000


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["calculate", "--type", "jkx", *BASE], "invalid choice"),
        (
            [
                "calculate",
                "--type",
                "jkm",
                "--income",
                "1.000.000",
                "--member-since",
                "2026-01-10",
                "--event",
                "2026-08-03",
            ],
            "penghasilan harus rupiah bulat",
        ),
        (
            [
                "calculate",
                "--type",
                "jkm",
                "--income",
                "1000000",
                "--member-since",
                "10-01-2026",
                "--event",
                "2026-08-03",
            ],
            "YYYY-MM-DD",
        ),
        (["calculate", "--type", "jkm", *BASE, "--unpaid", "2026-8"], "YYYY-MM"),
        (
            ["calculate", "--type", "scholarship", "--cause", "jkm", "--children", "SMK:16", *BASE],
            "JENJANG:USIA",
        ),
        (
            ["calculate", "--type", "jkm", "--income", "1000000", "--event", "2026-08-03"],
            "--member-since",
        ),
        (["calculate", "--type", "jkk_stmb", *BASE], "--stmb-months"),
        (["calculate", "--type", "scholarship", "--children", "SD:9", *BASE], "--cause"),
        (
            [
                "calculate",
                "--type",
                "jkm",
                "--income",
                "1000000",
                "--member-since",
                "2026-01-10",
                "--event",
                "2026-08-03",
                "--reported",
                "2026-08-01",
            ],
            "tidak boleh sebelum --event",
        ),
        (
            [
                "calculate",
                "--type",
                "jkm",
                "--income",
                "1000000",
                "--member-since",
                "2015-01-10",
                "--event",
                "2016-08-03",
                "--reported",
                "2016-08-04",
            ],
            "Belum ada aturan manfaat",
        ),
        ([], "calculate"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(argv, message, capsys):
    code, _out, err = run_cli(*argv)
    captured = capsys.readouterr()
    assert code == 2
    assert message in err + captured.err
