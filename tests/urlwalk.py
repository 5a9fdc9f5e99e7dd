"""Walking the project's URL patterns, read from the URL resolver: a test built on these covers
a new page without being edited (tests/core/test_hostile_params.py, the page scope matrix in
tests/core/test_page_scope_matrix.py)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def all_patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    """Every URL pattern of the project as one string (`impor/<int:pk>/`), in resolver order;
    ninja lists a path once per method, so a pattern may come more than once."""
    for route, _name in named_patterns(resolver, prefix):
        yield route


def named_patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str | None]]:
    """(pattern, qualified name) of every URL pattern: `programs:detail`, `home` for a route
    outside any namespace, None for a route without a name."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from named_patterns(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}{p.name}" if p.name else None)


def patterns() -> list[str]:
    """Every URL pattern of the project once (ninja lists a path once per method)."""
    return list(dict.fromkeys(all_patterns()))
