import hashlib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from surveys.models import RespondentLink
from surveys.services.links import (
    ALPHABET,
    MISS_LIMIT,
    TOKEN_LENGTH,
    code_display,
    code_normalise,
    link_find,
    link_issue,
    link_path,
    links_issue,
)
from tests.surveys.factories import (
    lu_questionnaire,
    open_link,
    respondent_make,
    round_make,
    section_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lu_round(counties):
    return round_make(lu_questionnaire())


@pytest.fixture
def apprentice(lu_round, county_a):
    return respondent_make(lu_round, county_a)


def test_a_token_is_26_characters_of_the_code_alphabet_with_at_least_128_bits(apprentice):
    token = link_issue(apprentice)
    assert len(token) == TOKEN_LENGTH == 26
    assert set(token) <= set(ALPHABET)
    assert len(ALPHABET) ** TOKEN_LENGTH >= 2**128
    assert len("https://undersokelse.example.no" + link_path(token)) < 70


def test_only_the_sha256_of_the_token_is_stored_and_it_expires_when_the_round_closes(apprentice):
    token = link_issue(apprentice)
    link = RespondentLink.objects.get(respondent=apprentice)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(v) for v in RespondentLink.objects.values_list().get()]
    assert not any(token in value for value in stored)
    assert link.expires_at == apprentice.round.closes_at


def test_every_message_gets_a_fresh_token_and_all_lead_to_the_same_respondent(apprentice):
    invitation, reminder = link_issue(apprentice), link_issue(apprentice)
    assert invitation != reminder
    assert link_find(invitation).respondent == link_find(reminder).respondent == apprentice


def test_links_for_many_respondents_are_issued_in_one_insert(lu_round, county_a):
    respondents = [respondent_make(lu_round, county_a) for _ in range(3)]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        tokens = links_issue(respondents)
    assert len(queries) == 1
    assert {link_find(t).respondent_id for t in tokens.values()} == {r.pk for r in respondents}


def test_the_link_works_without_logging_in_and_leads_to_the_information_letter(client, apprentice):
    token = link_issue(apprentice)
    response = client.get(link_path(token))
    assert response.status_code == 302
    assert response["Location"] == reverse("respond_entry") == "/s/"
    assert client.get("/s/")["Location"] == reverse("respond_start") == "/s/start/"
    page = client.get("/s/start/")
    assert page.status_code == 200
    assert "Lærlingundersøkelsen er frivillig" in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_an_older_token_still_works_after_a_reminder(client, apprentice):
    older = link_issue(apprentice)
    link_issue(apprentice)
    assert open_link(client, older) == reverse("respond_start")


def test_before_the_round_opens_the_link_says_when_it_opens(client, county_a):
    respondent = respondent_make(round_make(lu_questionnaire(), state="not_open"), county_a)
    response = client.get(link_path(link_issue(respondent)), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Undersøkelsen har ikke åpnet ennå" in body
    assert "Kom tilbake da, med den samme lenken." in body


def test_after_the_round_closes_the_link_says_so_and_whom_to_ask(client, county_a):
    respondent = respondent_make(round_make(lu_questionnaire(), state="closed"), county_a)
    open_link(client, link_issue(respondent))
    for path in [reverse("respond_entry"), section_url(1)]:
        body = client.get(path).content.decode()
        assert "Undersøkelsen er stengt" in body
        assert "fylkeskommunen" in body


def test_after_submitting_the_link_thanks_the_respondent(client, apprentice):
    apprentice.answered_at = timezone.now()
    apprentice.save()
    open_link(client, link_issue(apprentice))
    for path in [reverse("respond_entry"), reverse("respond_send")]:
        body = client.get(path).content.decode()
        assert "Takk for svarene dine" in body
        assert "uten navnet ditt" in body


def test_an_expired_token_of_a_round_that_is_still_open_points_to_the_newest_link(
    client, apprentice
):
    token = link_issue(apprentice)
    RespondentLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link_path(token), follow=True)
    assert response.status_code == 410
    assert "Denne lenken gjelder ikke lenger" in response.content.decode()
    assert reverse("respond_code") in response.content.decode()


