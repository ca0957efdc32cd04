"""FHIR R5 RegulatedAuthorization for a PMD Act approval.

The resource is built as a dict and validated through fhir.resources before it leaves, so an
invalid resource is a server error here rather than a surprise for the client. Codes Saisei
defines itself (the PMD Act status vocabulary, the event kinds, the approval types) use
`urn:saisei:` systems; the region and the publication status use the standard systems.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.regulatedauthorization import RegulatedAuthorization

from saisei.products.models import Approval, EventKind
from saisei.products.status import compute_status

STATUS_SYSTEM = "urn:saisei:pmd-approval-status"
EVENT_SYSTEM = "urn:saisei:pmd-approval-event"
TYPE_SYSTEM = "urn:saisei:pmd-approval-type"
DESIGNATION_SYSTEM = "urn:saisei:pmd-designation"
IDENTIFIER_SYSTEM = "urn:saisei:product"
PUBLICATION_STATUS = "http://hl7.org/fhir/publication-status"
REGULATOR = "Ministry of Health, Labour and Welfare (Japan)"


def _publication_status(status: str | None, in_force: bool | None) -> str:
    if status is None:
        return "unknown"
    if status == "not_approved":
        return "draft"
    return "active" if in_force else "retired"


def _designation(entry: dict[str, Any]) -> dict[str, Any]:
    concept: dict[str, Any] = {
        "coding": [{"system": DESIGNATION_SYSTEM, "code": entry["code"], "display": entry["label"]}]
    }
    said = [str(entry["number"])] if entry["number"] else []
    if entry["designated_on"] is not None:
        said.append(f"designated {entry['designated_on'].isoformat()}")
    if said:
        concept["text"] = ", ".join(said)
    return concept


def regulated_authorization(approval: Approval, as_of: date) -> dict[str, Any]:
    product = approval.product
    events = list(approval.events.all())
    status = compute_status(approval, as_of, events=events, gaps=approval.status_gaps.all())
    kinds = dict(EventKind.choices)
    status_coding = [
        {
            "system": PUBLICATION_STATUS,
            "code": _publication_status(status.status, status.in_force),
        }
    ]
    if status.status is not None:
        status_coding.append({"system": STATUS_SYSTEM, "code": status.status})
    resource: dict[str, Any] = {
        "resourceType": "RegulatedAuthorization",
        "id": str(approval.pk),
        "identifier": [{"system": IDENTIFIER_SYSTEM, "value": product.slug}],
        "subject": [{"display": product.brand_name}],
        "type": {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/regulated-authorization-type",
                    "code": "MarketingAuth",
                    "display": "Marketing Authorization",
                }
            ]
        },
        "description": f"{product.brand_name}: {product.what_it_is}",
        "region": [{"coding": [{"system": "urn:iso:std:iso:3166", "code": "JP"}]}],
        "status": {"coding": status_coding, "text": status.full_reason},
        "indication": [
            {"concept": {"text": text}}
            for text in (approval.indication, approval.indication_ja)
            if text
        ],
        "basis": [
            {
                "coding": [
                    {
                        "system": TYPE_SYSTEM,
                        "code": approval.approval_type,
                        "display": str(approval.get_approval_type_display()),
                    }
                ]
            },
            *(_designation(entry) for entry in approval.designation_entries()),
        ],
        "holder": {"display": product.holder.name},
        "regulator": {"display": REGULATOR},
    }
    changes = [e.occurred_on for e in events if e.occurred_on <= as_of and not e.day_unknown]
    if changes:
        resource["statusDate"] = max(changes).isoformat()
    if approval.approved_on is not None:
        period: dict[str, str] = {"start": approval.approved_on.isoformat()}
        if status.time_limit_ends_on is not None:
            period["end"] = status.time_limit_ends_on.isoformat()
        resource["validityPeriod"] = period
    if events:
        resource["case"] = {
            "type": {"text": "PMD Act marketing approval and its lifecycle"},
            "datePeriod": {
                "start": events[0].occurred_on.isoformat(),
                "end": events[-1].occurred_on.isoformat(),
            },
            "application": [
                {
                    "type": {
                        "coding": [
                            {
                                "system": EVENT_SYSTEM,
                                "code": event.kind,
                                "display": str(kinds.get(event.kind, event.kind)),
                            }
                        ],
                        **({"text": event.detail} if event.detail else {}),
                    },
                    # A year or year-month where the day is not known (FHIR dateTime allows it).
                    "dateDateTime": event.fhir_date,
                }
                for event in events
            ],
        }
    # Validation: raises if Saisei ever produced an invalid resource.
    return RegulatedAuthorization.model_validate(resource).model_dump(
        mode="json", exclude_none=True
    )
