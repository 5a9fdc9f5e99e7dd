"""Every write of the inbox: notifications made from the audit trail and from the bills, and
a user marking theirs read.

Where the events come from, and why there:

- A proposal rejected, new proposals waiting, participants whose corrected NIK or birth date
  sent them back for verification, a participant's death (a JKM claim to report): read from
  the audit trail after a watermark
  (`Cursor` "audit"). Every enrolment step already writes its audit event in the step's own
  transaction, one path for the web, the API, imports and bulk actions; the notifier reads
  those events later, so the enrolment services (and the 100,000-row import) carry no extra
  write, and a notification can never announce a step that was rolled back.
- Bills due or overdue and workers about to lapse are not events but states of a date: they
  are checked once a day (`Cursor` "due"), and every notification has a key, so running the
  check again creates nothing twice.

`notifications_refresh` does both; the task worker runs it every few minutes (`tasks.py`),
and `lindung notify-due` runs it from cron or by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BigIntegerField, Count, Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from lindung.accounts.models import Role, User
from lindung.audit.models import AuditEvent
from lindung.claims.models import Claim
from lindung.contributions.selectors import bills_due_between, coverage_summary
from lindung.core import clock
from lindung.notifications.models import Cursor, Notification
from lindung.programs.models import Enrolment, Programme
from lindung.programs.rules import programme_month
from lindung.programs.selectors import needing_reverification

log = logging.getLogger(__name__)

# An audit event is read once it is this old. On PostgreSQL ids come from a sequence before
# the writing transaction commits, so a lower id can become visible after a higher one; every
# enrolment step writes its audit rows at the end of its transaction, so a minute is ample
# for the step to commit before the watermark passes its events.
SETTLE = dt.timedelta(seconds=60)
# The first run reads this far back (a new installation notifies about last week, not about
# years of history).
FIRST_RUN_LOOKBACK = dt.timedelta(days=7)
DUE_SOON_DAYS = 7  # "Tagihan ... jatuh tempo" this many days before the due date
# An unpaid bill is announced once as overdue while its due date is this recent; older ones
# have lapsed their workers already (3 unpaid months end a membership) and are announced
# through the lapse warnings and the arrears pages instead.
OVERDUE_HORIZON_DAYS = 120
LAPSE_WARNING_DAYS = 31  # warn of a lapse this many days ahead
KEEP_READ_DAYS = 180  # read notifications older than this are deleted by the daily run

ADMIN_ROLES = (Role.ADMIN_KABUPATEN, Role.ADMIN_PROVINSI)


@dataclass
class RefreshResult:
    rejected: int = 0
    waiting: int = 0
    reverify: int = 0
    deaths: int = 0
    bills: int = 0
    lapses: int = 0
    deleted: int = 0
    due_checked: bool = False

    @property
    def created(self) -> int:
        return self.rejected + self.waiting + self.reverify + self.deaths + self.bills + self.lapses


def _local_day(when: dt.datetime) -> dt.date:
    """The installation's date of an instant (the day a proposal counts for)."""
    return timezone.localtime(when).date()


# --- reading and marking ----------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark one of `user`'s notifications read (again: the first reading time is kept)."""
    if notification.user_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())


# --- who hears what ---------------------------------------------------------------------------


def _admins_of(region_codes: Iterable[str]) -> dict[str, list[User]]:
    """The Dinas of each sponsoring region: active admins whose own region it is (a province
    admin for a province programme, a kabupaten admin for its regency's)."""
    out: dict[str, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        role__in=ADMIN_ROLES, region_id__in=set(region_codes), is_active=True
    ).order_by("pk"):
        out[user.region_id].append(user)
    return out


def _operators_of(village_codes: Iterable[str]) -> dict[str, list[User]]:
    out: dict[str, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        role=Role.OPERATOR_DESA, region_id__in=set(village_codes), is_active=True
    ).order_by("pk"):
        out[user.region_id].append(user)
    return out


def _create(rows: Sequence[Notification]) -> int:
    """Insert new notifications; one whose (user, key) exists is left as it is. Returns how
    many were new."""
    if not rows:
        return 0
    keys = {r.key for r in rows}
    before = Notification.objects.filter(key__in=keys).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Notification.objects.filter(key__in=keys).count() - before


# --- from the audit trail ---------------------------------------------------------------------


def _locked_cursor(name: str) -> Cursor:
    Cursor.objects.get_or_create(name=name)
    return Cursor.objects.select_for_update().get(name=name)