def test_an_unknown_link_is_a_plain_404(client, apprentice):
    link_issue(apprentice)
    assert client.get(link_path("a" * 26)).status_code == 404
    assert client.get("/s/kort/").status_code == 404
    assert client.get("/s/" + "a" * 26 + "/del/1/").status_code == 404


def test_more_than_20_wrong_links_in_ten_minutes_are_refused_with_429_and_retry_after(
    client, apprentice
):
    token = link_issue(apprentice)
    for i in range(MISS_LIMIT):
        assert client.get(link_path(f"{i:026d}")).status_code == 404
    refused = client.get(link_path("z" * 26))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 600
    assert "For mange forsøk" in refused.content.decode()
    # Only misses are limited: a valid link is never refused, whoever shares the address.
    assert client.get(link_path(token)).status_code == 302
    assert client.get(reverse("respond_start")).status_code == 200
    # The code from the letter too.
    typed = client.post(reverse("respond_code"), {"code": code_display(token)})
    assert typed.status_code == 302
    # Another client is not affected by the misses.
    assert client.get(link_path("z" * 26), REMOTE_ADDR="10.0.0.9").status_code == 404


def test_the_code_page_is_public_and_accepts_spaces_hyphens_case_and_look_alikes(
    client, apprentice
):
    token = link_issue(apprentice)
    page = client.get(reverse("respond_code"))
    assert page.status_code == 200
    assert "Personlig kode" in page.content.decode()
    typed = code_display(token).upper().replace("0", "O").replace("1", "I").replace("8", "B")
    typed = typed.replace(" ", " - ", 2)
    response = client.post(reverse("respond_code"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("respond_entry")
    assert token not in response["Location"]
    assert client.get(response["Location"])["Location"] == reverse("respond_start")


def test_code_normalisation_reads_look_alikes_as_the_digits_they_resemble():
    assert code_normalise(" AbOo-1Il iL\t8b ") == "a8001111188"
    assert code_normalise("x7 z9") == "x7z9"


def test_wrong_codes_show_an_error_and_count_towards_the_same_limit(client, apprentice):
    link_issue(apprentice)
    wrong = client.post(reverse("respond_code"), {"code": "abcd efgh"})
    body = wrong.content.decode()
    assert wrong.status_code == 200
    assert "Vi fant ingen undersøkelse med den koden" in body
    assert 'aria-invalid="true"' in body
    assert 'href="#id_code"' in body
    for _ in range(MISS_LIMIT - 1):
        client.get(link_path("y" * 26))
    refused = client.post(reverse("respond_code"), {"code": "whatever"})
    assert refused.status_code == 429
    assert "Retry-After" in refused


def test_links_keep_working_when_the_cache_is_down(client, apprentice, monkeypatch):
    from surveys.services import links

    def broken(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    monkeypatch.setattr(links.cache, "get", broken)
    monkeypatch.setattr(links.cache, "add", broken)
    token = link_issue(apprentice)
    assert client.get(link_path(token)).status_code == 302
    assert client.get(link_path("q" * 26)).status_code == 404


@override_settings(BEHIND_PROXY=2, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_behind_two_proxies_misses_count_per_client_whatever_it_forges(client, apprentice):
    def meta(address: str, forged: str) -> dict[str, str]:
        # The outer proxy appends the client, the inner one appends the outer proxy.
        return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{forged}, {address}, 10.0.0.1"}

    for i in range(MISS_LIMIT):
        missed = client.get(link_path(f"{i:026d}"), **meta("203.0.113.66", f"1.2.3.{i}"))
        assert missed.status_code == 404
    assert client.get(link_path("z" * 26), **meta("203.0.113.66", "9.9.9.9")).status_code == 429
    assert client.get(link_path("z" * 26), **meta("198.51.100.7", "")).status_code == 404
