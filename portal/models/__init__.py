from portal.models.accounts import Membership, Role, User
from portal.models.organisations import Company, County, TrainingOffice

__all__ = ["Company", "County", "Membership", "Role", "TrainingOffice", "User"]