def _start_watermark(now: dt.datetime) -> int:
    return (
        AuditEvent.objects.filter(at__lt=now - FIRST_RUN_LOOKBACK).aggregate(m=Max("id"))["m"] or 0
    )


def _notify_rejections(events: QuerySet[AuditEvent], now: dt.datetime) -> int:
    """A rejected proposal: to the operators of the worker's village, and to whoever proposed
    it, with the reason; not to the one who rejected it."""
    rows = list(events.values_list("object_id", "actor_id"))
    if not rows:
        return 0
    rejecter = {int(object_id): actor for object_id, actor in rows}
    actors = {u.pk: u for u in User.objects.filter(pk__in={a for a in rejecter.values() if a})}
    enrolments = list(
        Enrolment.objects.filter(
            pk__in=list(rejecter), status=Enrolment.Status.REJECTED
        ).select_related("worker", "programme", "proposed_by")
    )
    operators = _operators_of(e.worker.village_id for e in enrolments)
    out: list[Notification] = []
    for e in enrolments:
        by = actors.get(rejecter[e.pk])
        hearers = {u.pk: u for u in operators.get(e.worker.village_id, [])}
        if e.proposed_by is not None and e.proposed_by.is_active:
            hearers.setdefault(e.proposed_by.pk, e.proposed_by)
        hearers.pop(rejecter[e.pk], None)
        params = {
            "worker": e.worker.name,
            "programme": e.programme.code,
            "reason": e.reject_reason,
            "by": str(by) if by else "",
        }
        link = reverse("registry:detail", args=[e.worker_id])
        out += [
            Notification(
                user=u,
                kind=Notification.Kind.PROPOSAL_REJECTED,
                key=f"ditolak:{e.pk}",
                params=params,
                link=link,
                created_at=now,
            )
            for u in hearers.values()
        ]
    return _create(out)


