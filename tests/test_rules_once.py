"""Rules the portal writes once: today in Norway, the site's public address, the languages, the
survey slugs and orders, county history, and a county, office or the nation as routes and keys.
The text checks fail when a second copy appears where it can be found by its wording; the
others check that the one home answers for everyone who used to answer for themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from dispatch.audience import Sender
from portal.accounts.access import Scope
from portal.lib.client import language_codes, site_url
from portal.models import County, Role, TrainingOffice
from reporting.scopes import ResultScope
from surveys.models import SurveyKind
from surveys.selectors import KIND_SLUGS, kind_from_slug, kind_order, kind_slug, sending_order

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "registry_import", "surveys", "dispatch", "reporting", "demo", "bench", "tests")
THIS = Path(__file__).resolve()


def _sources(*, tests: bool) -> list[tuple[str, str]]:
    found = []
    for app in APPS if tests else APPS[:-1]:
        for path in sorted((ROOT / app).rglob("*.py")):
            if path.resolve() == THIS or "migrations" in path.parts:
                continue
            found.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    return found


def _copies(pattern: str, *, home: set[str], tests: bool = False) -> list[str]:
    """Where the pattern is written outside its home; tests count only when asked, since they
    write out the values they expect."""
    wording = re.compile(pattern)
    return [
        f"{name}:{text.count(chr(10), 0, match.start()) + 1}"
        for name, text in _sources(tests=tests)
        if name not in home
        for match in wording.finditer(text)
    ]


def test_today_and_now_in_norway_are_asked_only_in_portal_oslo():
    assert _copies(r"\blocal(time|date)\(", home={"portal/lib/oslo.py"}, tests=True) == []


def test_the_public_address_is_read_only_by_site_url():
    # Tests may set it; only reading it counts.
    reading = r"settings\.SITE_URL\b(?!\s*=[^=])"
    assert _copies(reading, home={"portal/lib/client.py"}) == []


def test_the_languages_are_listed_only_in_settings():
    pattern = r"\(\s*\"nb\"\s*,\s*\"(nn|Norsk bokmål)\"|\"nb\"\s*:\s*\"|\bLANGUAGES\s*="
    assert _copies(pattern, home={"portal/settings.py"}) == []


def test_survey_slugs_and_orders_are_written_only_in_surveys_selectors():
    slug_or_order = (
        r"SurveyKind\.(LU|LBU|AR)\s*:\s*(\d|\"(lu|lbu|ar)\")|\"(lu|lbu|ar)\"\s*:\s*Survey"
    )
    enumerated = r"enumerate\(SurveyKind\)"
    assert _copies(f"{slug_or_order}|{enumerated}", home={"surveys/selectors.py"}) == []


def test_county_office_or_national_is_branched_only_in_portal_access():
    keys = r"f\"(fylke|kontor)-\{"
    chosen_route = r"\"county_\w+\"\s+if\b|\bif\b[^\n]*\belse\s+reverse\(\s*\"office_"
    assert _copies(f"{keys}|{chosen_route}", home={"portal/accounts/access.py"}) == []


def test_survey_slugs_and_orders_come_from_one_place():
    assert {kind_slug(kind): kind for kind in SurveyKind} == KIND_SLUGS
    assert all(kind_from_slug(kind_slug(kind)) == kind for kind in SurveyKind)
    listed = sorted(SurveyKind, key=kind_order)
    sent = sorted(SurveyKind, key=sending_order)
    assert listed == [SurveyKind.LU, SurveyKind.LBU, SurveyKind.AR]
    assert sent == [SurveyKind.LU, SurveyKind.AR, SurveyKind.LBU]
    # Rows carry the kind as a plain string; the orders take it as it comes.
    assert kind_order("AR") == kind_order(SurveyKind.AR)


def test_the_languages_are_the_settings(settings):
    assert language_codes() == ("nb", "nn", "en")
    settings.LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
    assert language_codes() == ("nb", "en")


def test_links_sent_outside_a_request_follow_site_url(settings):
    settings.SITE_URL = "https://undersokelse.example.no"
    assert site_url("/svar/") == "https://undersokelse.example.no/svar/"
    assert site_url() == "https://undersokelse.example.no"


@pytest.mark.django_db
def test_a_county_is_the_same_organisation_to_every_app():
    county = County.objects.get(code="46")
    scope = Scope(role=Role.COUNTY, county=county)
    results = ResultScope.of_county(county)
    sender = Sender(county=county)
    assert scope.key == results.key == sender.key == "fylke-46"
    assert scope.url == sender.route("dashboard") == reverse("county_dashboard", args=["46"])
    assert sender.route("dispatches_latest") == reverse("county_dispatches_latest", args=["46"])
    results_page = reverse("county_results", args=["46"])
    assert results.url("results") == scope.route("results") == results_page
    assert results.label == sender.org_name == "Vestland"


def test_an_office_and_the_nation_are_the_same_organisation_to_every_app():
    office = TrainingOffice(orgnr="974760673", name="Opplæringskontoret i Bergen")
    scope = Scope(role=Role.OFFICE, office=office)
    sender = Sender(office=office)
    assert scope.key == ResultScope.of_office(office).key == sender.key == "kontor-974760673"
    assert sender.route("dispatches_latest") == reverse(
        "office_dispatches_latest", args=["974760673"]
    )
    assert scope.route("users") == reverse("office_users", args=["974760673"])
    nation = Scope(role=Role.NATIONAL)
    assert nation.key == ResultScope.national().key == "nasjonalt"
    assert nation.url == reverse("national_dashboard")
    assert nation.route("audit") == ResultScope.national().route("audit")
    assert ResultScope.national().level == nation.level == "national"


@pytest.mark.django_db
def test_county_history_is_read_from_the_history_not_walked_in_the_database(
    django_assert_num_queries,
):
    østfold = County.objects.get(code="01")
    # Østfold became Viken (2020), and Viken became Østfold, Akershus and Buskerud (2024).
    with django_assert_num_queries(1):
        became = [county.code for county in østfold.in_year(2024)]
    assert became == ["31", "32", "33"]
