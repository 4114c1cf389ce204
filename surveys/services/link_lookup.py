"""Finding a respondent link with everything a respondent page needs, in one query.

Respondents arrive in bursts after each SMS, and every one of their pages starts here. The ORM's
nine-table `select_related` costs more to build and compile than the database takes to answer
it, so the statement is written once per process from the models' own metadata and run as it
is; the rows come back through each field's own database converters, exactly as the ORM would
turn them into values, and are made into model instances with the relations cached:

    link → respondent (+ its draft, its round and questionnaire, the name of its company and
    office) → the respondent it continues to (ÅR → LBU, R-D9, + draft, round, questionnaire)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from portal.models import Company, TrainingOffice
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


def _parts() -> list[_Part]:
    q = connection.ops.quote_name

    def table(model: type[models.Model]) -> str:
        return q(model._meta.db_table)

    def col(alias: str, model: type[models.Model], name: str) -> str:
        return f"{alias}.{q(model._meta.get_field(name).column)}"

    names = ("id", "name")
    return [
        _Part("l", RespondentLink, f"FROM {table(RespondentLink)} l", _fields(RespondentLink)),
        _Part(
            "r",
            Respondent,
            f"JOIN {table(Respondent)} r ON r.id = {col('l', RespondentLink, 'respondent')}",
            _fields(Respondent),
        ),
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
        _Part(
            "co",
            Company,
            f"LEFT JOIN {table(Company)} co ON co.id = {col('r', Respondent, 'company')}",
            _fields(Company, names),
        ),
        _Part(
            "o",
            TrainingOffice,
            f"LEFT JOIN {table(TrainingOffice)} o "
            f"ON o.id = {col('r', Respondent, 'training_office')}",
            _fields(TrainingOffice, names),
        ),
        _Part(
            "c",
            Respondent,
            f"LEFT JOIN {table(Respondent)} c ON c.id = {col('r', Respondent, 'continues_to')}",
            _fields(Respondent),
        ),
        _Part(
            "cro",
            Round,
            f"LEFT JOIN {table(Round)} cro ON cro.id = {col('c', Respondent, 'round')}",
            _fields(Round),
        ),
        _Part(
            "cq",
            Questionnaire,
            f"LEFT JOIN {table(Questionnaire)} cq ON cq.id = {col('cro', Round, 'questionnaire')}",
            _fields(Questionnaire),
        ),
        _Part(
            "cd",
            Draft,
            f"LEFT JOIN {table(Draft)} cd ON {col('cd', Draft, 'respondent')} = c.id",
            _fields(Draft),
        ),
    ]


Converter = Callable[[Any, Any, Any], Any]


@dataclass
class _Statement:
    sql_by: dict[str, str]
    parts: list[_Part]
    converters: list[list[Converter]]


_statements: dict[str, _Statement] = {}


def _statement() -> _Statement:
    """Built once per process and database vendor."""
    vendor = connection.vendor
    found = _statements.get(vendor)
    if found is not None:
        return found
    parts = _parts()
    q = connection.ops.quote_name
    columns = ", ".join(f"{p.alias}.{q(f.column)}" for p in parts for f in p.fields)
    joins = " ".join(p.join for p in parts)
    converters = []
    for part in parts:
        for field in part.fields:
            col = field.get_col(part.alias)
            converters.append(
                connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            )
    hash_column = q(RespondentLink._meta.get_field("token_hash").column)
    found = _Statement(
        sql_by={
            "id": f"SELECT {columns} {joins} WHERE l.id = %s",
            "token_hash": f"SELECT {columns} {joins} WHERE l.{hash_column} = %s",
        },
        parts=parts,
        converters=converters,
    )
    _statements[vendor] = found
    return found


def link_lookup(*, by: str, value: object) -> RespondentLink | None:
    """The link whose `by` ("id" or "token_hash") is `value`, with its respondent, round,
    questionnaire, draft and continuation loaded, or None."""
    statement = _statement()
    with connection.cursor() as cursor:
        cursor.execute(statement.sql_by[by], [value])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [_convert(v, c) for v, c in zip(row, statement.converters, strict=True)]
    objects: dict[str, models.Model | None] = {}
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
    return _assemble(objects)


def _convert(value: Any, converters: list[Converter]) -> Any:
    if value is None:
        return None
    for converter in converters:
        value = converter(value, None, connection)
    return value


def _assemble(o: dict[str, Any]) -> RespondentLink:
    link, respondent = o["l"], o["r"]
    _with_round(respondent, o["ro"], o["q"], o["d"])
    if o["co"] is not None:
        Respondent.company.field.set_cached_value(respondent, o["co"])
    if o["o"] is not None:
        Respondent.training_office.field.set_cached_value(respondent, o["o"])
    following = o["c"]
    if following is not None:
        _with_round(following, o["cro"], o["cq"], o["cd"])
    Respondent.continues_to.field.set_cached_value(respondent, following)
    RespondentLink.respondent.field.set_cached_value(link, respondent)
    return link


def _with_round(
    respondent: Respondent, round_: Round, questionnaire: Questionnaire, draft: Draft | None
) -> None:
    Round.questionnaire.field.set_cached_value(round_, questionnaire)
    Respondent.round.field.set_cached_value(respondent, round_)
    # None cached means "no draft": respondent.draft then raises DoesNotExist without a query.
    Respondent.draft.related.set_cached_value(respondent, draft)
    if draft is not None:
        Draft.respondent.field.set_cached_value(draft, respondent)
