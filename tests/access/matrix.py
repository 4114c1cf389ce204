"""Who may reach every organisation-scoped or object route, GET and POST: the one table.

Each named route of the portal is either a row of MATRIX or listed in PUBLIC with the reason it
needs none; tests/access/test_permission_matrix.py reads the routes from the URL resolver and
fails for a route that is in neither, so no page is added without deciding who may see it.

A row names the route's arguments (objects of county A and its office A, made by the test),
the personas allowed, and the exact statuses they get for GET and POST. Every other persona
that is logged in gets 404 (an organisation outside one's own is not even said to exist), and
an anonymous visitor is sent to the login (302), unless `others` says otherwise.

The personas named after an organisation alone (county_a, office_a, ...) are its administrators.
The sender and the reader of county A and of office A are members of the same organisation with
a lesser role: where their organisation's administrator is allowed, they get the same statuses
if their role gives what the row `needs`, and 403 otherwise (ROLE_MAY is the table of what each
role gives, written here on its own so that a change of the portal's table shows as a failure).
A row that says nothing needs "administrator": only administrators."""

from __future__ import annotations

from dataclasses import dataclass, field

PERSONAS = (
    "national",
    "statsforvalter_a",
    "county_a",
    "county_a_sender",
    "county_a_reader",
    "county_b",
    "office_a",
    "office_a_sender",
    "office_a_reader",
    "office_b",
    "outsider",
    "anonymous",
)

# The members with a lesser role: (the persona of their organisation's administrator, role).
MEMBERS: dict[str, tuple[str, str]] = {
    "county_a_sender": ("county_a", "sender"),
    "county_a_reader": ("county_a", "reader"),
    "office_a_sender": ("office_a", "sender"),
    "office_a_reader": ("office_a", "reader"),
}

MEMBER = "member"
RESULTS = "results"
SEND = "send"
PERSONAL_DATA = "personal data"
USERS = "users"
AR_ANSWERS = "ÅR answers"
ADMINISTRATOR = "administrator"

ROLE_MAY: dict[str, frozenset[str]] = {
    "sender": frozenset({MEMBER, RESULTS, SEND}),
    "reader": frozenset({MEMBER, RESULTS}),
}


@dataclass(frozen=True)
class Row:
    args: tuple[str, ...]  # names of objects of the test's world: county_a, office_a, year, ...
    allowed: frozenset[str]
    get: int = 200
    post: int = 200
    # Exact statuses for personas not allowed, when they differ from 404 / 302 (anonymous).
    others: dict[str, tuple[int, int]] = field(default_factory=dict)
    query: str = ""
    needs: str = ADMINISTRATOR


def row(*args: str, allowed: str | tuple[str, ...], get: int = 200, post: int = 200, **kw) -> Row:
    names = (allowed,) if isinstance(allowed, str) else allowed
    return Row(args=args, allowed=frozenset(names), get=get, post=post, **kw)


