"""The claim calculation over given facts, shared by `lindung claims calculate` and the API's
POST /claims/calculate: the same rules as the claim pages (`rules.evaluate`, with the benefit
rules valid on the event date), every month from the month of `member_since` to the event
taken as paid except those in `unpaid`, each month's status seen on the reported date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext as _

from lindung.claims import rules
from lindung.claims.selectors import benefit_rules_on
from lindung.core import clock
from lindung.core.errors import DomainError


def calculate(
    *,
    claim_type: str,
    income: int,
    member_since: dt.date,
    event: dt.date,
    reported: dt.date | None = None,
    unpaid: Sequence[dt.date] = (),
    lapsed_since: dt.date | None = None,
    stmb_months: int | None = None,
    cause: str = "",
    children: Sequence[rules.Child] = (),
    contribution_years: int | None = None,
) -> rules.Outcome:
    """The outcome for these facts; DomainError (code, field named like the CLI option without
    dashes) on a combination the rules cannot judge."""
    reported = reported or clock.today()
    if reported < event:
        raise DomainError(
            _("--reported (%(r)s) tidak boleh sebelum --event (%(e)s).")
            % {"r": reported, "e": event},
            code="date_order",
            field="reported",
        )
    if claim_type == rules.JKK_STMB and not stmb_months:
        raise DomainError(
            _("--type jkk_stmb membutuhkan --stmb-months N (N ≥ 1)."),
            code="missing_value",
            field="stmb_months",
        )
    if claim_type == rules.SCHOLARSHIP:
        if not cause:
            raise DomainError(
                _("--type scholarship membutuhkan --cause {jkm,jkk_death,jkk_disability}."),
                code="missing_value",
                field="cause",
            )
        if not children:
            raise DomainError(
                _("--type scholarship membutuhkan --children JENJANG:USIA,..."),
                code="missing_value",
                field="children",
            )
    try:
        values = benefit_rules_on(event)
    except rules.RulesMissing as e:
        raise DomainError(e.message, code="rules_missing", field="event") from e
    coverage = rules.coverage_from_unpaid(
        member_since=member_since, upto=event, unpaid=list(unpaid), on=reported
    )
    facts = rules.Facts(
        claim_type=claim_type,
        income=income,
        member_since=member_since,
        event=event,
        reported=reported,
        coverage=coverage,
        lapsed_since=lapsed_since,
        stmb_months=stmb_months or 0,
        cause=cause or "",
        children=tuple(children),
        contribution_months=None if contribution_years is None else contribution_years * 12,
    )
    return rules.evaluate(facts, values)
