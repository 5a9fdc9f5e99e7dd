"""The words of a notification, built when it is read: in the reader's language, with dates
and amounts in the installation's forms. A notification stores only its kind and parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lindung.core.formatting import rupiah, thousands

if TYPE_CHECKING:
    from lindung.notifications.models import Notification


def _day(value: str) -> str:
    return date_format(dt.date.fromisoformat(value), "j F Y")


def _month(value: str) -> str:
    return date_format(dt.date.fromisoformat(value), "F Y")


def _rejected(p: dict[str, Any]) -> tuple[str, str]:
    return (_("Usulan %(worker)s ke %(programme)s ditolak") % p, _("Alasan: %(reason)s") % p)


def _waiting(p: dict[str, Any]) -> tuple[str, str]:
    n = int(p["count"])
    return (
        ngettext(
            "%(n)s usulan baru menunggu verifikasi", "%(n)s usulan baru menunggu verifikasi", n
        )
        % {"n": thousands(n)},
        _("Program %(programme)s, %(day)s.") % {"programme": p["programme"], "day": _day(p["day"])},
    )


def _bill_due(p: dict[str, Any]) -> tuple[str, str]:
    return (
        _("Tagihan %(programme)s %(month)s jatuh tempo %(due)s")
        % {"programme": p["programme"], "month": _month(p["month"]), "due": _day(p["due"])},
        _("Belum dibayar: %(amount)s.") % {"amount": rupiah(p["outstanding"])},
    )


def _bill_overdue(p: dict[str, Any]) -> tuple[str, str]:
    return (
        _("Tagihan %(programme)s %(month)s lewat jatuh tempo")
        % {"programme": p["programme"], "month": _month(p["month"])},
        _("%(amount)s belum dibayar sejak jatuh tempo %(due)s.")
        % {"amount": rupiah(p["outstanding"]), "due": _day(p["due"])},
    )


def _lapse(p: dict[str, Any]) -> tuple[str, str]:
    n = int(p["count"])
    return (
        ngettext(
            "%(n)s peserta %(programme)s putus kepesertaan pada %(date)s",
            "%(n)s peserta %(programme)s putus kepesertaan pada %(date)s",
            n,
        )
        % {"n": thousands(n), "programme": p["programme"], "date": _day(p["lapses_on"])},
        _(
            "Iuran sejak %(month)s belum dibayar. Bayar sebelum tanggal itu agar "
            "kepesertaan tidak berakhir."
        )
        % {"month": _month(p["first_unpaid"])},
    )


def _reverify(p: dict[str, Any]) -> tuple[str, str]:
    n = int(p["count"])
    return (
        ngettext("%(n)s peserta perlu verifikasi ulang", "%(n)s peserta perlu verifikasi ulang", n)
        % {"n": thousands(n)},
        _("Program %(programme)s: NIK/tanggal lahir dikoreksi, %(day)s.")
        % {"programme": p["programme"], "day": _day(p["day"])},
    )


def _death_claim(p: dict[str, Any]) -> tuple[str, str]:
    return (
        _("%(worker)s meninggal dunia: laporkan klaim JKM") % {"worker": p["worker"]},
        _(
            "%(village)s, %(date)s. Kepesertaannya di %(programme)s sudah berjalan di BPJS: "
            "ahli waris berhak atas santunan JKM (JKK bila karena kecelakaan kerja)."
        )
        % {"village": p["village"], "date": _day(p["date"]), "programme": p["programme"]},
    )


WORDS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "usulan_ditolak": _rejected,
    "usulan_baru": _waiting,
    "tagihan_jatuh_tempo": _bill_due,
    "tagihan_lewat": _bill_overdue,
    "peringatan_putus": _lapse,
    "verifikasi_ulang": _reverify,
    "klaim_kematian": _death_claim,
}


def words(notification: Notification) -> tuple[str, str]:
    """(title, body) of a notification in the active language."""
    try:
        return WORDS[notification.kind](notification.params)
    except (KeyError, ValueError, TypeError):
        # A kind or parameters from a later version: say what it is rather than fail the page.
        return str(notification.get_kind_display()), ""


def title(notification: Notification) -> str:
    return words(notification)[0]


def body(notification: Notification) -> str:
    return words(notification)[1]
