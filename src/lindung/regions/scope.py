"""The one mechanism that limits every read and write to a user's region.

A scope is a set of Kemendagri code prefixes ('64', '64.01', '64.01.04.2002'); the empty
prefix is the whole country. Every scoped model names the field that holds its region code in
`scope_field` (for example `Worker.scope_field = "village_id"`), and `scope_queryset` filters on
it with `startswith`. Because codes are fixed-width per level, '64.01' matches Paser and what
lies inside it and nothing else.

Selectors call `scope_queryset`; services call `RegionScope.require`. Views never build an
unscoped queryset.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from lindung.core.errors import ScopeDenied
from lindung.regions.models import ancestor_codes


@dataclass(frozen=True)
class RegionScope:
    prefixes: tuple[str, ...]

    @classmethod
    def national(cls) -> RegionScope:
        return cls(("",))

    @classmethod
    def nothing(cls) -> RegionScope:
        return cls(())

    @property
    def is_national(self) -> bool:
        return "" in self.prefixes

    @property
    def is_empty(self) -> bool:
        return not self.prefixes

    def covers(self, code: str | None) -> bool:
        """True when the region `code` lies inside this scope."""
        if code is None:
            return False
        return any(code == p or code.startswith(p + ".") or p == "" for p in self.prefixes)

    def touches(self, code: str) -> bool:
        """True when `code` is inside the scope or is an ancestor of it (a province programme
        is visible to an operator of one of its villages)."""
        return self.covers(code) or any(code in ancestor_codes(p) for p in self.prefixes if p)

    def q(self, field: str) -> Q:
        """Rows whose `field` holds a region code inside the scope."""
        field = _text_lookup(field)
        if self.is_national:
            return Q()
        if not self.prefixes:
            return Q(pk__in=[])
        q = Q()
        for p in self.prefixes:
            q |= Q(**{field: p}) | Q(**{f"{field}__startswith": p + "."})
        return q

    def q_touching(self, field: str) -> Q:
        """Rows whose region is inside the scope or an ancestor of it."""
        if self.is_national or not self.prefixes:
            return self.q(field)
        ancestors = {a for p in self.prefixes for a in ancestor_codes(p)}
        return self.q(field) | Q(**{f"{field}__in": sorted(ancestors)})

    def require(self, code: str | None, *, what: str = "") -> None:
        """Raise ScopeDenied unless `code` lies inside the scope."""
        if not self.covers(code):
            raise ScopeDenied(
                _("Data %(what)s berada di luar wilayah kewenangan Anda.")
                % {"what": what or _("ini")}
            )


def _text_lookup(field: str) -> str:
    """'village_id' -> 'village__pk': Django refuses `startswith` on a foreign-key column, but
    accepts it on the related primary key (the region code) and still needs no join."""
    return field[:-3] + "__pk" if field.endswith("_id") else field


def scope_queryset[M: models.Model](
    queryset: models.QuerySet[M], scope: RegionScope
) -> models.QuerySet[M]:
    """`queryset` limited to `scope` through the model's `scope_field`."""
    field = getattr(queryset.model, "scope_field", None)
    if field is None:
        raise TypeError(f"{queryset.model.__name__} declares no scope_field")
    return queryset.filter(scope.q(field))
