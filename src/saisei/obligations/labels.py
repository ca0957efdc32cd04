"""Plain names of the law's rules and of recipients, for pages and e-mails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RULE_LABELS = {
    "ae_death": _("Adverse event report: death or a case that may lead to death (7 days)"),
    "ae_serious": _("Adverse event report: serious case (15 days)"),
    "ae_other_cycle": _("Report of other adverse events of a 60-day period"),
    "periodic_report": _("Periodic report on provision (yearly)"),
    "cpc_periodic_report": _("Processing facility's periodic report (yearly)"),
    "cpc_change_notice": _("Notice of a change to a processing facility (30 days)"),
    "cpc_closure_notice": _("Notice that a processing facility stopped manufacturing (30 days)"),
    "committee_renewal": _("Application to renew the committee's certification"),
    "minor_change": _("Notice of a minor change (10 days)"),
    "discontinuation": _("Notice of discontinuation (10 days)"),
    "research_summary": _("Research summary report (1 year)"),
    "committee_certification_expiry": _("Renewal of the committee's certification"),
    "cpc_licence_expiry": _("Renewal of the facility's licence"),
    "pmd_time_limit": _(
        "Re-application with confirmatory evidence before the conditional approval's time limit"
    ),
    "pmd_condition_patients": _(
        "Condition of approval: confirmatory data on the target number of patients"
    ),
    "pmd_condition_surveillance": _("Condition of approval: results of all-case surveillance"),
}

RECIPIENT_LABELS = {
    "committee": _("certified committee"),
    "minister": _("Minister of Health, Labour and Welfare"),
    "regional_bureau": _("Regional Bureau of Health and Welfare"),
    "jrct": _("jRCT (Japan Registry of Clinical Trials)"),
}


def recipient_label(recipient: str) -> str:
    return str(RECIPIENT_LABELS.get(recipient, recipient))


def legal_name(rule: str) -> str:
    """The duty's name in the statute (疾病等報告, 定期報告, …), for people searching by it."""
    from saisei.law import RULES

    return RULES[rule].legal_name_ja if rule in RULES else ""


def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule))
