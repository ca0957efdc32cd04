"""Who may see patient-level data: declared once here, enforced by every serializer.

Patient-level data never leaves the institution that recorded it. A treatment and its outcome
measurements are about one patient as a whole, so no one outside the institution reads them at
all (`treatments_for` refuses). An adverse event goes to the committee and to the plan's
authority by law (Act Arts 17 and 18), but without what ties it to the patient: its patient code
and its link to the patient's treatment. A regulator's nationwide permissions do not reach
patient-level data either: only a membership in the plan's own institution does.

API Out schemas read these fields through `patient_field`, templates through the
`{% patient_field %}` tag (saisei.reporting.templatetags.patient_fields), and views decide
whether to show a patient-level column with `may_see_patient_fields`; a test walks every page
and API operation for every persona and fails if a patient code reaches anyone else.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured

from saisei.accounts.models import User
from saisei.accounts.permissions import organisation_ids_with
from saisei.core.errors import NotPermitted

PATIENT_LEVEL_PERMISSION = "reporting.view_patient_level"

# Models every row of which is about one patient: every field is patient-level.
PATIENT_LEVEL_MODELS: frozenset[str] = frozenset(
    {"reporting.treatment", "reporting.outcomemeasurement"}
)

# Models whose rows leave the institution, with the fields that must stay behind.
PATIENT_LEVEL_FIELDS: dict[str, frozenset[str]] = {
    "reporting.adverseevent": frozenset({"patient_code", "treatment", "treatment_id"}),
}


def is_patient_level(model_label: str, field: str) -> bool:
    """Whether `field` of the model (its `app.model` label) is patient-level."""
    return model_label in PATIENT_LEVEL_MODELS or field in PATIENT_LEVEL_FIELDS.get(
        model_label, frozenset()
    )


def may_see_patient_fields(actor: User | AnonymousUser | None, plan: Any) -> bool:
    """True only for someone holding the patient-level permission through a membership of the
    plan's own institution: never for a committee, a regulator (whatever its reach), a holder
    or the public."""
    orgs = organisation_ids_with(actor, PATIENT_LEVEL_PERMISSION)
    # None means a nationwide grant, which by design never reaches patient-level data.
    return orgs is not None and plan.institution.organisation_id in orgs


def _plan_of(obj: Any) -> Any:
    if hasattr(obj, "plan"):
        return obj.plan
    return obj.treatment.plan  # an outcome measurement


def patient_field(
    obj: Any, field: str, actor: User | AnonymousUser | None, *, refuse: bool = False
) -> Any:
    """The value of a patient-level field for an actor who may see it, else None (or, with
    `refuse`, a refusal: for a row that is patient-level as a whole, where a blank field would
    still give the rest of the row away).

    Refuses a field the declaration does not list, so a serializer cannot gate a field here
    while the declaration says nothing of it.
    """
    label = obj._meta.label_lower
    if not is_patient_level(label, field):
        raise ImproperlyConfigured(f"{label}.{field} is not declared patient-level")
    if may_see_patient_fields(actor, _plan_of(obj)):
        return getattr(obj, field)
    if refuse:
        raise NotPermitted(PATIENT_LEVEL_PERMISSION)
    return None


def actor_of(context: Any) -> User | AnonymousUser | None:
    """The caller, from a django-ninja resolver's context (None when there is no request)."""
    request = (context or {}).get("request")
    if request is None:
        return None
    found = getattr(request, "auth", None) or getattr(request, "user", None)
    return found if isinstance(found, User | AnonymousUser) else None
