"""The radio buttons and checkboxes of a survey question, written in Python.

Respondents arrive in bursts after each SMS; a part of a survey has some thirty options, and
rendering each through Django's widget templates (a bound widget, a context and a template per
option) costs more than the rest of the page. The markup is the same the widgets would give."""

from __future__ import annotations

from typing import Any, cast

from django import forms, template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def choice_inputs(field: forms.BoundField) -> SafeString:
    """One `<label><input> <span>text</span></label>` per choice, ids as the widget gives them
    (`<field id>_<index>`), the chosen ones checked. Every value and label is escaped."""
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    chosen = {str(v) for v in values if v not in (None, "")}
    kind = field.field.widget.input_type
    name = escape(field.html_name)
    base = escape(field.auto_id)
    parts = []
    # a choice field's choices, which Django has normalised to (value, label) pairs
    choices: list[tuple[object, str]] = cast(Any, field.field).choices
    for index, (choice, label) in enumerate(choices):
        checked = " checked" if str(choice) in chosen else ""
        parts.append(
            f'<label class="option" for="{base}_{index}"><input type="{kind}" name="{name}" '
            f'value="{escape(choice)}" id="{base}_{index}"{checked}> '
            f"<span>{escape(label)}</span></label>"
        )
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped above
