"""One list of many on a page, paged by its own query parameter, so several long lists can sit
on one page and each keeps its place (and works without JavaScript).

A list from the database is read with its total in the same query (a window count over the
whole list beside each row of the page), so a page with many lists costs one query per list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest
from django.utils.http import urlencode

PAGE_SIZE = 100
_TOTAL = "paged_list_total"


@dataclass
class PagedList:
    key: str  # the query parameter and the id of the list's section on the page
    page: Page
    previous_url: str | None
    next_url: str | None


class _CountedPaginator(Paginator):
    """A paginator told its count, so it does not ask the database again."""

    def __init__(self, rows: Sequence[Any], size: int, count: int) -> None:
        super().__init__(rows, size)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _number(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


def _page_of_queryset(rows: QuerySet, size: int, asked: str | None) -> Page:
    number = _number(asked)
    counted = rows.annotate(**{_TOTAL: Window(Count("*"))})
    found = list(counted[(number - 1) * size : number * size])
    if found:
        first = found[0]
        total = first[_TOTAL] if isinstance(first, dict) else getattr(first, _TOTAL)
    elif number == 1:  # an empty list
        total = 0
    else:  # a page past the end: the last page instead, as Paginator.get_page does
        total = rows.count()
        if total:
            number = (total - 1) // size + 1
            found = list(counted[(number - 1) * size : number * size])
    paginator = _CountedPaginator(found, size, total)
    return Page(found, number, paginator)


def paged_list(
    request: HttpRequest, rows: Sequence[Any] | QuerySet[Any], key: str, size: int = PAGE_SIZE
) -> PagedList:
    if isinstance(rows, QuerySet):
        page = _page_of_queryset(rows, size, request.GET.get(key))
    else:
        page = Paginator(rows, size).get_page(request.GET.get(key))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[key] = str(number)
        pairs = sorted((name, query.get(name, "")) for name in query)
        return f"?{urlencode(pairs)}#{key}"

    return PagedList(
        key=key,
        page=page,
        previous_url=url(page.previous_page_number()) if page.has_previous() else None,
        next_url=url(page.next_page_number()) if page.has_next() else None,
    )
