"""The user's own choice of e-mail notifications (a dispatch with many failures, SMS dispatches
nearly used, the round closing soon, results published): on by default, each user turns them
off or on again here."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.models import User


class NotificationsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notifications"]
        labels = {"notifications": gettext_lazy("Send me notifications by e-mail")}
        help_texts = {
            "notifications": gettext_lazy(
                "Administrators get an e-mail when a dispatch has finished with many failed "
                "messages, when few SMS dispatches are left, 7 and 2 days before a survey "
                "closes (with the response rate against last year's on the same date) and when "
                "results are published."
            )
        }


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = NotificationsForm(request.POST if request.method == "POST" else None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if user.notifications:
            messages.success(request, _("You will get notifications by e-mail."))
        else:
            messages.success(request, _("You will no longer get notifications by e-mail."))
        return redirect("notification_settings")
    return render(request, "portal/notification_settings.html", {"form": form})
