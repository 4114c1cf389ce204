"""One list of many on a page, paged by its own query parameter, so several long lists can sit
on one page and each keeps its place (and works without JavaScript)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.http import urlencode

PAGE_SIZE = 100


@dataclass
class PagedList:
    key: str  # the query parameter and the id of the list's section on the page
    page: Page
    previous_url: str | None
    next_url: str | None


def paged_list(
    request: HttpRequest, rows: Sequence[Any], key: str, size: int = PAGE_SIZE
) -> PagedList:
    page = Paginator(rows, size).get_page(request.GET.get(key))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[key] = str(number)
        return f"?{urlencode(sorted(query.items()))}#{key}"

    return PagedList(
        key=key,
        page=page,
        previous_url=url(page.previous_page_number()) if page.has_previous() else None,
        next_url=url(page.next_page_number()) if page.has_next() else None,
    )
