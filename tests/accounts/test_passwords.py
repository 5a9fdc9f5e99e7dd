"""Password rules and the change-password page every logged-in user has."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lindung.accounts.services import user_password_change
from lindung.accounts.validators import UsernameInPasswordValidator
from lindung.audit.models import AuditEvent
from lindung.core.errors import ValidationFailed
from tests.conftest import DESA_A

pytestmark = pytest.mark.django_db

OLD = "rahasia-123"
NEW = "Pohon-Kelapa-Tinggi-7"


@pytest.fixture
def siti(make_user):
    return make_user("siti.aminah", "operator_desa", DESA_A, password=OLD)


def problems(password: str, user) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as e:
        return e.messages
    return []


@pytest.mark.parametrize(
    "password",
    ["siti.aminah", "SITI.AMINAH", "sitiaminah2026", "Siti-Aminah!!", "2026-siti_aminah"],
)
def test_a_password_containing_the_user_name_is_refused(siti, password):
    assert any("nama pengguna" in m for m in problems(password, siti))


def test_a_password_like_the_user_name_is_refused_by_similarity(siti):
    assert "Kata sandi terlalu mirip dengan nama pengguna." in problems("aminah.siti.99", siti)


def test_an_all_digit_password_is_refused(siti):
    assert "Kata sandi ini seluruhnya terdiri dari angka." in problems("20261120123456", siti)


def test_a_password_shorter_than_ten_characters_is_refused(siti):
    assert any("setidaknya 10 karakter" in m for m in problems("Kelapa-7", siti))


def test_a_good_password_and_the_demo_password_pass(siti, make_user):
    assert problems(NEW, siti) == []
    assert problems("lindung-demo", make_user("admin.paser", "admin_kabupaten", "64.01")) == []


def test_a_short_user_name_is_not_searched_for():
    class Short:
        username = "ab"

    UsernameInPasswordValidator().validate("abadi-sentosa-1", Short())


def test_the_service_refuses_a_bad_password_on_its_field_and_keeps_the_old(siti):
    with pytest.raises(ValidationFailed) as e:
        user_password_change(user=siti, new_password="siti.aminah.2026")
    assert e.value.field == "new_password1"
    siti.refresh_from_db()
    assert siti.check_password(OLD)


def test_every_user_reaches_the_page_from_the_header(siti):
    client = Client()
    client.force_login(siti)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}"' in home
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert 'name="old_password"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_changing_the_password_keeps_this_session_and_ends_the_others(siti):
    client, other_device = Client(), Client()
    client.force_login(siti)
    other_device.force_login(siti)
    response = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302 and response.url == reverse("home")
    siti.refresh_from_db()
    assert siti.check_password(NEW)
    assert "Kata sandi Anda sudah diubah." in client.get(reverse("home")).content.decode()
    assert other_device.get(reverse("home")).status_code == 302  # to the login page
    event = AuditEvent.objects.get(action="password_change", object_id=str(siti.pk))
    assert event.actor_id == siti.pk and event.region_code == DESA_A


def test_a_wrong_old_password_or_a_weak_new_one_changes_nothing(siti):
    client = Client()
    client.force_login(siti)
    wrong_old = client.post(
        reverse("password_change"),
        {"old_password": "bukan-itu-123", "new_password1": NEW, "new_password2": NEW},
    )
    assert wrong_old.status_code == 200
    assert "Sandi lama Anda yang dimasukkan salah" in wrong_old.content.decode()
    weak = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": "12345678901", "new_password2": "12345678901"},
    )
    assert weak.status_code == 200
    assert "seluruhnya terdiri dari angka" in weak.content.decode()
    siti.refresh_from_db()
    assert siti.check_password(OLD)
    assert not AuditEvent.objects.filter(action="password_change").exists()


def test_the_page_needs_a_login():
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response.url
