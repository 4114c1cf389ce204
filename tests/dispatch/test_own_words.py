"""A sender's own words in its messages: placeholders checked, the words in every message
template (e-mail text and HTML, SMS) in their places, the usual text when empty, the preview and
the SMS length with them, the copy each dispatch keeps, the messages sent with them, and the
settings page."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from dispatch.audience import Sender
from dispatch.forms import OwnWordsForm
from dispatch.models import OwnWords, Purpose, RecordedMessage
from dispatch.own_words import OwnText, own_words_snapshot, placeholder_errors
from dispatch.rendering import Variant, texts
from dispatch.services.order_rules import Variants
from dispatch.sms_segments import sms_length
from tests.dispatch.helpers import plan_of, send

pytestmark = pytest.mark.django_db

INTRO = "Vi i {sender} trenger svaret ditt, {first_name}."
CONTACT = "Spørsmål? Ring 55 00 00 00."
SIGNATURE = "Med vennlig hilsen\nKari Rådgiver"


def _words(sender: Sender, kind: str = "LU", language: str = "nb", **parts) -> OwnWords:
    parts = parts or {"introduction": INTRO, "contact": CONTACT, "signature": SIGNATURE}
    return OwnWords.objects.create(kind=kind, language=language, **sender.filter, **parts)


# --- Placeholders -------------------------------------------------------------------------


def test_known_placeholders_pass_and_an_unknown_one_is_named():
    assert placeholder_errors("Hei {first_name} i {unit}, frist {last_day}: {link} {sender}") == []
    errors = placeholder_errors("Hei {fornavn}!")
    assert len(errors) == 1
    assert "{fornavn}" in errors[0] and "{first_name}" in errors[0]
    assert placeholder_errors("Hei {first_name") and placeholder_errors("Hei first_name}")


def test_the_form_names_the_unknown_placeholder_in_its_field():
    form = OwnWordsForm({"introduction": "Hei {navn}", "contact": "", "signature": "{avsender}"})
    assert not form.is_valid()
    assert "{navn}" in form.errors["introduction"][0]
    assert "{avsender}" in form.errors["signature"][0]
    assert "contact" not in form.errors


# --- Rendering ----------------------------------------------------------------------------


def _variant(year, survey: str, purpose: str, language: str, own: OwnText | None) -> Variant:
    round_ = {"lu": year.lu, "lbu": year.lbu, "ar": year.ar}[survey]
    return Variant(
        survey=survey,
        purpose=purpose,
        language=language,
        sender="Vestland fylkeskommune",
        last_day=round_.last_answer_day,
        own=own,
    )


SURVEY_PURPOSES = [
    ("lu", "invitation"),
    ("lu", "reminder"),
    ("lu", "gathering"),
    ("lbu", "invitation"),
    ("lbu", "reminder"),
    ("ar", "invitation"),
    ("ar", "reminder"),
]


@pytest.mark.parametrize(
    ("survey", "purpose", "language"),
    [(s, p, lang) for (s, p), lang in itertools.product(SURVEY_PURPOSES, ("nb", "nn", "en"))],
)
def test_every_template_takes_the_words_in_their_places(year, survey, purpose, language):
    own = OwnText(INTRO, SIGNATURE, CONTACT)
    values = {"first_name": "Ola", "link": "https://undersokelse.test/s/abc/", "unit": "Rør AS"}
    plain = texts(_variant(year, survey, purpose, language, None), **values)
    written = texts(_variant(year, survey, purpose, language, own), **values)
    intro = "Vi i Vestland fylkeskommune trenger svaret ditt, Ola."
    # E-mail text: the introduction after the greeting, the contact line and the signature in
    # place of the usual sign-off at the end.
    paragraphs = written.text.split("\n\n")
    assert paragraphs[0] == plain.text.split("\n\n")[0]
    assert paragraphs[1] == intro
    assert paragraphs[-2:] == [CONTACT, SIGNATURE]
    assert plain.text.split("\n\n")[-1] not in written.text
    assert values["link"] in written.text and written.subject == plain.subject
    # HTML: the same, escaped, the signature's line break kept.
    assert f"<p>{intro}</p>" in written.html
    assert "<p>Med vennlig hilsen<br>Kari Rådgiver</p>" in written.html
    assert written.html.index(intro) < written.html.index(values["link"])
    assert written.html.rstrip().endswith("</html>")
    # SMS: one line, the introduction after the greeting, the link kept, the contact line and
    # the signature before how to stop SMS.
    assert "\n" not in written.sms
    head = plain.sms.split("! ", 1)[0]
    assert written.sms.startswith(f"{head}! {intro} ")
    assert f"{values['link']} {CONTACT} Med vennlig hilsen Kari Rådgiver. " in written.sms
    assert written.sms.rsplit(". ", 1)[1] == plain.sms.rsplit(". ", 1)[1]


def test_empty_words_leave_the_usual_text(year):
    values = {"first_name": "Ola", "link": "https://undersokelse.test/s/abc/", "unit": ""}
    plain = texts(_variant(year, "lu", "reminder", "nb", None), **values)
    assert texts(_variant(year, "lu", "reminder", "nb", OwnText()), **values) == plain
    only_contact = texts(_variant(year, "lu", "reminder", "nb", OwnText(contact=CONTACT)), **values)
    assert only_contact.text.endswith(f"{CONTACT}\n\nHilsen Vestland fylkeskommune")
    assert "Hilsen Vestland fylkeskommune." in only_contact.sms


def test_html_words_are_escaped(year):
    own = OwnText(introduction="<script>x</script> & {first_name}")
    values = {"first_name": "<b>Ola</b>", "link": "https://undersokelse.test/s/abc/", "unit": ""}
    html = texts(_variant(year, "lu", "reminder", "nb", own), **values).html
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;Ola" in html


# --- The snapshot, the preview and what is sent ----------------------------------------------


def test_only_the_senders_own_words_in_force_are_kept(year, county_a, office_a):
    county, office = Sender(county=county_a), Sender(office=office_a)
    _words(county)
    _words(county, language="en", introduction="", contact="", signature="")
    _words(office, introduction="Kontorets ord")
    assert own_words_snapshot(county, "LU") == {
        "nb": {"introduction": INTRO, "contact": CONTACT, "signature": SIGNATURE}
    }
    assert own_words_snapshot(office, "LU") == {"nb": {"introduction": "Kontorets ord"}}
    assert own_words_snapshot(county, "AR") == {}


def test_the_preview_shows_the_words_and_counts_the_longer_sms(year, county_a):
    sender = Sender(county=county_a)
    before = plan_of(year.lu, sender, Purpose.REMINDER, sms=True)
    _words(sender, introduction="Dette er en lang innledning. " * 6)
    plan = plan_of(year.lu, sender, Purpose.REMINDER, sms=True)
    sample = plan.samples[0]
    assert "Dette er en lang innledning." in sample.texts.text
    assert "Dette er en lang innledning." in sample.texts.sms
    assert plan.sms.segments_max > before.sms.segments_max
    assert plan.own_words["nb"]["introduction"].startswith("Dette er en lang innledning.")
    # A character outside the GSM alphabet in the words: the preview says it is in the text.
    OwnWords.objects.filter(kind="LU").update(introduction="Svar i dag 🙂")
    plan = plan_of(year.lu, sender, Purpose.REMINDER, sms=True)
    assert plan.sms.ucs2_character == "🙂" and plan.sms.ucs2_in_template


def test_the_dispatch_keeps_its_words_and_sends_with_them(
    year, county_a, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    words = _words(sender)
    dispatch = send(django_capture_on_commit_callbacks, year.lu, sender, Purpose.REMINDER, sms=True)
    assert dispatch.own_words == {
        "nb": {"introduction": INTRO, "contact": CONTACT, "signature": SIGNATURE}
    }
    recorded = list(RecordedMessage.objects.filter(round=year.lu))
    assert recorded
    for message in recorded:
        assert "trenger svaret ditt" in message.text
        assert "Kari Rådgiver" in message.text
        assert CONTACT in message.text
        if message.channel == "sms":
            assert message.segments == sms_length(message.text).segments
        else:
            assert "Kari Rådgiver</p>" in message.html
    # Words changed later change neither the dispatch's copy nor its history.
    words.introduction = "Nye ord"
    words.save()
    dispatch.refresh_from_db()
    assert dispatch.own_words["nb"]["introduction"] == INTRO


def test_a_dispatch_sends_its_own_copy_not_the_words_of_today(year, county_a):
    """The outbox writes with the dispatch's copy: the same words in every chunk, however
    the settings change while it is sent."""
    sender = Sender(county=county_a)
    variants = Variants(year.lu, sender, Purpose.REMINDER, {"nb": {"contact": CONTACT}})
    variant = variants("nb", name="Ola", continues=False)
    _words(sender, contact="Noe annet")
    text = texts(variant, first_name="Ola", link="https://undersokelse.test/s/abc/").text
    assert CONTACT in text and "Noe annet" not in text


# --- The settings page --------------------------------------------------------------------


def _url(sender_args, kind: str = "lu") -> str:
    name, arg = sender_args
    return reverse(name, args=[arg, kind])


def test_the_page_saves_previews_and_checks_the_words(client, year, county_a, county_a_admin):
    client.force_login(county_a_admin)
    url = _url(("county_own_words", county_a.code))
    page = client.get(url)
    assert page.status_code == 200
    assert "Egne ord i meldingene" in page.content.decode()
    # Preview only: nothing saved, the words shown in place.
    data = {"language": "nb", "introduction": INTRO, "contact": CONTACT, "signature": SIGNATURE}
    preview = client.post(url, data | {"preview": "1"})
    assert preview.status_code == 200 and not OwnWords.objects.exists()
    assert "trenger svaret ditt, (fornavn)" in preview.content.decode()
    # An unknown placeholder: a clear error naming it, nothing saved.
    wrong = client.post(url, data | {"introduction": "Hei {navn}", "save": "1"})
    assert wrong.status_code == 200 and not OwnWords.objects.exists()
    assert "Ukjent plassholder {navn}" in wrong.content.decode()
    saved = client.post(url, data | {"save": "1"})
    assert saved.status_code == 302 and saved["Location"].endswith("?sprak=nb")
    words = OwnWords.objects.get()
    assert (words.county, words.training_office, words.kind, words.language) == (
        county_a,
        None,
        "LU",
        "nb",
    )
    assert words.updated_by == county_a_admin
    # Shown again, in another language empty.
    assert INTRO in client.get(url).content.decode()
    assert INTRO not in client.get(url + "?sprak=nn").content.decode()


def test_the_page_warns_of_a_longer_sms_and_of_ucs2(client, year, office_a, office_a_admin):
    client.force_login(office_a_admin)
    url = _url(("office_own_words", office_a.orgnr), "ar")
    long_words = {"language": "nb", "introduction": "Husk fristen. " * 8, "preview": "1"}
    page = client.post(url, long_words).content.decode()
    assert "Ordene deres gjør den lengre enn de vanlige" in page
    page = client.post(url, {"language": "nb", "contact": "Ring oss 🙂", "preview": "1"})
    assert "gjør at SMS-en sendes som UCS-2" in page.content.decode()
    # Saved as the office's, not as any county's.
    client.post(url, {"language": "nb", "contact": "Ring oss", "save": "1"})
    words = OwnWords.objects.get()
    assert (words.training_office, words.county, words.kind) == (office_a, None, "AR")


def test_an_unknown_survey_or_language_is_404(client, year, county_a, county_a_admin):
    client.force_login(county_a_admin)
    assert client.get(_url(("county_own_words", county_a.code), "xx")).status_code == 404
    url = _url(("county_own_words", county_a.code)) + "?sprak=de"
    assert client.get(url).status_code == 404


def test_the_dispatch_page_shows_the_words_it_was_sent_with(
    client, year, county_a, county_a_admin, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    _words(sender)
    dispatch = send(django_capture_on_commit_callbacks, year.lu, sender, Purpose.REMINDER)
    OwnWords.objects.update(contact="Noe nytt")
    client.force_login(county_a_admin)
    page = client.get(reverse("county_dispatch", args=[county_a.code, dispatch.pk]))
    content = page.content.decode()
    assert CONTACT in content and "Noe nytt" not in content
    # The dispatch pages link to the settings page.
    year_page = client.get(reverse("county_dispatches", args=[county_a.code, year.lu.year]))
    assert _url(("county_own_words", county_a.code)) in year_page.content.decode()


def test_a_batch_merge_gets_the_providers_fields_in_the_words_too(year):
    """With an e-mail provider that merges per recipient, a placeholder in the words becomes
    the provider's merge field, as in the text around it."""
    from dispatch.rendering import FIELDS, template

    marks = {field: f"%recipient.{field}%" for field in FIELDS}
    own = OwnText(introduction="Hei igjen, {first_name}, fra {sender}.")
    variant = _variant(year, "lu", "reminder", "nb", own)
    text = template(variant, "text", marks)
    assert "Hei igjen, %recipient.first_name%, fra Vestland fylkeskommune." in text
    assert "%recipient.first_name%, fra" in template(variant, "html", marks)
