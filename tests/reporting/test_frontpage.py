"""The report portal's panel and navigation entries on the organisations' front pages."""

import pytest
from django.test import RequestFactory

from portal.accounts.access import Scope
from portal.front.panels import nav_for, panels_for
from portal.models import Role

pytestmark = pytest.mark.django_db


def test_the_county_front_page_gets_its_latest_results_against_target(published, world):
    request = RequestFactory().get("/")
    scope = Scope(role=Role.COUNTY, county=world.county_a)
    panels = {p.key: p.html for p in panels_for(request, scope)}
    html = panels["reporting-latest"]
    assert "Lærlingundersøkelsen 2024" in html
    assert "/fylke/46/resultater/2024/lu/" in html
    keys = [key for key, _label, _url in nav_for(scope)]
    assert "results" in keys and "reporting-targets" in keys
    assert "reporting-research" not in keys


def test_the_national_admin_gets_national_results_and_the_research_export(published):
    scope = Scope(role=Role.NATIONAL)
    urls = {key: url for key, _label, url in nav_for(scope)}
    assert urls["results"] == "/nasjonalt/resultater/"
    assert urls["reporting-research"] == "/nasjonalt/forskning/"
    panels = {p.key for p in panels_for(RequestFactory().get("/"), scope)}
    assert "reporting-latest" in panels


def test_no_panel_before_anything_is_published(db, county_a):
    scope = Scope(role=Role.COUNTY, county=county_a)
    assert "reporting-latest" not in {p.key for p in panels_for(RequestFactory().get("/"), scope)}
