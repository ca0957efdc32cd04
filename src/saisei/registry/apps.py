from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "saisei.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from saisei.core import demo
        from saisei.registry import obligations
        from saisei.registry.demo import load_registry_demo

        obligations.register_all()
        demo.register(
            30, "registry: institutions, committee, processing facilities", load_registry_demo
        )
