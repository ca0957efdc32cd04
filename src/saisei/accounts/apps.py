from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "saisei.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from saisei.accounts.personas import create_personas, demo_loaded
        from saisei.core import demo

        demo.register(10, "organisations and persona accounts", create_personas, loaded=demo_loaded)
