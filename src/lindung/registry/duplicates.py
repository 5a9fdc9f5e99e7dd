"""Possible duplicates: one person registered twice under different NIKs (a mistyped digit, a
NIK of the first registration region and another of the current one).

Detection is set-based with blocking: two records are compared only when they share the birth
date and the kecamatan (the first 8 characters of the village code), then scored with a fuzzy
name measure (rapidfuzz token_sort_ratio, so 'Siti Aminah' ~ 'Aminah Siti'). Blocks hold a
handful of people, so the work grows with the number of candidates, never with their square.

Flagged pairs go to a review queue (`DuplicatePair`); an admin decides 'same person' (merge,
keeping both histories) or 'different people' (the pair is never flagged again).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, utils

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, scope_of
from lindung.audit.services import audit_event
from lindung.core import clock
from lindung.core.errors import DomainError
from lindung.core.lookups import SQLITE_BATCH, in_batches
from lindung.core.selectors import parameter_int
from lindung.registry import links
from lindung.registry.models import DuplicatePair, Worker

DISTRICT_LEN = len("64.01.01")


def name_threshold() -> int:
    """Minimum name similarity (0-100) to flag a pair; a dated parameter, 85 by default."""
    return parameter_int("ambang_kemiripan_nama", default=85)


@dataclass(frozen=True)
class Candidate:
    """A person to check: a spreadsheet row (`key` = row number) or a worker (`key` = id)."""

    key: int
    nik: str
    name: str
    birth_date: dt.date
    village_code: str
    worker_id: int | None = None  # the existing record of this NIK, if any


@dataclass(frozen=True)
class Match:
    """`left` is a candidate's key; `right` another candidate's key (`right_worker_id` None) or
    a registry worker (`right_worker_id` set)."""

    left: int
    right: int
    right_nik: str
    right_name: str
    score: int
    right_worker_id: int | None = None
    right_village_code: str = ""


def _block(birth_date: dt.date, village_code: str) -> tuple[dt.date, str]:
    return birth_date, village_code[:DISTRICT_LEN]


def _score(a: str, b: str) -> int:
    return round(fuzz.token_sort_ratio(a, b, processor=utils.default_process))


def find_possible_duplicates(
    candidates: Sequence[Candidate],
    *,
    threshold: int | None = None,
    against_registry: bool = True,
) -> list[Match]:
    """Pairs of similar names with the same birth date and kecamatan under different NIKs:
    among `candidates` themselves, and between a candidate and any worker in the registry
    (all regencies of the installation). Pairs already decided by an admin are left out."""
    threshold = name_threshold() if threshold is None else threshold
    blocks: dict[tuple[dt.date, str], list[Candidate]] = defaultdict(list)
    for c in candidates:
        blocks[_block(c.birth_date, c.village_code)].append(c)

    matches: list[Match] = []
    for members in blocks.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a.nik != b.nik and (s := _score(a.name, b.name)) >= threshold:
                    matches.append(
                        Match(
                            left=b.key,
                            right=a.key,
                            right_nik=a.nik,
                            right_name=a.name,
                            score=s,
                            right_village_code=a.village_code,
                        )
                    )
    if against_registry and blocks:
        for w_id, nik, name, birth, village in _registry_in_blocks(blocks.keys()):
            for c in blocks.get(_block(birth, village), ()):
                if c.nik != nik and (s := _score(c.name, name)) >= threshold:
                    matches.append(
                        Match(
                            left=c.key,
                            right=w_id,
                            right_nik=nik,
                            right_name=name,
                            score=s,
                            right_worker_id=w_id,
                            right_village_code=village,
                        )
                    )
    if not matches:
        return matches
    decided = decided_pairs(
        {c.worker_id for c in candidates if c.worker_id}
        | {m.right_worker_id for m in matches if m.right_worker_id}
    )
    by_key = {c.key: c for c in candidates}
    out = []
    seen: set[frozenset[str]] = set()
    for m in matches:
        left_id = by_key[m.left].worker_id
        right_id = m.right_worker_id or by_key[m.right].worker_id
        niks = frozenset((by_key[m.left].nik, m.right_nik))
        # A re-imported pair is found twice: within the file and against the registry.
        if niks in seen or (left_id and right_id and frozenset((left_id, right_id)) in decided):
            continue
        seen.add(niks)
        out.append(m)
    return out


def _registry_in_blocks(
    blocks: Iterable[tuple[dt.date, str]],
) -> Iterable[tuple[int, str, str, dt.date, str]]:
    """Workers sharing a block with a candidate, read per kecamatan by an index range on the
    village code (and on the birth date when the candidates have few of them)."""
    by_district: dict[str, set[dt.date]] = defaultdict(set)
    for birth, district in blocks:
        by_district[district].add(birth)
    for district, dates in sorted(by_district.items()):
        qs = Worker.objects.filter(village_id__gt=district + ".", village_id__lt=district + "/")
        fields = ("id", "nik", "name", "birth_date", "village_id")
        if len(dates) <= SQLITE_BATCH:  # few dates: the birth-date index narrows the range
            rows = qs.filter(birth_date__in_array=sorted(dates)).values_list(*fields)
        else:
            rows = qs.values_list(*fields)
        for row in rows:
            if row[3] in dates:
                yield row


def duplicates_flag(*, worker: Worker, source: str) -> list[Match]:
    """Check one worker just registered or edited (form, API) like an imported one: queue every
    possible duplicate for review and return the matches, for the page to warn at once."""
    matches = find_possible_duplicates(
        [
            Candidate(
                key=worker.pk,
                nik=worker.nik,
                name=worker.name,
                birth_date=worker.birth_date,
                village_code=worker.village_id,
                worker_id=worker.pk,
            )
        ]
    )
    matches = [m for m in matches if m.right_worker_id and m.right_worker_id != worker.pk]
    duplicate_pairs_record(
        pairs=[
            (worker.pk, m.right_worker_id, m.score)  # type: ignore[misc]
            for m in matches
        ],
        source=source,
    )
    return matches


def pending_pairs_of(worker_ids: Iterable[int]) -> dict[int, list[DuplicatePair]]:
    """Worker id -> the undecided pairs it belongs to."""
    out: dict[int, list[DuplicatePair]] = defaultdict(list)
    for part in in_batches(sorted(set(worker_ids))):
        for pair in (
            DuplicatePair.objects.filter(decision=DuplicatePair.Decision.PENDING)
            .filter(Q(worker_a_id__in_array=part) | Q(worker_b_id__in_array=part))
            .select_related("worker_a__village", "worker_b__village")
        ):
            for w in (pair.worker_a_id, pair.worker_b_id):
                out[w].append(pair)
    return out


def pending_pair_exists(worker_field: str = "worker_id") -> Exists:
    """True, in a queryset of records naming a worker by `worker_field`, while that worker
    belongs to an undecided pair: such a record is held (not verified, not sent to BPJS)
    until an admin decides whether the two are one person."""
    ref = OuterRef(worker_field)
    return Exists(
        DuplicatePair.objects.filter(decision=DuplicatePair.Decision.PENDING).filter(
            Q(worker_a_id=ref) | Q(worker_b_id=ref)
        )
    )


def decided_pairs(worker_ids: Iterable[int]) -> set[frozenset[int]]:
    """Pairs among these workers an admin has already decided (same or different)."""
    out: set[frozenset[int]] = set()
    for part in in_batches(sorted(set(worker_ids))):
        rows = (
            DuplicatePair.objects.exclude(decision=DuplicatePair.Decision.PENDING)
            .filter(Q(worker_a_id__in_array=part) | Q(worker_b_id__in_array=part))
            .values_list("worker_a_id", "worker_b_id")
        )
        out.update(frozenset(r) for r in rows)
    return out


def duplicate_pairs_record(*, pairs: Iterable[tuple[int, int, int]], source: str = "") -> int:
    """Queue (worker id, worker id, score) pairs for review; pairs already queued or decided
    are left as they are. Returns how many were new."""
    objs = {}
    for a, b, score in pairs:
        if a == b:
            continue
        lo, hi = min(a, b), max(a, b)
        objs[(lo, hi)] = DuplicatePair(
            worker_a_id=lo, worker_b_id=hi, score=score, source=source[:80]
        )
    if not objs:
        return 0
    keys = sorted(objs)
    existing: set[tuple[int, int]] = set()
    for part in in_batches(keys):
        existing.update(
            DuplicatePair.objects.filter(
                worker_a_id__in_array=[k[0] for k in part],
                worker_b_id__in_array=[k[1] for k in part],
            ).values_list("worker_a_id", "worker_b_id")
        )
    new = [objs[k] for k in keys if k not in existing]
    DuplicatePair.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


# --- review queue ---------------------------------------------------------------------------


def duplicate_pairs_for(
    *,
    user: User,
    decision: str = DuplicatePair.Decision.PENDING,
) -> QuerySet[DuplicatePair]:
    """Pairs with at least one worker inside the user's region."""
    scope = scope_of(user)
    qs = DuplicatePair.objects.filter(
        scope.q("worker_a__village_id") | scope.q("worker_b__village_id")
    )
    if decision:
        qs = qs.filter(decision=decision)
    return qs.select_related(
        "worker_a__village__parent",
        "worker_b__village__parent",
        "worker_a__occupation",
        "worker_b__occupation",
        "decided_by",
    )


