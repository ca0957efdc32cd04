"""The {% field %} tag (saisei.core.templatetags.fields) and includes/form_errors.html on real
forms: every id that `aria-describedby` names is on exactly one element, and only ids that are
there are named."""

from __future__ import annotations

import re

from django.template import Context, Template

from saisei.registry.forms import RenewalDecisionForm
from saisei.reporting.forms import TreatmentForm
from tests.templates.html_audit import PageAudit

FORM = Template(
    '{% include "includes/form_errors.html" %}{% for field in form %}{% field field %}{% endfor %}'
)


def render(*forms: object) -> str:
    return "".join(FORM.render(Context({"form": form})) for form in forms)


def described(html: str, element_id: str) -> list[str]:
    tag = re.search(rf'<[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert tag, element_id
    refs = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    return refs.group(1).split() if refs else []


def test_help_text_is_named_by_its_input_with_django_s_id() -> None:
    html = render(TreatmentForm(prefix="t", facilities=[]))
    assert described(html, "id_t-patient_code") == ["id_t-patient_code_helptext"]
    assert 'id="id_t-patient_code_helptext"' in html
    # A field without help text or errors names nothing.
    assert described(html, "id_t-lot") == []
    assert PageAudit(html).problems() == []


def test_each_field_s_errors_are_one_list_with_one_id_named_by_the_input() -> None:
    # Two errors on one field: one list, so its id is on one element.
    form = TreatmentForm({"t-patient_code": "x" * 41}, prefix="t", facilities=[])
    assert not form.is_valid()
    form.add_error("patient_code", "A second error on the same field.")
    html = render(form)
    assert described(html, "id_t-patient_code") == [
        "id_t-patient_code_helptext",
        "id_t-patient_code_error",
    ]
    assert described(html, "id_t-treated_on") == ["id_t-treated_on_error"]
    assert html.count('id="id_t-patient_code_error"') == 1
    errors = re.search(r'<ul class="field-errors" id="id_t-patient_code_error">(.*?)</ul>', html)
    assert errors and errors.group(1).count("<li") == 2
    assert 'aria-invalid="true"' in html
    assert PageAudit(html).problems() == []


def test_a_group_of_radio_buttons_is_a_fieldset_described_by_its_errors() -> None:
    form = RenewalDecisionForm({})
    assert not form.is_valid()
    html = render(form)
    fieldset = re.search(r"<fieldset[^>]*>\s*<legend>([^<]*)</legend>", html)
    assert fieldset and 'aria-describedby="id_granted_error"' in fieldset.group(0)
    assert 'for=""' not in html  # no label pointing at nothing
    assert PageAudit(html).problems() == []


def test_non_field_errors_have_an_id_of_their_own_on_each_form() -> None:
    first = TreatmentForm({}, prefix="t", facilities=[])
    second = RenewalDecisionForm({})
    for form in (first, second):
        form.is_valid()
        form.add_error(None, "Refused as a whole.")
    html = render(first, second)
    assert 'id="t_errors"' in html and 'id="renewaldecisionform_errors"' in html
    assert PageAudit(html).problems() == []
