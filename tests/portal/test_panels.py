"""Panels and navigation entries that apps above portal register for its pages."""

import pytest
from django.test import RequestFactory

from portal.accounts.access import Scope
from portal.front import panels
from portal.front.panels import NavEntry, Panel, nav_for, nav_register, panel_register, panels_for
from portal.models import Role


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    monkeypatch.setattr(panels, "_registry", panels._Registry())


def test_panels_render_in_priority_order_for_their_roles_only(tmp_path, settings):
    (tmp_path / "p.html").write_text("<section>{{ text }} {{ scope.role }}</section>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    panel_register(Panel("late", "p.html", lambda r, s: {"text": "sist"}, priority=90))
    panel_register(Panel("early", "p.html", lambda r, s: {"text": "først"}, priority=10))
    panel_register(
        Panel("offices", "p.html", lambda r, s: {"text": "kontor"}, roles=frozenset({Role.OFFICE}))
    )
    panel_register(Panel("empty", "p.html", lambda r, s: None))

    rendered = panels_for(RequestFactory().get("/"), Scope(role=Role.COUNTY))

    assert [p.key for p in rendered] == ["early", "late"]
    assert rendered[0].html == "<section>først county</section>"


def test_navigation_entries_are_built_for_the_organisation():
    nav_register(NavEntry("b", "Bravo", lambda s: f"/{s.role}/b/", priority=20))
    nav_register(NavEntry("a", "Alfa", lambda s: f"/{s.role}/a/", priority=20))
    nav_register(NavEntry("n", "Nasjonal", lambda s: "/n/", roles=frozenset({Role.NATIONAL})))
    assert nav_for(Scope(role=Role.OFFICE)) == [
        ("a", "Alfa", "/office/a/"),
        ("b", "Bravo", "/office/b/"),
    ]