def _notify_proposals(events: QuerySet[AuditEvent], now: dt.datetime, day: dt.date) -> int:
    """New proposals still waiting for verification: one notification per programme and day
    to the sponsor's admins, counting up as more arrive ("12 usulan baru menunggu
    verifikasi"), not one per proposal. Proposals an admin made are not announced to that
    admin; those already verified or rejected by the time this runs are not announced."""
    ids = events.annotate(enrolment=Cast("object_id", BigIntegerField())).values("enrolment")
    groups = list(
        Enrolment.objects.filter(pk__in=ids, status=Enrolment.Status.PROPOSED)
        .values("programme_id", "proposed_by_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("programme_id", "proposed_by_id", "n")
    )
    return _count_up(
        Notification.Kind.PROPOSALS_WAITING,
        "usulan",
        groups,
        {"status": Enrolment.Status.PROPOSED},
        now,
        day,
    )


def _notify_reverify(events: QuerySet[AuditEvent], now: dt.datetime, day: dt.date) -> int:
    """Participants a NIK or birth-date correction sent back for verification, not yet
    verified again: counted like new proposals, to the sponsor's admins (not to the admin
    who made the correction)."""
    corrected_by = {int(pk): actor for pk, actor in events.values_list("object_id", "actor_id")}
    counts: dict[tuple[int, int | None], int] = defaultdict(int)
    ids = events.annotate(enrolment=Cast("object_id", BigIntegerField())).values("enrolment")
    flagged = needing_reverification(Enrolment.objects.filter(pk__in=ids))
    for pk, programme_id in flagged.values_list("pk", "programme_id"):
        counts[(programme_id, corrected_by[pk])] += 1
    groups = [(p, by, n) for (p, by), n in counts.items()]
    return _count_up(
        Notification.Kind.REVERIFY, "verifikasi-ulang", groups, {"reverify": "1"}, now, day
    )


def _notify_deaths(events: QuerySet[AuditEvent], now: dt.datetime) -> int:
    """A participant whose cover had begun at BPJS (a KPJ) died: once per worker, to the
    admins of the programme's sponsor and the operators of the village, until a death claim
    (JKM or JKK death) exists — the heirs' JKM claim is to be reported."""
    ids = events.annotate(enrolment=Cast("object_id", BigIntegerField())).values("enrolment")
    claimed = Claim.objects.filter(
        worker=OuterRef("worker_id"), claim_type__in=[Claim.Type.JKM, Claim.Type.JKK_DEATH]
    )
    enrolments = list(
        Enrolment.objects.filter(pk__in=ids, end_reason=Enrolment.EndReason.DECEASED)
        .exclude(kpj_number="")
        .exclude(Exists(claimed))
        .select_related("worker__village", "programme")
        .order_by("worker_id", "pk")
    )
    admins = _admins_of(e.programme.region_id for e in enrolments)
    operators = _operators_of(e.worker.village_id for e in enrolments)
    out: list[Notification] = []
    for e in enrolments:
        hearers = [*admins.get(e.programme.region_id, []), *operators.get(e.worker.village_id, [])]
        params = {
            "worker": e.worker.name,
            "village": e.worker.village.label,
            "programme": e.programme.code,
            "date": (e.end_date or _local_day(now)).isoformat(),
        }
        link = reverse("claims:report", args=[e.worker_id])
        out += [
            Notification(
                user=u,
                kind=Notification.Kind.DEATH_CLAIM,
                key=f"klaim-kematian:{e.worker_id}",
                params=params,
                link=link,
                created_at=now,
            )
            for u in hearers
        ]
    return _create(out)


def _count_up(
    kind: str,
    key: str,
    groups: Sequence[tuple[int, int | None, int]],
    query: dict[str, str],
    now: dt.datetime,
    day: dt.date,
) -> int:
    """(programme, actor, n) -> one notification per programme and day to the sponsor's
    admins counting up as more arrive, linking to the programme's list filtered by `query`;
    an admin does not hear of what they did themselves."""
    if not groups:
        return 0
    programmes = Programme.objects.in_bulk({p for p, _by, _n in groups})
    admins = _admins_of(p.region_id for p in programmes.values())
    counts: dict[tuple[int, int], int] = defaultdict(int)  # (programme, admin) -> new
    for programme_id, actor, n in groups:
        for admin in admins.get(programmes[programme_id].region_id, []):
            if admin.pk != actor:
                counts[(programme_id, admin.pk)] += n
    touched = 0
    for (programme_id, admin_id), n in sorted(counts.items()):
        programme = programmes[programme_id]
        note_key = f"{key}:{programme_id}:{day.isoformat()}"
        link = reverse("programs:detail", args=[programme.code]) + "?" + urlencode(query)
        note = (
            Notification.objects.select_for_update().filter(user_id=admin_id, key=note_key).first()
        )
        if note is None:
            Notification.objects.create(
                user_id=admin_id,
                kind=kind,
                key=note_key,
                params={"count": n, "programme": programme.code, "day": day.isoformat()},
                link=link,
                created_at=now,
            )
        else:
            # More the same day: the count grows and the notification is new again.
            note.params = {**note.params, "count": int(note.params.get("count", 0)) + n}
            note.created_at, note.read_at = now, None
            note.save(update_fields=["params", "created_at", "read_at"])
        touched += 1
    return touched


def notifications_from_audit(
    *, now: dt.datetime | None = None, settle: dt.timedelta = SETTLE
) -> RefreshResult:
    """Turn the audit events written since the last run (and at least `settle` old) into
    notifications, and move the watermark past them. Runs serialised (the cursor row is
    locked) and all or nothing: a failure leaves the watermark where it was."""
    now = now or clock.now()
    result = RefreshResult()
    with transaction.atomic():
        cursor = _locked_cursor("audit")
        start = cursor.last_event_id or _start_watermark(now)
        upto = AuditEvent.objects.filter(id__gt=start, at__lte=now - settle).aggregate(m=Max("id"))[
            "m"
        ]
        if upto is None:
            if cursor.last_event_id != start:
                cursor.last_event_id = start
                cursor.save(update_fields=["last_event_id"])
            return result
        enrolment_events = AuditEvent.objects.filter(
            id__gt=start, id__lte=upto, object_type="enrolment"
        )
        result.rejected = _notify_rejections(enrolment_events.filter(action="reject"), now)
        result.waiting = _notify_proposals(
            enrolment_events.filter(action="propose"), now, _local_day(now)
        )
        result.reverify = _notify_reverify(
            enrolment_events.filter(action="reverify_flag"), now, _local_day(now)
        )
        result.deaths = _notify_deaths(enrolment_events.filter(action="end"), now)
        cursor.last_event_id = upto
        cursor.save(update_fields=["last_event_id"])
    return result


# --- from the bills, once a day ---------------------------------------------------------------


def _notify_bills(on: dt.date, now: dt.datetime) -> int:
    """An unpaid bill due within DUE_SOON_DAYS, and once again when its due date has passed
    (while that is recent): to the admins of the programme's sponsor."""
    bills = bills_due_between(
        on - dt.timedelta(days=OVERDUE_HORIZON_DAYS), on + dt.timedelta(days=DUE_SOON_DAYS)
    )
    admins = _admins_of(b.programme.region_id for b in bills)
    out: list[Notification] = []
    for bill in bills:
        kind = Notification.Kind.BILL_DUE if bill.due_date >= on else Notification.Kind.BILL_OVERDUE
        params = {
            "programme": bill.programme.code,
            "month": bill.month.isoformat(),
            "due": bill.due_date.isoformat(),
            "outstanding": bill.outstanding,
        }
        link = reverse("contributions:bill", args=[bill.pk])
        out += [
            Notification(
                user=u, kind=kind, key=f"{kind}:{bill.pk}", params=params, link=link, created_at=now
            )
            for u in admins.get(bill.programme.region_id, [])
        ]
    return _create(out)


def _notify_lapses(on: dt.date, now: dt.datetime) -> int:
    """Workers whose membership ends within LAPSE_WARNING_DAYS unless their arrears are paid
    (the coverage page's warnings, `contributions.selectors.coverage_summary`): one
    notification per programme and lapse date to the sponsor's admins."""
    programmes = list(
        Programme.objects.filter(
            period_start__lte=on,
            period_end__gte=on - dt.timedelta(days=OVERDUE_HORIZON_DAYS),
        ).order_by("pk")
    )
    admins = _admins_of(p.region_id for p in programmes)
    out: list[Notification] = []
    horizon = on + dt.timedelta(days=LAPSE_WARNING_DAYS)
    for programme in programmes:
        hearers = admins.get(programme.region_id, [])
        if not hearers:
            continue
        month = programme_month(
            period_start=programme.period_start, period_end=programme.period_end, on=on
        )
        try:
            # Read as one of the hearers: the sponsor's admin sees the whole programme.
            summary = coverage_summary(user=hearers[0], programme=programme, month=month, on=on)
        except Exception:  # one programme's failure must not silence the others
            log.exception("lapse warnings of %s failed", programme.code)
            continue
        for lapses_on, first_unpaid, n in summary.lapse_warnings:
            if not on <= lapses_on <= horizon:
                continue
            params = {
                "programme": programme.code,
                "count": n,
                "lapses_on": lapses_on.isoformat(),
                "first_unpaid": first_unpaid.isoformat(),
            }
            link = (
                reverse("contributions:coverage", args=[programme.code])
                + "?"
                + urlencode({"bulan": month.strftime("%Y-%m"), "belum": "on"})
            )
            out += [
                Notification(
                    user=u,
                    kind=Notification.Kind.LAPSE_WARNING,
                    key=f"putus:{programme.pk}:{lapses_on.isoformat()}",
                    params=params,
                    link=link,
                    created_at=now,
                )
                for u in hearers
            ]
    return _create(out)


def notifications_due(
    *, on: dt.date | None = None, now: dt.datetime | None = None
) -> RefreshResult:
    """The day's bills due, overdue bills and lapse warnings (idempotent: a notification that
    exists is not made again), and the deletion of read notifications past KEEP_READ_DAYS."""
    now = now or clock.now()
    on = on or _local_day(now)
    result = RefreshResult(due_checked=True)
    with transaction.atomic():
        cursor = _locked_cursor("due")
        result.bills = _notify_bills(on, now)
        result.lapses = _notify_lapses(on, now)
        result.deleted, _kinds = Notification.objects.filter(
            read_at__lt=now - dt.timedelta(days=KEEP_READ_DAYS)
        ).delete()
        cursor.last_day = on
        cursor.save(update_fields=["last_day"])
    return result


def notifications_refresh(
    *, now: dt.datetime | None = None, force_due: bool = False
) -> RefreshResult:
    """What the task worker runs every few minutes: the audit trail since the last run, and
    the daily check of bills and lapses when it has not run today (or `force_due`)."""
    now = now or clock.now()
    result = notifications_from_audit(now=now)
    on = _local_day(now)
    last_day = Cursor.objects.filter(name="due").values_list("last_day", flat=True).first()
    if force_due or last_day is None or last_day < on:
        due = notifications_due(on=on, now=now)
        result.bills, result.lapses, result.deleted = due.bills, due.lapses, due.deleted
        result.due_checked = True
    return result
