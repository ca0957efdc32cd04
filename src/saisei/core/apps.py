from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saisei.core"
    label = "core"
