"""Samples: who each round goes to, built from the register as of the reference date (R-C3),
and who was left out and why (R-S4), so the county can see it.

`rules` says who is in each sample (R-S1..R-S3), `store` makes a built sample the round's,
writing only the difference, and `freeze` builds, freezes and refreshes samples over the survey
year. The names other apps use are these."""

from surveys.services.samples.freeze import (
    SampleFrozen,
    WaitingForExtract,
    rounds_to_freeze,
    rounds_waiting_for_extract,
    samples_after_import,
    samples_build,
    samples_freeze,
    samples_freeze_due,
    samples_refresh_contacts,
    waiting_message,
)
from surveys.services.samples.store import (
    SampleSummary,
)

__all__ = [
    "SampleFrozen",
    "SampleSummary",
    "WaitingForExtract",
    "rounds_to_freeze",
    "rounds_waiting_for_extract",
    "samples_after_import",
    "samples_build",
    "samples_freeze",
    "samples_freeze_due",
    "samples_refresh_contacts",
    "waiting_message",
]
