"""The forms of the dispatch pages."""

from __future__ import annotations

import uuid
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dispatch.models import Purpose
from dispatch.own_words import PARTS, placeholder_errors
from dispatch.targeting import BELOW, OFFICES, TRADES, Targeting
from portal.lib.oslo import oslo_datetime

TARGET_CHOICES = [
    ("", _("Everyone who has not answered")),
    (OFFICES, _("Those who have not answered in chosen training offices")),
    (TRADES, _("Those who have not answered in chosen trades")),
    (BELOW, _("Those who have not answered in groups with a response rate below a rate")),
]
GROUPING_CHOICES = [("office", _("Training offices")), ("trade", _("Trades"))]


class DispatchForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("What to send"),
        choices=[(Purpose.INVITATION, _("Invitation")), (Purpose.REMINDER, _("Reminder"))],
        widget=forms.RadioSelect,
        initial=Purpose.INVITATION,
    )
    target = forms.ChoiceField(
        label=_("Whom the reminder goes to"),
        choices=TARGET_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial="",
        help_text=_(
            "Only for reminders, and by group only: within the groups the reminder goes to "
            "those who have not answered, as every reminder does. The rates are those of the "
            "response-rate pages. A group whose rate is hidden there (too few answers to show) "
            "is included when you choose groups below a rate, since it may be below it; its "
            "rate is not shown."
        ),
    )
    offices = forms.TypedMultipleChoiceField(
        label=_("Training offices"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For chosen training offices: the offices of your sample."),
    )
    trades = forms.TypedMultipleChoiceField(
        label=_("Trades"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For chosen trades: the trades of your sample."),
    )
    below_grouping = forms.ChoiceField(
        label=_("Groups compared by response rate"),
        choices=GROUPING_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        initial="office",
    )
    below_rate = forms.IntegerField(
        label=_("Response rate below (per cent)"),
        min_value=1,
        max_value=100,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
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

    def __init__(
        self, *args, lbu: bool = False, groups: dict[str, list] | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        if not lbu:
            del self.fields["leave_out_ar_same_day"]
        self._groups_set(groups)
        if not self.is_bound:
            self.initial["order_key"] = uuid.uuid4()

    def _groups_set(self, groups: dict[str, list] | None) -> None:
        """The targeting fields with the offices and trades of the sender's sample (a
        training office has no offices to choose): a kind of group the sample has none of is
        not offered, and without `groups` (or any group) there is no targeting."""
        names = ("target", "offices", "trades", "below_grouping", "below_rate")
        has = {kind: bool((groups or {}).get(kind)) for kind in ("offices", "trades")}
        if not any(has.values()):
            for name in names:
                del self.fields[name]
            return
        assert groups is not None
        target, grouping = self.fields["target"], self.fields["below_grouping"]
        assert isinstance(target, forms.ChoiceField)
        assert isinstance(grouping, forms.ChoiceField)
        target.choices = [c for c in TARGET_CHOICES if c[0] not in (OFFICES, TRADES) or has[c[0]]]
        grouping.choices = [c for c in GROUPING_CHOICES if has[f"{c[0]}s"]]
        grouping.initial = grouping.choices[0][0]
        for kind in ("offices", "trades"):
            if not has[kind]:
                del self.fields[kind]
                continue
            field = self.fields[kind]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(pk, label) for pk, label in groups[kind]]

    def targeting(self) -> Targeting | None:
        """Whom the reminder is limited to, None for everyone."""
        data = self.cleaned_data
        by = data.get("target") or ""
        if not by:
            return None
        return Targeting(
            by=by,
            offices=tuple(data.get("offices") or ()) if by == OFFICES else (),
            trades=tuple(data.get("trades") or ()) if by == TRADES else (),
            grouping=data.get("below_grouping") or "" if by == BELOW else "",
            below=data.get("below_rate") or 0 if by == BELOW else 0,
        )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        by = data.get("target")
        if by and data.get("purpose") != Purpose.REMINDER:
            self.add_error("target", _("Only a reminder can be limited to some groups."))
        elif by == OFFICES and not data.get("offices"):
            self.add_error("offices", _("Choose at least one training office."))
        elif by == TRADES and not data.get("trades"):
            self.add_error("trades", _("Choose at least one trade."))
        elif by == BELOW and not data.get("below_rate"):
            self.add_error("below_rate", _("Give a response rate from 1 to 100 per cent."))
        elif by == BELOW and not data.get("below_grouping"):
            self.add_error("below_grouping", _("Choose training offices or trades."))
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


class OwnWordsForm(forms.Form):
    """A sender's own words for one survey and language (dispatch.own_words)."""

    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("After the greeting, before the portal's own text. Empty: none."),
    )
    contact = forms.CharField(
        label=_("Contact line"),
        required=False,
        max_length=200,
        help_text=_("Before the signature, for example who to ask. Empty: none."),
    )
    signature = forms.CharField(
        label=_("Signature"),
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("In place of the usual greeting from you at the end. Empty: the usual one."),
    )

    def clean(self) -> dict:
        super().clean()
        for part in PARTS:
            for error in placeholder_errors(self.cleaned_data.get(part) or ""):
                self.add_error(part, error)
        return self.cleaned_data
