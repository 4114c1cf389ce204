"""The forms of the dispatch pages."""

from __future__ import annotations

import uuid
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dispatch.models import Purpose
from portal.lib.oslo import oslo_datetime


class DispatchForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("What to send"),
        choices=[(Purpose.INVITATION, _("Invitation")), (Purpose.REMINDER, _("Reminder"))],
        widget=forms.RadioSelect,
        initial=Purpose.INVITATION,
    )
    by_email = forms.BooleanField(label=_("By e-mail"), required=False, initial=True)
    by_sms = forms.BooleanField(
        label=_("By SMS"),
        required=False,
        # R-D8: the quota counts dispatches, not messages.
        help_text=_(
            "Each SMS dispatch counts 1 against your SMS dispatches, whatever its size. We "
            "therefore recommend including as many as possible in each SMS dispatch."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_("Recipients who have chosen a language of their own get that one."),
    )
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("now", _("Now")), ("later", _("At a chosen time"))],
        widget=forms.RadioSelect,
        initial="now",
    )
    send_on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    send_time = forms.TimeField(
        label=_("Time"),
        required=False,
        help_text=_("Hours and minutes, for example 09:00."),
        widget=forms.TimeInput(attrs={"inputmode": "numeric"}, format="%H:%M"),
    )
    override_spacing = forms.BooleanField(
        label=_("Also send to those who got a message less than 7 days from this one"),
        required=False,
    )
    beyond_rule_of_thumb = forms.BooleanField(
        label=_("Also remind those who have had 3 reminders already"),
        help_text=_(
            "About 3 reminders is the rule of thumb: more may annoy people more than it helps. "
            "The preview counts those who would get a 4th or later."
        ),
        required=False,
    )
    leave_out_ar_same_day = forms.BooleanField(
        label=_("Leave out companies that get an ÅR reminder the same day"), required=False
    )
    # Made when the form is first shown and carried through the previews: a second post of
    # the same form finds the dispatch the first one made (dispatch.services.dispatches).
    order_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, lbu: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not lbu:
            del self.fields["leave_out_ar_same_day"]
        if not self.is_bound:
            self.initial["order_key"] = uuid.uuid4()

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not data.get("by_email") and not data.get("by_sms"):
            raise forms.ValidationError(_("Choose e-mail, SMS or both."))
        if data.get("when") == "later" and not (data.get("send_on") and data.get("send_time")):
            raise forms.ValidationError(_("Give the date and time to send at."))
        return data

    def send_at(self) -> datetime | None:
        data = self.cleaned_data
        if data.get("when") != "later":
            return None
        return oslo_datetime(data["send_on"], data["send_time"])


class GatheringFilterForm(forms.Form):
    trade = forms.ChoiceField(label=_("Trade"), required=False)
    company = forms.ChoiceField(label=_("Company"), required=False)

    def __init__(self, *args, trades, companies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("All"))]
        trade, company = self.fields["trade"], self.fields["company"]
        assert isinstance(trade, forms.ChoiceField) and isinstance(company, forms.ChoiceField)
        trade.choices = everyone + [(str(pk), name) for pk, name in trades]
        company.choices = everyone + [(str(pk), name) for pk, name in companies]
