from portal.accounts.models import Access, Membership, Role, User
from portal.audit.models import AuditAction, AuditEntry
from portal.organisations.models import Company, County, Statsforvalter, TrainingOffice

__all__ = [
    "Access",
    "AuditAction",
    "AuditEntry",
    "Company",
    "County",
    "Membership",
    "Role",
    "Statsforvalter",
    "TrainingOffice",
    "User",
]
