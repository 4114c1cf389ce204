from portal.models.accounts import Membership, Role, User
from portal.models.audit import AuditAction, AuditEntry
from portal.models.organisations import Company, County, TrainingOffice

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
