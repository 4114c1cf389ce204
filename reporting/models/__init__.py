from reporting.models.decisions import Decision, DecisionStatus
from reporting.models.published import Publication, ResultUnit
from reporting.models.reports import PdfReport, PdfStatus
from reporting.models.research import ResearchExport, ResearchProject
from reporting.models.targets import Target

__all__ = [
    "Decision",
    "DecisionStatus",
    "PdfReport",
    "PdfStatus",
    "Publication",
    "ResearchExport",
    "ResearchProject",
    "ResultUnit",
    "Target",
]
