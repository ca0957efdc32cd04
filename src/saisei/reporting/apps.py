from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "saisei.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from saisei.core import demo
        from saisei.reporting import obligation_sources, search_record
        from saisei.reporting.demo import load_demo_reporting

        obligation_sources.register_all()
        # The public search keeps each plan's reporting from its duties.
        search_record.connect()
        demo.register(60, "a plan with two years of reporting", load_demo_reporting)
