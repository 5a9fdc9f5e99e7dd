"""One page size rule for every API list: at most `MAX_LIMIT` records a request.

Without it one request could carry a whole regency's registry (112,234 workers, 39 MB, in the
issue 14 probe). A `limit` or `offset` outside its range is refused with 422 and a message
naming the range, never silently shortened: a client that asked for everything must learn
that it has to page."""

# No `from __future__ import annotations`: ninja reads the input schema's types at runtime.
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from lindung.core.formatting import thousands

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000  # far beyond any registry; keeps the SQL OFFSET a 64-bit integer


class LimitedPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, description=f"Jumlah data per halaman, 1–{MAX_LIMIT}")
        offset: int = Field(0, description="Lewati sebanyak ini data pertama")

        @field_validator("limit")
        @classmethod
        def _limit_in_range(cls, value: int) -> int:
            if not 1 <= value <= MAX_LIMIT:
                raise PydanticCustomError(
                    "limit_out_of_range",
                    _(
                        "limit harus antara 1 dan %(max)s data per halaman. Ambil halaman "
                        "berikutnya dengan offset."
                    )
                    % {"max": MAX_LIMIT},
                )
            return value

        @field_validator("offset")
        @classmethod
        def _offset_in_range(cls, value: int) -> int:
            if not 0 <= value <= MAX_OFFSET:
                raise PydanticCustomError(
                    "offset_out_of_range",
                    _("offset harus antara 0 dan %(max)s.") % {"max": thousands(MAX_OFFSET)},
                )
            return value
