"""The obligation list's rows, written in Python.

Twenty rows of a dozen cells and conditions through the template engine cost the "What is due"
page more than its query and the rest of the page together; here every value is escaped
(html.escape, quotes included) as the template would.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from saisei.core.links import url_maker

register = template.Library()

_ROW = """  <tr>
    <td>
      <strong>{due}</strong><br>
      {badge}
    </td>
    <td>{rule_label}{legal_name}{period}
      <details><summary>{why}</summary><p>{explain}</p></details>
    </td>
    <td>{subject_label}</td>
    <td>{recipient_label}</td>
    <td>{status_label}{met_on}
      {record}</td>
  </tr>"""

_RECORD = """<details><summary>{record_filing}</summary>
        <form method="post" action="{action}" class="form">
          <input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">
          <label for="f{pk}-filed_on">{filed_on}</label>
          <input type="date" id="f{pk}-filed_on" name="f{pk}-filed_on" required>
          <label for="f{pk}-reference">{reference}</label>
          <input type="text" id="f{pk}-reference" name="f{pk}-reference" maxlength="100" required>
          <button type="submit">{record}</button>
        </form>
      </details>"""


def _e(value: Any) -> str:
    return escape(str(value))


@register.simple_tag(takes_context=True)
def due_rows(context: Any, items: list[dict[str, Any]]) -> SafeString:
    """The rows of views._rows' items; a duty filed outside Saisei that the user may record gets
    the form that records its filing (with the page's CSRF token)."""
    labels = {
        "why": _e(_("Why this date")),
        "record_filing": _e(_("Record the filing")),
        "filed_on": _e(_("Filed on")),
        "reference": _e(_("Reference (receipt or file number)")),
        "record": _e(_("Record")),
    }
    action = url_maker("obligations:record_filing")
    csrf = _e(context.get("csrf_token", ""))
    rows = []
    for item in items:
        record = ""
        if item["may_record_filing"]:
            record = _RECORD.format(
                action=_e(action(item["pk"])), csrf=csrf, pk=int(item["pk"]), **labels
            )
        rows.append(
            _ROW.format(
                due=_e(item["due"]),
                badge=(
                    f'<span class="badge {_e(item["badge_class"])}">{_e(item["badge"])}</span>'
                    if item["badge"]
                    else ""
                ),
                rule_label=_e(item["rule_label"]),
                legal_name=(
                    f' <small lang="ja">({_e(item["legal_name"])})</small>'
                    if item["legal_name"]
                    else ""
                ),
                period=f"<br><small>{_e(item['period'])}</small>" if item["period"] else "",
                why=labels["why"],
                explain=_e(item["explain"]),
                subject_label=_e(item["subject_label"]),
                recipient_label=_e(item["recipient_label"]),
                status_label=_e(item["status_label"]),
                met_on=f"<br><small>{_e(item['met_on'])}</small>" if item["met_on"] else "",
                record=record,
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped
