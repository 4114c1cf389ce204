"""SMS as sent: the preview's segments are the recorded ones, message for message, across the
GSM-7 and UCS-2 boundaries; a malformed number is left out at send time with its reason."""

from __future__ import annotations

import pytest

from dispatch.audience import Sender
from dispatch.models import Message, MessageState, Purpose, RecordedMessage, SkipReason
from dispatch.rendering import sms_text
from dispatch.selectors import skip_reasons
from dispatch.services.order_rules import Variants
from dispatch.services.preview import example_link
from dispatch.sms_segments import sms_length
from portal.models import Company
from surveys.models import Respondent
from tests.dispatch.helpers import plan_of, send

pytestmark = pytest.mark.django_db


def _base_units(round_, sender: Sender) -> int:
    """Septets of the LU invitation SMS around an empty first name (a single GSM-7 segment's
    160 are used up by the text and link already)."""
    variant = Variants(round_, sender, Purpose.INVITATION)("nb", name="x", continues=False)
    text = sms_text(variant, first_name="", link=example_link())
    assert sms_length(text).encoding == "GSM-7"
    return sms_length(text).units


def _names(case: str, base: int) -> tuple[str, str]:
    """Two first names of the same length whose texts differ by one segment."""
    if case == "gsm 306/307 in parts of 153":
        n = 306 - base
        return "a" * n, "€" + "a" * (n - 1)
    assert case == "ucs-2 201/202 in parts of 67"
    n = 201 - base
    return "á" + "a" * (n - 1), "🙂" + "a" * (n - 1)  # the emoji is two UTF-16 units


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("gsm 306/307 in parts of 153", (2, 3)),
        ("ucs-2 201/202 in parts of 67", (3, 4)),
    ],
)
def test_the_preview_counts_the_segments_that_are_sent(
    case, expected, year, county_a, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    plain, other = _names(case, _base_units(year.lu, sender))
    assert len(plain) == len(other)
    p = year.people
    Respondent.objects.filter(pk=p["lu_a_member"].pk).update(name=plain, language="nb")
    Respondent.objects.filter(pk=p["lu_a_independent"].pk).update(name=other, language="nb")
    # Units of the same length too: only the characters of the names tell the texts apart.
    Company.objects.filter(pk=p["lu_a_member"].company_id).update(name="Bedrift A AS")
    Company.objects.filter(pk=p["lu_a_independent"].company_id).update(name="Bedrift B AS")
    plan = plan_of(year.lu, sender, email=False, sms=True)
    d = send(django_capture_on_commit_callbacks, year.lu, sender, email=False, sms=True)
    recorded = {r.to: r for r in RecordedMessage.objects.filter(channel="sms")}
    assert len(recorded) == 2
    member, independent = recorded[p["lu_a_member"].mobile], recorded[p["lu_a_independent"].mobile]
    assert (member.segments, independent.segments) == expected
    for r in recorded.values():
        assert r.segments == sms_length(r.text).segments
    assert plan.sms is not None
    assert plan.sms.segments_total == sum(expected)
    assert plan.sms.segments_max == max(expected)
    assert d.state == "done"


def test_a_malformed_mobile_marked_valid_is_left_out_with_its_reason(
    year, county_a, django_capture_on_commit_callbacks
):
    p = year.people
    Respondent.objects.filter(pk=p["lu_a_member"].pk).update(mobile="12345", mobile_valid=True)
    d = send(
        django_capture_on_commit_callbacks, year.lu, Sender(county=county_a), email=False, sms=True
    )
    bad = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    assert (bad.state, bad.skip_reason) == (MessageState.SKIPPED, SkipReason.BAD_NUMBER)
    good = Message.objects.get(dispatch=d, respondent=p["lu_a_independent"])
    assert good.state == MessageState.SENT
    assert set(RecordedMessage.objects.values_list("to", flat=True)) == {
        p["lu_a_independent"].mobile
    }
    assert (str(SkipReason.BAD_NUMBER.label), 1) in skip_reasons(d)
