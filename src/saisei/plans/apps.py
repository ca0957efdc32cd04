from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "saisei.plans"
    label = "plans"
    verbose_name = _("Provision plans")

    def ready(self) -> None:
        from saisei.core import demo, reference
        from saisei.plans import obligations, registry_dependents, registry_sections, search
        from saisei.plans.demo import load_plans_demo
        from saisei.plans.reference import load

        obligations.register_all()
        registry_sections.register()
        registry_dependents.register()
        search.connect()
        reference.register("plans.public_list", load)
        demo.register(40, "plans: provision plans in every state, reviews, orders", load_plans_demo)
