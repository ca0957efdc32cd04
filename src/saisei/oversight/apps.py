from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def recount_duties(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Count the tallies again after `migrate` or `flush`.

    `flush` (and so every transactional test's teardown) empties the tables one by one in no
    set order; where it empties the tally before the duties, the duties' delete triggers leave
    it counting minus each of them. A recount of the duties as they are mends that, whatever the
    order was. A tally whose table a migration has not made yet (or has
    removed) is left alone."""
    from saisei.oversight import tally

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    parts = tuple(part for part in tally.PARTS if part in tables)
    if parts:
        tally.rebuild(connection, parts)


class OversightConfig(AppConfig):
    name = "saisei.oversight"
    label = "oversight"
    verbose_name = _("Oversight")

    def ready(self) -> None:
        post_migrate.connect(recount_duties, sender=self, dispatch_uid="saisei.oversight.recount")
