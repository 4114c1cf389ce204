"""Downloads of results tables (CSV, XLSX, JSON at stable addresses) and the read-only JSON API:
national figures without login, an organisation's own figures for its users. Every download by
a logged-in user is recorded in the audit log."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from portal.accounts.access import Need, get_county_or_404, get_office_or_404
from portal.audit.record import audit_record
from portal.lib.downloads import CSV_TYPE, XLSX_TYPE, attachment
from portal.models import AuditAction
from reporting.exports import (
    DISTRIBUTION_PREFIX,
    Table,
    as_csv,
    as_json,
    as_xlsx,
    item_distribution_table,
    item_table,
    overview_table,
    trends_table,
)
from reporting.items import item_by_slug
from reporting.models import Publication
from reporting.scopes import ResultScope
from reporting.selectors import breakdown_units, publication_items, publications_of
from reporting.views.common import publication_or_404, survey_kind

FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE, "json": "application/json; charset=utf-8"}


def scope_tables(scope: ResultScope, publication: Publication) -> list[Table]:
    """Every table the scope's pages show for the round."""
    tables = [overview_table(scope, publication)]
    loaded = breakdown_units(scope, publication)
    for item in publication_items(publication):
        tables.append(item_table(scope, publication, item, loaded))
    return tables


def _respond(
    request: HttpRequest, tables: list[Table], publication: Publication, fmt: str, filename: str
) -> HttpResponse:
    if fmt == "csv":
        content = as_csv(tables[0])
    elif fmt == "xlsx":
        content = as_xlsx(tables[0])
    else:
        content = as_json(tables, publication)
    if request.user.is_authenticated:
        audit_record(
            AuditAction.DOWNLOAD,
            request=request,
            target=filename,
            detail={"round": publication.round_id, "version": publication.version},
        )
    return attachment(content, FORMATS[fmt], filename)


@require_GET
def results_table(
    request: HttpRequest, scope: ResultScope, year: int, kind: str, table: str, fmt: str
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    if table == "utvikling":
        publications = publications_of(survey_kind(kind))
        if not publications:
            raise Http404
        items = [i for i in publication_items(publications[0]) if i.kind == "index"]
        built = trends_table(scope, survey_kind(kind), items)
        publication = publications[0]
    else:
        publication = publication_or_404(year, kind)
        if table == "oversikt":
            built = overview_table(scope, publication)
        else:
            items = publication_items(publication)
            item = item_by_slug(items, table)
            if item is not None:
                built = item_table(scope, publication, item)
            else:
                item = item_by_slug(items, table.removeprefix(DISTRIBUTION_PREFIX))
                if not table.startswith(DISTRIBUTION_PREFIX) or item is None or not item.values:
                    raise Http404
                built = item_distribution_table(scope, publication, item)
    filename = f"{kind}-{year}-{scope.key}-{table}.{fmt}"
    return _respond(request, [built], publication, fmt, filename)


# --- The API -------------------------------------------------------------------------------------


@require_GET
def api_national(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """National figures, open to everyone like the directorate's statistics bank."""
    publication = publication_or_404(year, kind)
    return _api(request, ResultScope.national(), publication, kind, year)


@require_GET
def api_county(request: HttpRequest, year: int, kind: str, code: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    scope = ResultScope.of_county(get_county_or_404(request, code, Need.RESULTS))
    return _api(request, scope, publication_or_404(year, kind), kind, year)


@require_GET
def api_office(request: HttpRequest, year: int, kind: str, orgnr: str) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    scope = ResultScope.of_office(get_office_or_404(request, orgnr, Need.RESULTS))
    return _api(request, scope, publication_or_404(year, kind), kind, year)


def _api(
    request: HttpRequest, scope: ResultScope, publication: Publication, kind: str, year: int
) -> HttpResponse:
    tables = scope_tables(scope, publication)
    response = HttpResponse(as_json(tables, publication), content_type=FORMATS["json"])
    if request.user.is_authenticated:
        audit_record(
            AuditAction.DOWNLOAD,
            request=request,
            target=f"api {kind}-{year}-{scope.key}",
            detail={"round": publication.round_id, "version": publication.version},
        )
    return response
