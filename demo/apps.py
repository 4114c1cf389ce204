from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: above every other app, it alone may use them all to build the demo."""

    name = "demo"
    verbose_name = _("Demo")
