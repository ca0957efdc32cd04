from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saisei.core"
    label = "core"

    def ready(self) -> None:
        from saisei.core import demo
        from saisei.core.personas import create_personas

        demo.register(10, "organisations and persona accounts", create_personas)
