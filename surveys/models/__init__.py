from surveys.models.questionnaires import (
    Index,
    Question,
    Questionnaire,
    QuestionType,
    Section,
    SectionPart,
    SurveyKind,
)
from surveys.models.report_classes import ReportClass
from surveys.models.responses import (
    AnonymousResponse,
    CodeDraft,
    Draft,
    IdentifiedResponse,
    RespondentLink,
)
from surveys.models.rounds import Round, RoundCounty
from surveys.models.samples import Exclusion, ExclusionReason, Respondent, RespondentRole
from surveys.models.tallies import ResponseTally, ResponseTallyDay

__all__ = [
    "AnonymousResponse",
    "CodeDraft",
    "Draft",
    "Exclusion",
    "ExclusionReason",
    "IdentifiedResponse",
    "Index",
    "Question",
    "QuestionType",
    "Questionnaire",
    "ReportClass",
    "Respondent",
    "RespondentLink",
    "RespondentRole",
    "ResponseTally",
    "ResponseTallyDay",
    "Round",
    "RoundCounty",
    "Section",
    "SectionPart",
    "SurveyKind",
]
