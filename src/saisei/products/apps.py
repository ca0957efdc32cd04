from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "saisei.products"
    label = "products"
    verbose_name = _("Products")

    def ready(self) -> None:
        from saisei.core import demo, reference
        from saisei.obligations import sources
        from saisei.products.demo import create_demo_product
        from saisei.products.obligations import TIME_LIMITS, time_limits_expected
        from saisei.products.reference import load

        reference.register("products", load)
        sources.register(
            "products.time_limits",
            ["pmd_time_limit", "pmd_condition_patients", "pmd_condition_surveillance"],
            time_limits_expected,
            # Read approval by approval, as the other sources are read subject by subject.
            by_subject=TIME_LIMITS,
        )
        demo.register(30, "a fictional conditional product of the demo holder", create_demo_product)