def duplicate_pair_get(*, user: User, pk: int) -> DuplicatePair:
    return duplicate_pairs_for(user=user, decision="").get(pk=pk)


@transaction.atomic
def duplicate_pair_decide(
    *, pair: DuplicatePair, by: User, same_person: bool, keep: Worker | None = None
) -> DuplicatePair:
    """Record an admin's decision. Same person: the other record is merged into `keep` (by
    default the older one) in one step: the surplus enrolment of the same months is closed
    and the others move over (`registry.links`), empty fields are filled from it, and it
    stays in the registry as inactive so both histories remain readable."""
    pair = (
        DuplicatePair.objects.select_for_update()
        .select_related("worker_a", "worker_b")
        .get(pk=pair.pk)
    )
    for w in (pair.worker_a, pair.worker_b):
        authorize(by, Action.ENROLMENT_VERIFY, w.village_id)
    if pair.decision != DuplicatePair.Decision.PENDING:
        raise DomainError(_("Pasangan ini sudah diputuskan."), code="already_decided")
    pair.decided_at = clock.now()
    pair.decided_by = by
    if not same_person:
        pair.decision = DuplicatePair.Decision.DIFFERENT
        pair.save()
        for w, other in ((pair.worker_a, pair.worker_b), (pair.worker_b, pair.worker_a)):
            # Each event is read on its worker's page, by that village too: the other
            # person is named only when living in the same village (personal data by need).
            label = (
                other.name
                if other.village_id == w.village_id
                else _("pekerja #%(id)s di desa lain") % {"id": other.pk}
            )
            audit_event(
                actor=by,
                action="not_duplicate",
                obj=w,
                region_code=w.village_id,
                summary=_("%(a)s dan %(b)s dinyatakan orang yang berbeda")
                % {"a": w.name, "b": label},
                changes={"other_worker": other.pk},
            )
        return pair
    survivor = keep if keep is not None else pair.worker_a
    if survivor.pk not in (pair.worker_a_id, pair.worker_b_id):
        raise DomainError(
            _("Pilih salah satu dari dua pekerja pasangan ini."), code="merge_invalid"
        )
    survivor = pair.worker_a if survivor.pk == pair.worker_a_id else pair.worker_b
    absorbed = pair.worker_b if survivor is pair.worker_a else pair.worker_a
    _merge(survivor=survivor, absorbed=absorbed, by=by)
    pair.decision = DuplicatePair.Decision.SAME
    pair.save()
    return pair


