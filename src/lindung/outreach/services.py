"""Writes of outreach: recording, correcting and deleting sosialisasi events.

Who may record: the roles doing field work in villages, that is those who may edit workers
(operator desa for their own village, admin kabupaten/kota and provinsi for their region),
always for a region inside their scope. An operator desa's scope is their village, so they
record events of that village only.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize
from lindung.audit.services import audit_event
from lindung.core import clock
from lindung.core.errors import DomainError, ValidationFailed
from lindung.outreach.models import OutreachAttachment, OutreachEvent
from lindung.outreach.rules import EVENT_LEVELS
from lindung.regions.models import Region

# Recording an event is village field work: the same roles as editing workers.
RECORD_ACTION = Action.WORKER_EDIT
EVENT_FIELDS = (
    "region",
    "date",
    "kind",
    "organiser",
    "attendees_male",
    "attendees_female",
    "notes",
)


def _validate(
    *,
    region: Region,
    date: dt.date,
    kind: str,
    organiser: str,
    attendees_male: int,
    attendees_female: int,
    on: dt.date,
) -> None:
    errors = []
    if region.level not in EVENT_LEVELS:
        errors.append(
            DomainError(
                _("Kegiatan dicatat untuk desa/kelurahan atau kecamatan."),
                code="region_level",
                field="region",
            )
        )
    if date > on:
        errors.append(
            DomainError(
                _("Tanggal kegiatan tidak boleh di masa depan; catat kegiatan setelah terlaksana."),
                code="date_invalid",
                field="date",
            )
        )
    if kind not in OutreachEvent.Kind.values:
        errors.append(
            DomainError(_("Pilih jenis kegiatan dari daftar."), code="missing_value", field="kind")
        )
    if organiser not in OutreachEvent.Organiser.values:
        errors.append(
            DomainError(
                _("Pilih penyelenggara dari daftar."), code="missing_value", field="organiser"
            )
        )
    for name, n in (("attendees_male", attendees_male), ("attendees_female", attendees_female)):
        if n < 0:
            errors.append(
                DomainError(
                    _("Jumlah peserta tidak boleh negatif."), code="number_invalid", field=name
                )
            )
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def event_create(
    *,
    by: User,
    region: Region,
    date: dt.date,
    kind: str,
    organiser: str,
    attendees_male: int = 0,
    attendees_female: int = 0,
    notes: str = "",
    on: dt.date | None = None,
) -> OutreachEvent:
    authorize(by, RECORD_ACTION, region.code)
    _validate(
        region=region,
        date=date,
        kind=kind,
        organiser=organiser,
        attendees_male=attendees_male,
        attendees_female=attendees_female,
        on=on or clock.today(),
    )
    now = clock.now()
    event = OutreachEvent.objects.create(
        region=region,
        date=date,
        kind=kind,
        organiser=organiser,
        attendees_male=attendees_male,
        attendees_female=attendees_female,
        notes=notes.strip(),
        created_at=now,
        created_by=by,
        updated_at=now,
    )
    audit_event(
        actor=by,
        action="outreach_create",
        obj=event,
        region_code=region.code,
        summary=_("%(kind)s di %(region)s, %(date)s")
        % {"kind": event.get_kind_display(), "region": region.label, "date": date.isoformat()},
        changes={"attendees": [attendees_male, attendees_female]},
    )
    return event


@transaction.atomic
def event_update(
    *,
    by: User,
    event: OutreachEvent,
    region: Region,
    date: dt.date,
    kind: str,
    organiser: str,
    attendees_male: int = 0,
    attendees_female: int = 0,
    notes: str = "",
    on: dt.date | None = None,
) -> OutreachEvent:
    event = OutreachEvent.objects.select_for_update().get(pk=event.pk)
    authorize(by, RECORD_ACTION, event.region_id)  # the record as it is
    authorize(by, RECORD_ACTION, region.code)  # and where it moves to
    _validate(
        region=region,
        date=date,
        kind=kind,
        organiser=organiser,
        attendees_male=attendees_male,
        attendees_female=attendees_female,
        on=on or clock.today(),
    )
    before = {f: getattr(event, f"{f}_id" if f == "region" else f) for f in EVENT_FIELDS}
    event.region, event.date, event.kind, event.organiser = region, date, kind, organiser
    event.attendees_male, event.attendees_female = attendees_male, attendees_female
    event.notes, event.updated_at = notes.strip(), clock.now()
    event.save()
    after = {f: getattr(event, f"{f}_id" if f == "region" else f) for f in EVENT_FIELDS}
    audit_event(
        actor=by,
        action="outreach_update",
        obj=event,
        region_code=region.code,
        summary=_("Kegiatan %(kind)s di %(region)s diubah")
        % {"kind": event.get_kind_display(), "region": region.label},
        changes={k: [str(before[k]), str(after[k])] for k in EVENT_FIELDS if before[k] != after[k]},
    )
    return event


@transaction.atomic
def event_delete(*, by: User, event: OutreachEvent) -> None:
    authorize(by, RECORD_ACTION, event.region_id)
    audit_event(
        actor=by,
        action="outreach_delete",
        obj=event,
        region_code=event.region_id,
        summary=_("Kegiatan %(kind)s %(date)s dihapus")
        % {"kind": event.get_kind_display(), "date": event.date.isoformat()},
    )
    event.delete()


@transaction.atomic
def attachment_add(
    *, by: User, event: OutreachEvent, content: bytes, filename: str
) -> OutreachAttachment:
    """Attach a PDF/JPEG/PNG to an event (the recorder's roles, the event's region). The type
    is read from the content and the size checked (`claims.documents`, the same rule as claim
    documents: `file_type`, `file_empty`, `file_too_large`), before anything is stored."""
    from django.core.files.base import ContentFile

    from lindung.claims.documents import document_type

    authorize(by, RECORD_ACTION, event.region_id)
    kind = document_type(content)
    stem = (filename or "lampiran").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:150]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    row = OutreachAttachment(
        event=event,
        filename=f"{stem}.{kind.extension}",
        content_type=kind.content_type,
        size=len(content),
        uploaded_at=clock.now(),
        uploaded_by=by,
    )
    row.file.save(f"x.{kind.extension}", ContentFile(content), save=False)
    row.save()
    audit_event(
        actor=by,
        action="outreach_attachment_add",
        obj=row,
        region_code=event.region_id,
        summary=_("Lampiran %(name)s untuk kegiatan %(date)s")
        % {"name": row.filename, "date": event.date.isoformat()},
        changes={"size": row.size, "type": row.content_type},
    )
    return row
