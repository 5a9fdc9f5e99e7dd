"""The registry's one seam to the enrolments above it.

The registry sits below the programmes: `programs` imports `registry` (an enrolment names a
worker), never the other way round (tests/core/test_layering.py). Yet three of the
registry's own writes must reach a worker's enrolments:

- a NIK or birth-date correction asks which enrolments BPJS knows (`participants`): such a
  correction is the Dinas's, with a reason, and is reported to BPJS; and every enrolment
  verified against the old data is flagged for the Dinas to verify again
  (`flag_for_reverification`), its status untouched so that cover and billing go on;
- a death, a move out of a programme's region or a wage job ends the open enrolments
  (`end_for_life_events`), and BPJS is told of those it knows;
- merging two records of one person moves the enrolments over and closes the surplus one
  (`merge`).

`programs` declares how, once, in its `AppConfig.ready()`:
`links.provide(links.Enrolments(participants=..., end_for_life_events=..., merge=...,
flag_for_reverification=...))`.
The registry calls `links.enrolments().<operation>`. The contract (what is passed and what
comes back) is the dataclasses below, so neither side reads the other's models. A registry
used without an app that provides the operations fails loudly (`ImproperlyConfigured`), never
skipping the enrolments silently — as `regions.scope` does for a model that forgot its scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from lindung.registry.models import Worker


@dataclass(frozen=True, slots=True)
class LifeEvent:
    """A worker who died, moved or became a wage earner (DOMAIN.md §5). `reason`: the end
    reason (meninggal, pindah, penerima_upah). `village_id`: with a move to that village, only
    enrolments of programmes whose region does not include it end (moving within the regency
    keeps them)."""

    worker_id: int
    reason: str
    end_date: dt.date
    village_id: str = ""


@dataclass(frozen=True, slots=True)
class EndedEnrolment:
    """An enrolment a life event ended; `known_to_bpjs`: it was registered or active (with a
    KPJ), so the branch must be told."""

    enrolment_id: int
    worker_id: int
    reason: str
    end_date: dt.date
    status_before: str
    programme_code: str
    kpj_number: str
    known_to_bpjs: bool


@dataclass(frozen=True, slots=True)
class Participant:
    """An enrolment BPJS knows (registered or active) of a worker."""

    enrolment_id: int
    programme_code: str
    kpj_number: str


@dataclass(frozen=True, slots=True)
class IdentityCorrection:
    """A worker's NIK or birth date changed: `changes` maps `nik` / `birth_date` to (before,
    after); `reason` is the correction's reason (required for a participant BPJS knows, empty
    when the village corrected someone not yet registered)."""

    worker_id: int
    changes: dict[str, tuple[Any, Any]]
    reason: str = ""


@dataclass(frozen=True, slots=True)
class MergedEnrolments:
    """What a merge did to the enrolments: those moved to the kept record, those closed."""

    moved: list[int]
    closed: list[int]


@dataclass(frozen=True)
class Enrolments:
    """The operations the registry needs of the enrolments, provided by `programs`.

    - `participants(worker_ids)` -> {worker id: [Participant]}
    - `end_for_life_events(events=[LifeEvent], by=user)` -> [EndedEnrolment]
    - `merge(survivor=worker, absorbed=worker, by=user)` -> MergedEnrolments, or a
      DomainError when the two cannot be merged; called inside the merge's transaction.
    - `flag_for_reverification(corrections=[IdentityCorrection], by=user)` -> ids of the
      enrolments flagged; called inside the correction's transaction."""

    participants: Callable[[Iterable[int]], dict[int, list[Participant]]]
    end_for_life_events: Callable[..., list[EndedEnrolment]]
    merge: Callable[..., MergedEnrolments]
    flag_for_reverification: Callable[..., list[int]]


_provided: list[Enrolments] = []


def provide(operations: Enrolments) -> None:
    """Declare the enrolment operations (once, from `programs`' AppConfig.ready)."""
    _provided[:] = [operations]


def enrolments() -> Enrolments:
    if not _provided:
        raise ImproperlyConfigured(
            "registry.links: no app provides the enrolment operations. Install "
            "lindung.programs, whose AppConfig.ready() calls registry.links.provide()."
        )
    return _provided[0]


def merge_enrolments(*, survivor: Worker, absorbed: Worker, by: Any) -> MergedEnrolments:
    return enrolments().merge(survivor=survivor, absorbed=absorbed, by=by)


def end_for_life_events(*, events: Sequence[LifeEvent], by: Any) -> list[EndedEnrolment]:
    return enrolments().end_for_life_events(events=events, by=by)


def participants(worker_ids: Iterable[int]) -> dict[int, list[Participant]]:
    return enrolments().participants(worker_ids)


def flag_for_reverification(*, corrections: Sequence[IdentityCorrection], by: Any) -> list[int]:
    return enrolments().flag_for_reverification(corrections=corrections, by=by)
