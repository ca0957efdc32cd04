from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def recount_duties(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Count the duty tally again after `migrate` or `flush`.

    `flush` (and so every transactional test's teardown) empties the tables one by one in no
    set order; where it empties the tally before the duties, the duties' delete triggers leave
    it counting minus each of them. A recount of the duties as they are mends that, whatever the
    order was. After `migrate oversight zero` there is no tally to count."""
    from saisei.oversight import tally
    from saisei.oversight.models import DutyTally

    connection = connections[using]
    if DutyTally._meta.db_table in connection.introspection.table_names():
        tally.rebuild(connection)


class OversightConfig(AppConfig):
    name = "saisei.oversight"
    label = "oversight"
    verbose_name = _("Oversight")

    def ready(self) -> None:
        post_migrate.connect(recount_duties, sender=self, dispatch_uid="saisei.oversight.recount")
