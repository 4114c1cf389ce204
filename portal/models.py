from portal.accounts.models import Membership, Role, User
from portal.audit.models import AuditAction, AuditEntry
from portal.organisations.models import Company, County, TrainingOffice

__all__ = [
    "AuditAction",
    "AuditEntry",
    "Company",
    "County",
    "Membership",
    "Role",
    "TrainingOffice",
    "User",
]