def _merge(*, survivor: Worker, absorbed: Worker, by: User) -> None:
    # The enrolments first (`programs`, through `registry.links`): the surplus one of the
    # same months is closed, the others move over; a conflict refuses the whole merge.
    enrolments = links.merge_enrolments(survivor=survivor, absorbed=absorbed, by=by)
    filled = {}
    for f in ("kk_number", "birth_place", "address", "phone"):
        if not getattr(survivor, f) and getattr(absorbed, f):
            filled[f] = getattr(absorbed, f)
            setattr(survivor, f, filled[f])
    if filled:
        survivor.save(update_fields=[*filled, "updated_at"])
    old_status = absorbed.status
    absorbed.status = Worker.Status.INACTIVE
    absorbed.save(update_fields=["status", "updated_at"])
    snapshot = {
        f: str(getattr(absorbed, f))
        for f in ("nik", "kk_number", "name", "sex", "birth_date", "village_id", "address", "phone")
    }
    audit_event(
        actor=by,
        action="merge",
        obj=survivor,
        region_code=survivor.village_id,
        summary=_("Data %(b)s (NIK %(nik)s) digabung ke %(a)s")
        % {"a": survivor.name, "b": absorbed.name, "nik": absorbed.nik},
        changes={
            "merged_worker": absorbed.pk,
            "merged": snapshot,
            "filled": filled,
            "enrolments_moved": enrolments.moved,
            "enrolments_closed": enrolments.closed,
        },
    )
    audit_event(
        actor=by,
        action="merged_into",
        obj=absorbed,
        region_code=absorbed.village_id,
        summary=_("Data ini digabung ke %(a)s (NIK %(nik)s) dan dinonaktifkan")
        % {"a": survivor.name, "nik": survivor.nik},
        changes={"merged_into": survivor.pk, "status": [old_status, Worker.Status.INACTIVE.value]},
    )
