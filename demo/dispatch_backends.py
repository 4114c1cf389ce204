"""The demo's dispatch step: with the recording backends (the demo's default) every message
is kept in the database and shown on the "Sent messages (recorded)" page, from which a link
can be opened to answer. Returns the lines the demo command prints."""

from __future__ import annotations

from django.urls import reverse

from dispatch.backends import recording_active
from portal.models import TrainingOffice


def load_demo_dispatch(*, county_code: str, office: TrainingOffice, base_url: str) -> list[str]:
    base = base_url.rstrip("/")
    lines = ["Dispatches (invitations and reminders by e-mail and SMS):"]
    lines.append(
        f"  county (fylke@demo.no): {base}{reverse('county_dispatches_latest', args=[county_code])}"
    )
    office_url = reverse("office_dispatches_latest", args=[office.orgnr])
    lines.append(f"  office (kontor@demo.no): {base}{office_url}")
    if recording_active():
        lines.append(
            "  Messages are recorded, not sent: see them at "
            f"{base}{reverse('county_dispatch_recorded', args=[county_code])}"
        )
    return lines
