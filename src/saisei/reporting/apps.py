from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "saisei.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from saisei.reporting import obligation_sources

        obligation_sources.register_all()
