"""Finding a respondent link with everything a respondent page needs, in one query.

Respondents arrive in bursts after each SMS, and every one of their pages starts here. The ORM's
nine-table `select_related` cost more to build and compile, and PostgreSQL more to plan, than
the database takes to answer it. So the statement is written once per process from the models'
own metadata and run as it is, over five tables (link → respondent → round → questionnaire, and
the draft); the rows come back through each field's own database converters, exactly as the
ORM would turn them into values, and are made into model instances with the relations cached.
The respondent a link continues to (ÅR → LBU, R-D9) is loaded the same way once ÅR has been
submitted, and ÅR's company or office name (shown on its pages) by the ORM when asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from portal.lib.bulk import concrete_field
from surveys.models import Draft, Questionnaire, Respondent, RespondentLink, Round


@dataclass(frozen=True)
class _Part:
    alias: str
    model: type[models.Model]
    join: str  # "" for the first table
    fields: tuple[models.Field, ...]


def _fields(model: type[models.Model], names: Sequence[str] | None = None) -> tuple:
    concrete = model._meta.concrete_fields
    if names is None:
        return tuple(concrete)
    return tuple(f for f in concrete if f.name in names)


def _parts(first: type[models.Model]) -> list[_Part]:
    """The tables of one lookup: a link or a respondent, then its respondent's round,
    questionnaire and draft. Five tables at most: PostgreSQL plans a join of more tables in
    more time than it then takes to run it."""
    q = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return q(model._meta.db_table)

    def col(alias: str, model: type[models.Model], name: str) -> str:
        return f"{alias}.{q(concrete_field(model, name).column)}"

    parts = []
    if first is RespondentLink:
        parts.append(
            _Part("l", RespondentLink, f"FROM {table(RespondentLink)} l", _fields(RespondentLink))
        )
        respondent_join = (
            f"JOIN {table(Respondent)} r ON r.id = {col('l', RespondentLink, 'respondent')}"
        )
    else:
        respondent_join = f"FROM {table(Respondent)} r"
    return [
        *parts,
        _Part("r", Respondent, respondent_join, _fields(Respondent)),
        _Part(
            "ro",
            Round,
            f"JOIN {table(Round)} ro ON ro.id = {col('r', Respondent, 'round')}",
            _fields(Round),
        ),
        _Part(
            "q",
            Questionnaire,
            f"JOIN {table(Questionnaire)} q ON q.id = {col('ro', Round, 'questionnaire')}",
            _fields(Questionnaire),
        ),
        _Part(
            "d",
            Draft,
            f"LEFT JOIN {table(Draft)} d ON {col('d', Draft, 'respondent')} = r.id",
            _fields(Draft),
        ),
    ]


Converter = tuple[list[Callable[[Any, Any, Any], Any]], Any]  # the converters and their column


@dataclass
class _Statement:
    sql: str
    parts: list[_Part]
    converters: list[Converter]


_statements: dict[tuple[str, str], _Statement] = {}
_WHERE = {"id": "l.id", "token_hash": "l.{hash}", "respondent": "r.id"}


def _statement(by: str) -> _Statement:
    """Built once per process, database vendor and kind of lookup."""
    found = _statements.get((connection.vendor, by))
    if found is not None:
        return found
    q = connection.ops.quote_name
    parts = _parts(Respondent if by == "respondent" else RespondentLink)
    columns = ", ".join(f"{p.alias}.{q(f.column)}" for p in parts for f in p.fields)
    joins = " ".join(p.join for p in parts)
    where = _WHERE[by].format(hash=q(RespondentLink._meta.get_field("token_hash").column))
    converters = []
    for part in parts:
        for field in part.fields:
            col = field.get_col(part.alias)
            converters.append(
                (connection.ops.get_db_converters(col) + col.get_db_converters(connection), col)
            )
    found = _Statement(f"SELECT {columns} {joins} WHERE {where} = %s", parts, converters)
    _statements[(connection.vendor, by)] = found
    return found


def _fetch(by: str, value: int | bytes | str) -> dict[str, Any] | None:
    statement = _statement(by)
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, [value])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [_convert(v, c) for v, c in zip(row, statement.converters, strict=True)]
    objects: dict[str, Any] = {}
    start = 0
    for part in statement.parts:
        chunk = values[start : start + len(part.fields)]
        start += len(part.fields)
        if chunk[0] is None:  # the primary key of an outer join that found nothing
            objects[part.alias] = None
            continue
        objects[part.alias] = part.model.from_db(
            connection.alias, [f.attname for f in part.fields], chunk
        )
    respondent = objects["r"]
    _with_round(respondent, objects["ro"], objects["q"], objects["d"])
    return objects


def link_lookup(*, by: str, value: int | bytes | str) -> RespondentLink | None:
    """The link whose `by` ("id" or "token_hash") is `value`, with its respondent, round,
    questionnaire and draft loaded, or None. When the respondent has answered and continues
    to another survey (ÅR → LBU, R-D9), that respondent is loaded the same way: one query
    more."""
    objects = _fetch(by, value)
    if objects is None:
        return None
    link, respondent = objects["l"], objects["r"]
    if respondent.answered_at is not None and respondent.continues_to_id is not None:
        following = _fetch("respondent", respondent.continues_to_id)
        if following is not None:
            Respondent.continues_to.field.set_cached_value(respondent, following["r"])
    RespondentLink.respondent.field.set_cached_value(link, respondent)
    return link


def _convert(value: Any, converter: Converter) -> Any:
    if value is None:
        return None
    functions, column = converter
    for function in functions:
        value = function(value, column, connection)
    return value


def _with_round(
    respondent: Respondent, round_: Round, questionnaire: Questionnaire, draft: Draft | None
) -> None:
    Round.questionnaire.field.set_cached_value(round_, questionnaire)
    Respondent.round.field.set_cached_value(respondent, round_)
    # None cached means "no draft": respondent.draft then raises DoesNotExist without a query.
    Respondent.draft.related.set_cached_value(respondent, draft)
    if draft is not None:
        Draft.respondent.field.set_cached_value(draft, respondent)
