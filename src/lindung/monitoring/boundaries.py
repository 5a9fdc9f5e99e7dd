"""Region outlines for the coverage map: `lindung import-boundaries FILE` reads a GeoJSON
FeatureCollection whose features name a Kemendagri code (property `kode`, `code`,
`kode_wilayah` or `KODE`) and stores each Polygon/MultiPolygon (`Boundary`).

Checked like every upload before it is parsed (`core.uploads.Limits`): the size limit, JSON by
content (not by name), and then a bounded number of features and points."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.accounts.permissions import Action, authorize, can, scope_of
from lindung.audit.services import audit_event
from lindung.core import clock
from lindung.core.formatting import thousands
from lindung.core.uploads import FileRefused, Limits
from lindung.monitoring.models import Boundary
from lindung.regions.models import Region

CODE_KEYS = ("kode", "code", "kode_wilayah", "KODE", "kd_wilayah")
MAX_FEATURES = 100_000
MAX_POINTS = 5_000_000


@dataclass
class BoundaryReport:
    features: int = 0
    imported: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"features": self.features, "imported": self.imported, "errors": self.errors}


def _points(coordinates: Any) -> int:
    if isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], (int, float)):
        return 1
    if isinstance(coordinates, list):
        return sum(_points(c) for c in coordinates)
    return 0


def _ring_ok(ring: Any) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list)
            and len(p) >= 2
            and all(isinstance(x, (int, float)) for x in p[:2])
            and -180 <= p[0] <= 180
            and -90 <= p[1] <= 90
            for p in ring
        )
    )


def _geometry_ok(geometry: Any) -> bool:
    if not isinstance(geometry, dict):
        return False
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return isinstance(coords, list) and bool(coords) and all(_ring_ok(r) for r in coords)
    if kind == "MultiPolygon":
        return (
            isinstance(coords, list)
            and bool(coords)
            and all(isinstance(p, list) and p and all(_ring_ok(r) for r in p) for p in coords)
        )
    return False


def parse(content: bytes, limits: Limits | None = None) -> list[dict[str, Any]]:
    """The features of a GeoJSON file, or FileRefused (limit, not JSON, not a collection)."""
    limits = limits or Limits.current()
    if len(content) > limits.max_bytes:
        raise FileRefused(
            _("Berkas %(size)s bita melebihi batas %(max)s bita.")
            % {"size": thousands(len(content)), "max": thousands(limits.max_bytes)},
            code="file_too_large",
        )
    head = content.lstrip()[:1]
    if head != b"{":
        raise FileRefused(
            _("Berkas bukan GeoJSON (isinya tidak diawali objek JSON)."), code="file_type"
        )
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as e:
        raise FileRefused(
            _("GeoJSON tidak dapat dibaca: %(e)s") % {"e": str(e)[:120]}, code="file_unreadable"
        ) from e
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise FileRefused(_("GeoJSON harus berupa FeatureCollection."), code="file_type")
    features = data["features"]
    if len(features) > MAX_FEATURES:
        raise FileRefused(
            _("Berkas memuat %(n)s wilayah, batasnya %(max)s.")
            % {"n": thousands(len(features)), "max": thousands(MAX_FEATURES)},
            code="too_many_rows",
        )
    points = sum(
        _points((f.get("geometry") or {}).get("coordinates"))
        for f in features
        if isinstance(f, dict)
    )
    if points > MAX_POINTS:
        raise FileRefused(
            _("Berkas memuat %(n)s titik batas, batasnya %(max)s.")
            % {"n": thousands(points), "max": thousands(MAX_POINTS)},
            code="too_many_cells",
        )
    return features


@transaction.atomic
def boundaries_import(*, content: bytes, by: User, dry_run: bool = False) -> BoundaryReport:
    """Store the outline of every feature naming a known region inside `by`'s scope; features
    with problems are reported (row = position, 1-based) and skipped."""
    if not can(by, Action.PROGRAMME_MANAGE):
        authorize(by, Action.PROGRAMME_MANAGE, None)  # raises ScopeDenied
    features = parse(content)
    report = BoundaryReport(features=len(features))
    scope = scope_of(by)
    found: dict[str, Any] = {}
    for i, f in enumerate(features, start=1):
        props = (f.get("properties") or {}) if isinstance(f, dict) else {}
        code = next((str(props[k]).strip() for k in CODE_KEYS if props.get(k)), "")
        if not code:
            report.errors.append(
                {
                    "row": i,
                    "code": "code_missing",
                    "message": _("Fitur tanpa kode wilayah (properti kode)."),
                }
            )
        elif not _geometry_ok(f.get("geometry")):
            report.errors.append(
                {
                    "row": i,
                    "code": "geometry_invalid",
                    "message": _("Geometri %(code)s bukan Polygon/MultiPolygon yang sah.")
                    % {"code": code},
                }
            )
        else:
            found[code] = f["geometry"]
    known = set(Region.objects.filter(code__in=list(found)).values_list("code", flat=True))
    now = clock.now()
    rows = []
    for code, geometry in found.items():
        if code not in known:
            report.errors.append(
                {
                    "row": None,
                    "code": "region_unknown",
                    "message": _("Kode wilayah %(code)s tidak dikenal.") % {"code": code},
                }
            )
        elif not scope.covers(code):
            report.errors.append(
                {
                    "row": None,
                    "code": "region_out_of_scope",
                    "message": _("Wilayah %(code)s di luar wilayah Anda.") % {"code": code},
                }
            )
        else:
            rows.append(Boundary(region_id=code, geometry=geometry, imported_at=now))
    report.imported = len(rows)
    if not dry_run and rows:
        Boundary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["region"],
            update_fields=["geometry", "imported_at"],
        )
        audit_event(
            actor=by,
            action="boundaries_import",
            obj=rows[0],
            region_code=by.region_id or "",
            summary=_("Batas %(n)s wilayah diimpor") % {"n": len(rows)},
            changes={"regions": len(rows)},
        )
    return report
