"""English mode has no Indonesian leftovers.

- Every UI string of the source has an English translation in the .po (scripts/untranslated.py
  lists the missing ones and prints entries to fill in: run it when this test fails).
- Every translation keeps its placeholders, and the .po holds each msgid once.
- The main pages of every role, rendered in English, show no Indonesian msgid.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import untranslated  # noqa: E402

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%|\{[a-z_]+\}")


# --- the extractor ----------------------------------------------------------------------------


def test_extractor_reads_python_calls_as_makemessages_does():
    source = """
from django.utils.translation import gettext as _, ngettext, pgettext_lazy
a = _("Satu " "kalimat")
b = ngettext("%(n)s pekerja", "%(n)s pekerja", n)
c = pgettext_lazy("bulan", "Mei")
d = _(variable)
e = other("bukan pesan")
"""
    found = {
        (m.context, m.msgid, m.plural) for m in untranslated.messages_in_python(source, "x.py")
    }
    assert found == {
        (None, "Satu kalimat", None),
        (None, "%(n)s pekerja", "%(n)s pekerja"),
        ("bulan", "Mei", None),
    }


def test_extractor_reads_templates_as_makemessages_does():
    source = """{% load i18n %}<p title="{% translate 'Judul' %}">{% translate "Halo (dunia)" %}</p>
{% blocktranslate with n=count|angka %}Ada {{ n }} pekerja, 100% aman{% endblocktranslate %}
{% blocktranslate trimmed count n=k %}
  {{ n }} usulan
{% plural %}
  {{ n }} usulan
{% endblocktranslate %}
{{ x|default:_("(sistem)") }}"""
    found = {(m.msgid, m.plural) for m in untranslated.messages_in_template(source, "t.html")}
    assert found == {
        ("Judul", None),
        ("Halo (dunia)", None),
        ("Ada %(n)s pekerja, 100%% aman", None),
        ("%(n)s usulan", "%(n)s usulan"),
        ("(sistem)", None),
    }


def test_stub_is_a_valid_po_with_empty_translations(tmp_path):
    messages = [
        untranslated.Message('Kata "kutip"', None, None, "src/lindung/a.py", 3),
        untranslated.Message("%(n)s baris", "%(n)s baris", None, "src/lindung/b.py", 4),
    ]
    path = tmp_path / "stub.po"
    path.write_text(untranslated.po_stub(messages), encoding="utf-8")
    entries = polib.pofile(str(path))
    assert [(e.msgid, e.msgstr) for e in entries] == [('Kata "kutip"', ""), ("%(n)s baris", "")]
    assert entries[1].msgid_plural == "%(n)s baris"


# --- the catalogue ----------------------------------------------------------------------------


def test_every_ui_string_of_the_source_has_an_english_translation():
    missing = untranslated.untranslated()
    assert not missing, (
        f"{len(missing)} strings lack an English translation: run "
        "`.venv/bin/python scripts/untranslated.py --po-stub`, fill in the msgstr and append "
        "them to src/lindung/locale/en/LC_MESSAGES/django.po. First ones: "
        + "; ".join(f"{m.path}:{m.line} {m.msgid!r}" for m in missing[:10])
    )


def test_po_holds_each_message_once_with_its_placeholders():
    po = polib.pofile(str(untranslated.PO_PATH))
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po:
        seen[(entry.msgctxt, entry.msgid)] = seen.get((entry.msgctxt, entry.msgid), 0) + 1
    assert [k for k, n in seen.items() if n > 1] == []
    broken = []
    for entry in po:
        if entry.obsolete:
            continue
        wanted = set(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            # A singular English form may say "1" in words instead of %(n)s; never invent one.
            got = set(PLACEHOLDER.findall(text))
            if got - wanted or (not entry.msgid_plural and wanted - got):
                broken.append(entry.msgid)
    assert broken == []


# --- the pages, in English --------------------------------------------------------------------


@functools.cache
def _indonesian_phrases() -> tuple[str, ...]:
    """The source's Indonesian phrases that English pages must not show: msgids of two words
    or more (one word may be a name in the data), or the longest three-word stretch between
    placeholders, whose translation differs from them."""
    po = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(untranslated.PO_PATH))}
    phrases = set()
    for m in untranslated.source_messages():
        entry = po.get(m.key)
        if entry is None or entry.msgstr == m.msgid:
            continue
        chunks = [c.strip(" .,:;()") for c in PLACEHOLDER.split(m.msgid)]
        chunk = max(chunks, key=len)
        words = chunk.split()
        if len(words) >= (2 if chunk == m.msgid.strip(" .,:;()") else 3):
            phrases.add(" ".join(words))
    return tuple(sorted(phrases, key=len, reverse=True))


_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
_ATTRS = re.compile(r'(?:title|aria-label|placeholder|alt)="([^"]*)"')


def _visible_text(page: str) -> str:
    labels = " ".join(_ATTRS.findall(page))
    return " ".join(html.unescape(_TAGS.sub(" ", page) + " " + labels).split())


@pytest.fixture
def world(users, programme, make_worker):
    """A little of everything the main pages show: enrolments in several states, a bill, a
    payment, a rejected proposal and its notification."""
    from lindung.contributions.services import bill_generate, payment_record
    from lindung.notifications.services import notifications_from_audit
    from lindung.programs.services import (
        enrolment_activate,
        enrolment_propose,
        enrolment_register,
        enrolment_reject,
        enrolment_verify,
    )

    feb = dt.date(2026, 2, 10)
    workers = [make_worker(by=users.operator) for _ in range(4)]
    active = enrolment_propose(programme=programme, worker=workers[0], by=users.operator, on=feb)
    active = enrolment_verify(enrolment=active, by=users.admin)
    active = enrolment_register(
        enrolment=active,
        by=users.bpjs,
        kpj_number="12345678901",
        registration_date=dt.date(2026, 2, 20),
    )
    enrolment_activate(enrolment=active, by=users.bpjs)
    enrolment_propose(programme=programme, worker=workers[1], by=users.operator, on=feb)
    rejected = enrolment_propose(programme=programme, worker=workers[2], by=users.operator, on=feb)
    enrolment_reject(enrolment=rejected, by=users.admin, reason="NIK tidak sesuai")
    payment_record(
        by=users.admin,
        programme=programme,
        paid_on=dt.date(2026, 3, 12),
        amount=16_800,
        reference="SP2D-MAR",
        first_month=dt.date(2026, 3, 1),
    )
    bill = bill_generate(by=users.admin, programme=programme, month=dt.date(2026, 10, 1))
    from lindung.core import clock

    notifications_from_audit(now=clock.now() + dt.timedelta(minutes=2))
    return {"worker": workers[0], "bill": bill, "programme": programme}


def _pages(client, world) -> list[str]:
    home = client.get(reverse("home")).content.decode()
    menu = home.split('class="nav-main"', 1)[1].split("</ul>", 1)[0]
    urls = set(re.findall(r'href="([^"]+)"', menu))
    code = world["programme"].code
    urls |= {
        reverse("home"),
        reverse("notifications:inbox"),
        reverse("password_change"),
        reverse("api_tokens"),
        reverse("registry:detail", args=[world["worker"].pk]),
        reverse("programs:detail", args=[code]),
        reverse("contributions:programme", args=[code]),
        reverse("contributions:coverage", args=[code]),
        reverse("contributions:bill", args=[world["bill"].pk]),
    }
    return sorted(urls)


@pytest.mark.parametrize("role", ["operator", "admin", "province", "bpjs", "leader", "auditor"])
def test_main_pages_of_every_role_in_english_show_no_indonesian_label(client, users, world, role):
    phrases = _indonesian_phrases()
    assert len(phrases) > 500  # the source's phrases were found
    client.force_login(getattr(users, role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The audit trail's summaries are records written in the language of their time: data.
    from lindung.audit.models import AuditEvent

    summaries = sorted(
        {" ".join(s.split()) for s in AuditEvent.objects.values_list("summary", flat=True)},
        key=len,
        reverse=True,
    )
    leftovers, seen = {}, 0
    for url in _pages(client, world):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        seen += 1
        text = _visible_text(response.content.decode())
        for summary in summaries:
            text = text.replace(summary, " ")
        found = [p for p in phrases if p in text]
        if found:  # each with its surroundings, to find it in the template
            leftovers[url] = [
                text[max(text.find(p) - 60, 0) : text.find(p) + len(p) + 20] for p in found[:5]
            ]
    assert seen >= 6
    assert leftovers == {}
