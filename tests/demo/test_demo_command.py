"""`lindung demo-data` refuses a database in use: the demo's accounts have a published
password (issue 14, item 10)."""

from __future__ import annotations

import functools

import pytest
from django.core.management import CommandError, call_command

from lindung.accounts.models import User
from lindung.demo.data import demo_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(monkeypatch, regions):
    """The real demo, with fewer workers."""
    monkeypatch.setattr(
        "lindung.demo.management.commands.demo_data.demo_load",
        functools.partial(demo_load, paser_workers=60, ppu_workers=12),
    )


def test_an_empty_database_gets_the_demo_and_a_second_run_is_fine(small_demo, capsys):
    call_command("demo_data")
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    call_command("demo_data")  # only the demo's own data: idempotent, not refused
    assert "Login demo" in capsys.readouterr().out


def test_a_database_with_other_users_is_refused_and_left_alone(small_demo, make_user):
    make_user("budi.dinas", "admin_kabupaten", "64.01")
    with pytest.raises(CommandError) as e:
        call_command("demo_data")
    message = str(e.value)
    assert "bukan data demo (pengguna: budi.dinas)" in message
    assert "'lindung-demo'" in message and "--force" in message
    assert not User.objects.filter(username="admin").exists()


def test_other_programmes_are_named_too(small_demo, users, province_programme):
    with pytest.raises(CommandError) as e:
        call_command("demo_data")
    assert "program: KALTIM-2026" in str(e.value)
    assert "pengguna: admin_kaltim, admin_paser, admin_ppu, bpjs_tgt, bupati …" in str(e.value)


def test_force_loads_it_anyway_with_a_warning(small_demo, make_user, capsys):
    make_user("budi.dinas", "admin_kabupaten", "64.01")
    call_command("demo_data", "--force")
    assert User.objects.filter(username="admin").exists()
    assert "Ganti kata sandinya" in capsys.readouterr().err
