"""Small builders of questionnaires, rounds and respondents for the answering tests, made
directly with the ORM so the tests do not depend on the questionnaire files."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from portal.models import County
from surveys.models import (
    Question,
    Questionnaire,
    Respondent,
    RespondentRole,
    Round,
    Section,
    SurveyKind,
)


def texts(nb: str, en: str | None = None) -> dict[str, str]:
    return {"nb": nb, "nn": nb + " (nn)", "en": en or nb + " (en)"}


def q(code: str, type_: str = "scale", **fields: Any) -> dict[str, Any]:
    """A question spec: code, type and any Question field."""
    return {"code": code, "type": type_, **fields}


def questionnaire_make(
    kind: str,
    sections: list[tuple[str, str, list[dict[str, Any]]]],
    *,
    version: int = 2020,
    letter: str | None = "",
) -> Questionnaire:
    """sections: [(code, part, [question spec, ...]), ...]."""
    questionnaire = Questionnaire.objects.create(
        kind=kind,
        version=version,
        title=texts(f"Undersøkelse {kind}", f"Survey {kind}"),
        information_letter=texts(letter) if letter else {},
        source_file=f"{kind.lower()}-{version}.toml",
        source_sha256=uuid.uuid4().hex * 2,  # a file of its own: never a cached one
    )
    for position, (code, part, questions) in enumerate(sections, start=1):
        section = Section.objects.create(
            questionnaire=questionnaire,
            position=position,
            code=code,
            title=texts(f"Del {code}", f"Part {code}"),
            part=part,
        )
        for q_position, spec in enumerate(questions, start=1):
            spec = dict(spec)
            Question.objects.create(
                questionnaire=questionnaire,
                section=section,
                position=q_position,
                code=spec.pop("code"),
                type=spec.pop("type"),
                text=spec.pop("text", None) or texts(f"Spørsmål {code}.{q_position}"),
                **spec,
            )
    return questionnaire


def choices(*codes: str) -> list[dict[str, Any]]:
    return [{"code": c, "text": texts(f"Valg {c}", f"Choice {c}")} for c in codes]


def lu_questionnaire(version: int = 2020) -> Questionnaire:
    """Three parts: two scale questions, a yes/no and single choice, then the rest."""
    return questionnaire_make(
        SurveyKind.LU,
        [
            ("laering", "", [q("lu_a", allow_dont_know=True), q("lu_b")]),
            (
                "miljo",
                "",
                [q("lu_c", "yes_no"), q("lu_d", "single", choices=choices("x", "y"))],
            ),
            (
                "om_deg",
                "",
                [
                    q("lu_e", "multiple", choices=choices("m1", "m2", "m3")),
                    q("lu_f", "number", min_value=0, max_value=100),
                    q("lu_g", "text"),
                ],
            ),
        ],
        version=version,
        letter="Lærlingundersøkelsen er frivillig. Svarene er anonyme.",
    )


def lbu_questionnaire(version: int = 2020) -> Questionnaire:
    return questionnaire_make(
        SurveyKind.LBU,
        [("bedrift", "", [q("lbu_a"), q("lbu_b")]), ("laerling", "", [q("lbu_c", "yes_no")])],
        version=version,
        letter="Lærebedriftsundersøkelsen bygger på samtykke.",
    )


def ar_questionnaire(version: int = 2020) -> Questionnaire:
    """Documentation questions for member companies, reporting questions (summarising them)
    for independent companies and training offices."""
    return questionnaire_make(
        SurveyKind.AR,
        [
            (
                "dokumentasjon",
                "documentation",
                [q("dok_plan", "yes_no"), q("dok_antall", "number", min_value=0)],
            ),
            (
                "rapportering",
                "reporting",
                [
                    q("rap_plan", "yes_no", summarises=["dok_plan"]),
                    q("rap_antall", "number", min_value=0, summarises=["dok_antall"]),
                ],
            ),
        ],
        version=version,
        letter=None,
    )


def round_make(
    questionnaire: Questionnaire, *, year: int | None = None, state: str = "open"
) -> Round:
    """A round that is "open", "not_open" (opens in five days) or "closed" (yesterday)."""
    now = timezone.now()
    opens_at = now - timedelta(days=10)
    closes_at = now + timedelta(days=30)
    if state == "not_open":
        opens_at = now + timedelta(days=5)
    elif state == "closed":
        closes_at = now - timedelta(days=1)
    year = year or now.year
    return Round.objects.create(
        year=year,
        kind=questionnaire.kind,
        questionnaire=questionnaire,
        qa_starts_on=date(year, 9, 1),
        correction_deadline=now - timedelta(days=40),
        reference_date=date(year, 10, 1),
        opens_at=opens_at,
        closes_at=closes_at,
    )


def respondent_make(round_: Round, county: County, **fields: Any) -> Respondent:
    fields.setdefault("role", RespondentRole.APPRENTICE)
    fields.setdefault("name", "Kari Nordmann")
    fields.setdefault("email", "kari@example.test")
    fields.setdefault("email_valid", True)
    fields.setdefault("mobile", "+4791234567")
    fields.setdefault("mobile_valid", True)
    return Respondent.objects.create(round=round_, county=county, **fields)


# --- A respondent's browser -------------------------------------------------------------------


def open_link(client: Any, token: str) -> str:
    """Opens the personal link as a phone does and returns where it leads: the link goes into
    the session and the browser on to /s/, which sends it to the page to answer (or shows the
    survey's state there, when the address stays /s/)."""
    from django.urls import reverse

    from surveys.services.links import link_path

    response = client.get(link_path(token))
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("respond_entry")
    entry = client.get(response["Location"])
    return entry["Location"] if entry.status_code == 302 else reverse("respond_entry")


def section_url(number: int) -> str:
    from django.urls import reverse

    return reverse("respond_section", args=[number])


def form_key(token: str) -> str:
    """What the pages of the survey a token leads to now carry in their forms."""
    from surveys.services.answering import respondent_current
    from surveys.services.links import link_find, respondent_form_key

    link = link_find(token)
    assert link is not None
    respondent = respondent_current(link.respondent)
    if link.gathering:
        return respondent_form_key(f"{respondent.pk}.code.{link.pk}")
    return respondent_form_key(respondent.pk)


def post_page(
    client: Any,
    token: str,
    number: int,
    answers: dict[str, Any],
    action: str = "next",
    key: str | None = None,
) -> Any:
    """Posts one page of the survey the token leads to, as its form does."""
    from django.urls import reverse

    from surveys.services.links import link_path

    client.get(link_path(token))
    data = {"respondent": key or form_key(token), "action": action}
    data.update({f"q-{code}": value for code, value in answers.items()})
    return client.post(reverse("respond_section", args=[number]), data)


def post_send(client: Any, token: str, key: str | None = None) -> Any:
    from django.urls import reverse

    from surveys.services.links import link_path

    client.get(link_path(token))
    return client.post(reverse("respond_send"), {"respondent": key or form_key(token)})


def post_start(client: Any, token: str, data: dict[str, str]) -> Any:
    from django.urls import reverse

    from surveys.services.links import link_path

    client.get(link_path(token))
    return client.post(reverse("respond_start"), {"respondent": form_key(token), **data})
