"""Long lists paged by their own parameter, each read with its total in one query."""

import pytest
from django.test import RequestFactory

from portal.lib.paging import paged_list
from portal.models import County

pytestmark = pytest.mark.django_db


def page_of(query: str, size: int, django_assert_num_queries, queries: int):
    request = RequestFactory().get(f"/?{query}")
    with django_assert_num_queries(queries):
        paged = paged_list(request, County.objects.order_by("code"), "side", size)
        rows = list(paged.page.object_list)
    return paged, rows


def test_a_page_and_its_total_come_in_one_query(counties, django_assert_num_queries):
    total = County.objects.count()
    paged, rows = page_of("side=2", 10, django_assert_num_queries, 1)
    assert [c.code for c in rows] == list(
        County.objects.order_by("code").values_list("code", flat=True)[10:20]
    )
    assert paged.page.paginator.count == total
    assert paged.page.number == 2
    assert paged.previous_url == "?side=1#side"
    assert paged.next_url == ("?side=3#side" if total > 20 else None)


def test_a_page_past_the_end_shows_the_last_and_an_empty_list_costs_one_query(
    counties, django_assert_num_queries
):
    total = County.objects.count()
    paged, rows = page_of("side=99", 10, django_assert_num_queries, 3)
    assert paged.page.number == (total - 1) // 10 + 1
    assert len(rows) == total - (paged.page.number - 1) * 10
    request = RequestFactory().get("/?side=x")
    with django_assert_num_queries(1):
        empty = paged_list(request, County.objects.filter(code="zz"), "side")
    assert empty.page.paginator.count == 0 and list(empty.page.object_list) == []