MATRIX: dict[str, Row] = {
    # portal
    "national_dashboard": row(allowed="national"),
    "county_dashboard": row("county_a", allowed="county_a", needs=MEMBER),
    "office_dashboard": row("office_a", allowed="office_a", needs=MEMBER),
    # Switching to an organisation: 302 to it for one who holds it, 404 for anyone else; the
    # switcher is a GET form, so POST is 405 before anything else.
    "switch_organisation": row(
        allowed="county_a",
        query="?til=fylke-46",
        get=302,
        post=405,
        needs=MEMBER,
        others={
            p: (404, 405)
            for p in PERSONAS
            if p not in ("county_a", "county_a_sender", "county_a_reader", "anonymous")
        }
        | {"anonymous": (302, 405)},
    ),
    # registry_import
    "import_list": row(allowed="national"),
    "import_run": row("run", allowed="national", post=405),
    "import_run_issues_csv": row("run", allowed="national", post=405),
    "county_quality": row("county_a", allowed="county_a", post=405, needs=PERSONAL_DATA),
    "county_quality_xlsx": row("county_a", allowed="county_a", post=405, needs=PERSONAL_DATA),
    "county_quality_csv": row(
        "county_a", "category", allowed="county_a", post=405, needs=PERSONAL_DATA
    ),
    # surveys
    "national_rounds": row(allowed="national"),
    "national_round_edit": row("year", "kind", allowed="national"),
    "county_lbu_choice": row("county_a", "year", allowed="county_a"),
    "county_samples_latest": row(
        "county_a", allowed="county_a", get=302, post=302, needs=PERSONAL_DATA
    ),
    "county_samples": row("county_a", "year", allowed="county_a", needs=PERSONAL_DATA),
    "county_exclusions": row("county_a", "year", "kind", allowed="county_a", needs=PERSONAL_DATA),
    # The list check: a round's whole list with contact data, the county's and the office's own.
    "county_list_check": row(
        "county_a", "year", "kind", allowed="county_a", post=405, needs=PERSONAL_DATA
    ),
    "county_list_check_download": row(
        "county_a", "year", "kind", "fmt", allowed="county_a", post=405, needs=PERSONAL_DATA
    ),
    "office_list_check_latest": row(
        "office_a", allowed="office_a", get=302, post=405, needs=PERSONAL_DATA
    ),
    "office_list_check": row(
        "office_a", "year", "kind", allowed="office_a", post=405, needs=PERSONAL_DATA
    ),
    "office_list_check_download": row(
        "office_a", "year", "kind", "fmt", allowed="office_a", post=405, needs=PERSONAL_DATA
    ),
    "office_annual_report": row("office_a", allowed="office_a"),
    # The county's board of its training offices (ÅR status identified): administrators only.
    "county_office_board": row("county_a", allowed="county_a", post=405),
    "county_office_board_download": row("county_a", "fmt", allowed="county_a", post=405),
    # Response rates (R-D5): the county's and the office's own, read-only.
    "county_response_rates": row("county_a", allowed="county_a", post=405, needs=SEND),
    "county_response_rates_download": row(
        "county_a", "fmt", allowed="county_a", post=405, needs=SEND
    ),
    "office_response_rates": row("office_a", allowed="office_a", post=405, needs=SEND),
    "office_response_rates_download": row(
        "office_a", "fmt", allowed="office_a", post=405, needs=SEND
    ),
    # ÅR answers (R-L3, R-L6): the county and the office concerned, never the national level.
    "county_ar_answers": row("county_a", allowed="county_a", post=405, needs=AR_ANSWERS),
    "county_ar_sheet": row("county_a", "ar_unit", allowed="county_a", post=405, needs=AR_ANSWERS),
    "county_ar_pdf": row("county_a", "ar_unit", allowed="county_a", post=405, needs=AR_ANSWERS),
    "county_ar_download": row("county_a", "fmt", allowed="county_a", post=405, needs=AR_ANSWERS),
    "office_ar_answers": row("office_a", allowed="office_a", post=405, needs=AR_ANSWERS),
    "office_ar_sheet": row("office_a", "ar_unit", allowed="office_a", post=405, needs=AR_ANSWERS),
    "office_ar_pdf": row("office_a", "ar_unit", allowed="office_a", post=405, needs=AR_ANSWERS),
    "office_ar_download": row("office_a", "fmt", allowed="office_a", post=405, needs=AR_ANSWERS),
    # Letters and handouts for the respondents (R-L9): the county's and the office's own.
    "county_materials": row("county_a", allowed="county_a", post=405, needs=SEND),
    "county_materials_letter": row(
        "county_a", "year", "kind", allowed="county_a", post=405, needs=SEND
    ),
    "county_materials_letter_file": row(
        "county_a", "year", "kind", "pdf", allowed="county_a", post=405, needs=SEND
    ),
    "county_materials_handout": row(
        "county_a", "year", "kind", allowed="county_a", post=405, needs=SEND
    ),
    "county_materials_handout_file": row(
        "county_a", "year", "kind", "pdf", allowed="county_a", post=405, needs=SEND
    ),
    "office_materials": row("office_a", allowed="office_a", post=405, needs=SEND),
    "office_materials_letter": row(
        "office_a", "year", "kind", allowed="office_a", post=405, needs=SEND
    ),
    "office_materials_letter_file": row(
        "office_a", "year", "kind", "pdf", allowed="office_a", post=405, needs=SEND
    ),
    "office_materials_handout": row(
        "office_a", "year", "kind", allowed="office_a", post=405, needs=SEND
    ),
    "office_materials_handout_file": row(
        "office_a", "year", "kind", "pdf", allowed="office_a", post=405, needs=SEND
    ),
    "county_ar_overview": row("county_a", allowed="county_a", post=405, needs=AR_ANSWERS),
    "county_ar_overview_download": row(
        "county_a", "fmt", allowed="county_a", post=405, needs=AR_ANSWERS
    ),
    "office_ar_overview": row("office_a", allowed="office_a", post=405, needs=AR_ANSWERS),
    "office_ar_overview_download": row(
        "office_a", "fmt", allowed="office_a", post=405, needs=AR_ANSWERS
    ),
    # Reopening for correction is the county's alone, by POST with a reason; the world's unit
    # has not answered, so the county's POST is refused with the reason why (400).
    "county_ar_reopen": row(
        "county_a", "ar_unit", allowed="county_a", get=405, post=400, needs=AR_ANSWERS
    ),
    # The office's receipt of its own submitted ÅR: the world's office has none to give.
    "office_annual_report_receipt": row("office_a", allowed="office_a", get=404, post=405),
    # User administration (portal/accounts/user_admin.py): each level manages the one below it.
    "national_users": row(allowed="national", needs=USERS),
    "national_user": row("county_admin_user", allowed="national", post=302, needs=USERS),
    "county_users": row("county_a", allowed="county_a", needs=USERS),
    "county_user": row("county_a", "office_user", allowed="county_a", post=302, needs=USERS),
    "office_users": row("office_a", allowed="office_a", needs=USERS),
    "office_user": row("office_a", "office_user", allowed="office_a", post=302, needs=USERS),
    "county_contact": row("county_a", allowed="county_a", post=302),
    # A statsforvalter's administrators manage the county administrators of its counties (R-A2);
    # the Directorate manages theirs (national_users) and can still step in for a county.
    "statsforvalter_users": row("statsforvalter_a", allowed="statsforvalter_a", needs=USERS),
    "statsforvalter_user": row(
        "statsforvalter_a", "county_admin_user", allowed="statsforvalter_a", post=302, needs=USERS
    ),
    # The audit log: an organisation's own entries; the national level reads all.
    "national_audit": row(allowed="national", post=405),
    "county_audit": row("county_a", allowed="county_a", post=405),
    "office_audit": row("office_a", allowed="office_a", post=405),
    # Dispatch: each sender its own dispatches (R-D1..R-D3); another's dispatch is 404.
    "county_dispatches_latest": row("county_a", allowed="county_a", get=302, post=405, needs=SEND),
    "county_dispatches": row("county_a", "year", allowed="county_a", post=405, needs=SEND),
    "county_dispatch_new": row("county_a", "year", "kind", allowed="county_a", needs=SEND),
    "county_dispatch": row("county_a", "county_dispatch", allowed="county_a", post=405, needs=SEND),
    "county_dispatch_cancel": row(
        "county_a", "county_dispatch", allowed="county_a", get=200, post=302, needs=SEND
    ),
    "county_dispatch_recorded": row("county_a", allowed="county_a", post=405, needs=SEND),
    # The sender's own words: GET shows them, a POST without "save" previews (200).
    "county_own_words": row("county_a", "kind", allowed="county_a", needs=SEND),
    "office_own_words": row("office_a", "kind", allowed="office_a", needs=SEND),
    # "Prøv igjen" on safe failures: one POST with the form's key; without it, back to the page.
    "county_dispatch_retry": row(
        "county_a", "county_dispatch", allowed="county_a", get=405, post=302, needs=SEND
    ),
    "office_dispatch_retry": row(
        "office_a", "office_dispatch", allowed="office_a", get=405, post=302, needs=SEND
    ),
    "county_support_lookup": row("county_a", allowed="county_a", post=405, needs=SEND),
    "county_support_person": row("county_a", "ar_unit", allowed="county_a", post=405, needs=SEND),
    "county_support_resend": row("county_a", "ar_unit", allowed="county_a", get=405, needs=SEND),
    "office_support_lookup": row("office_a", allowed="office_a", post=405, needs=SEND),
    "office_support_person": row("office_a", "ar_unit", allowed="office_a", post=405, needs=SEND),
    "office_support_resend": row("office_a", "ar_unit", allowed="office_a", get=405, needs=SEND),
    "office_dispatches_latest": row("office_a", allowed="office_a", get=302, post=405, needs=SEND),
    "office_dispatches": row("office_a", "year", allowed="office_a", post=405, needs=SEND),
    "office_dispatch_new": row("office_a", "year", "kind", allowed="office_a", needs=SEND),
    "office_dispatch": row("office_a", "office_dispatch", allowed="office_a", post=405, needs=SEND),
    "office_dispatch_cancel": row(
        "office_a", "office_dispatch", allowed="office_a", get=200, post=302, needs=SEND
    ),
    "office_dispatch_recorded": row("office_a", allowed="office_a", post=405, needs=SEND),
    "office_gathering": row("office_a", "year", allowed="office_a", needs=SEND),
    # Results (R-P1): each organisation its own, the national level the nation's; the JSON of
    # an organisation answers 404 to anyone else, signed in or not.
    "county_results": row("county_a", allowed="county_a", get=200, post=405, needs=RESULTS),
    "county_results_round": row(
        "county_a",
        "results_year",
        "results_kind",
        allowed="county_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "county_results_item": row(
        "county_a",
        "results_year",
        "results_kind",
        "item",
        allowed="county_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "county_results_distribution": row(
        "county_a",
        "results_year",
        "results_kind",
        "item",
        allowed="county_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "county_results_trends": row(
        "county_a", "results_kind", allowed="county_a", get=200, post=405, needs=RESULTS
    ),
    "county_results_table": row(
        "county_a",
        "results_year",
        "results_kind",
        "table",
        "results_fmt",
        allowed="county_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    # Where the county existed that year there is nothing to switch between: 404.
    "county_results_switch": row(
        "county_a",
        "results_year",
        "results_kind",
        allowed="county_a",
        get=404,
        post=405,
        needs=RESULTS,
    ),
    # The follow-up list takes decisions by POST; an empty one is refused with the reason (400).
    "county_results_followup": row(
        "county_a",
        "results_year",
        "results_kind",
        allowed="county_a",
        get=200,
        post=400,
        needs=RESULTS,
    ),
    "county_results_comparison": row(
        "county_a",
        "results_year",
        "results_kind",
        allowed="county_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "county_results_comparison_file": row(
        "county_a",
        "results_year",
        "results_kind",
        "fmt",
        allowed="county_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "county_results_pdf": row(
        "county_a",
        "results_year",
        "results_kind",
        allowed="county_a",
        get=200,
        post=302,
        needs=RESULTS,
    ),
    "county_results_pdf_status": row(
        "county_a",
        "results_year",
        "results_kind",
        "county_pdf",
        allowed="county_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "county_results_pdf_file": row(
        "county_a",
        "results_year",
        "results_kind",
        "county_pdf",
        allowed="county_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "county_targets": row(
        "county_a", "target_year", allowed="county_a", get=200, post=302, needs=RESULTS
    ),
    "office_results": row("office_a", allowed="office_a", get=200, post=405, needs=RESULTS),
    "office_results_round": row(
        "office_a",
        "results_year",
        "results_kind",
        allowed="office_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "office_results_item": row(
        "office_a",
        "results_year",
        "results_kind",
        "item",
        allowed="office_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "office_results_distribution": row(
        "office_a",
        "results_year",
        "results_kind",
        "item",
        allowed="office_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "office_results_trends": row(
        "office_a", "results_kind", allowed="office_a", get=200, post=405, needs=RESULTS
    ),
    "office_results_table": row(
        "office_a",
        "results_year",
        "results_kind",
        "table",
        "results_fmt",
        allowed="office_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    # Where the office's county existed that year there is nothing to switch between: 404.
    "office_results_switch": row(
        "office_a",
        "results_year",
        "results_kind",
        allowed="office_a",
        get=404,
        post=405,
        needs=RESULTS,
    ),
    "office_results_followup": row(
        "office_a",
        "results_year",
        "results_kind",
        allowed="office_a",
        get=200,
        post=400,
        needs=RESULTS,
    ),
    "office_results_comparison": row(
        "office_a",
        "results_year",
        "results_kind",
        allowed="office_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "office_results_comparison_file": row(
        "office_a",
        "results_year",
        "results_kind",
        "fmt",
        allowed="office_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "office_results_pdf": row(
        "office_a",
        "results_year",
        "results_kind",
        allowed="office_a",
        get=200,
        post=302,
        needs=RESULTS,
    ),
    "office_results_pdf_status": row(
        "office_a",
        "results_year",
        "results_kind",
        "office_pdf",
        allowed="office_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "office_results_pdf_file": row(
        "office_a",
        "results_year",
        "results_kind",
        "office_pdf",
        allowed="office_a",
        get=200,
        post=405,
        needs=RESULTS,
    ),
    "office_targets": row(
        "office_a", "target_year", allowed="office_a", get=200, post=302, needs=RESULTS
    ),
    "national_results": row(allowed="national", get=200, post=405),
    "national_results_round": row(
        "results_year", "results_kind", allowed="national", get=200, post=405
    ),
    "national_results_item": row(
        "results_year", "results_kind", "item", allowed="national", get=200, post=405
    ),
    "national_results_distribution": row(
        "results_year", "results_kind", "item", allowed="national", get=200, post=405
    ),
    "national_results_trends": row("results_kind", allowed="national", get=200, post=405),
    "national_results_table": row(
        "results_year",
        "results_kind",
        "table",
        "results_fmt",
        allowed="national",
        get=200,
        post=405,
    ),
    "research_projects": row(allowed="national", get=200, post=200),
    "research_project": row("project", allowed="national", get=200, post=200),
    "api_results_county": row(
        "results_year",
        "results_kind",
        "county_a",
        allowed="county_a",
        post=405,
        others={p: (404, 405) for p in PERSONAS},
        needs=RESULTS,
    ),
    "api_results_office": row(
        "results_year",
        "results_kind",
        "office_a",
        allowed="office_a",
        post=405,
        others={p: (404, 405) for p in PERSONAS},
        needs=RESULTS,
    ),
    # National figures for everyone, like the directorate's statistics bank.
    "api_results_national": row(
        "results_year", "results_kind", allowed=PERSONAS, post=405, needs=MEMBER
    ),
    # allauth's address pages answer 404 to everyone (portal.accounts.addresses: addresses are
    # identities the portal gives, not something a user adds or changes).
    "address_pages_removed": row(allowed=(), get=404, post=404, others={"anonymous": (404, 404)}),
    "address_confirm_removed": row(allowed=(), get=404, post=404, others={"anonymous": (404, 404)}),
    # Help: the same for everyone, signed in or not.
    "help_guide": row("role", allowed=PERSONAS, post=405, needs=MEMBER),
}

# Routes that need no row, and why. Admin and allauth routes are not the portal's own (the
# admin's login is allauth's: tests/portal/test_login_protection.py).
PUBLIC: dict[str, str] = {
    "home": "the landing page; signed in, it redirects to the user's own organisation",
    "accessibility": "public statement",
    "help": "public help page with the support contacts",
    "privacy": "public statement",
    "healthz": "public health check; details only locally or with a token",
    "twilio_status": "Twilio's signed status callbacks (tests/dispatch/test_providers.py)",
    "twilio_inbound": "Twilio's signed inbound messages, for STOP (tests/dispatch/)",
    "respond_link": "the respondent's personal link (tests/surveys/test_links.py)",
    "respond_code": "the respondent's code page",
    "respond_entry": "the respondent's session (tests/surveys/test_respondent_session.py)",
    "respond_start": "the respondent's session",
    "respond_section": "the respondent's session",
    "respond_send": "the respondent's session",
    "respond_saved": "the respondent's session",
    "respond_receipt": "the respondent's session",
    "respond_no_consent": "the respondent's session",
    "notification_settings": "the signed-in user's own e-mail notifications, whatever their "
    "organisations (login required; tests/dispatch/test_notifications.py)",
}
# anymail's webhooks authenticate themselves (tests/dispatch/test_providers.py).
THIRD_PARTY_MODULES = (
    "django.contrib.",
    "allauth.",
    "anymail.",
    "django.views.generic.",
    "django.views.i18n",
)
