"""The lists' rank by status: 0 overdue, 1 open, 2 met or waived (it was 0 outstanding, 1 the
rest), so that "overdue today" is one range of the (rank, due_on, id) index.

A generated column cannot change its expression in place: it is dropped with its indexes and
added again, and the database computes it for every row (SQLite rebuilds the table; PostgreSQL
rewrites it), with no row read into Python.
"""

from django.db import migrations, models


def _list_indexes() -> list[models.Index]:
    return [
        models.Index(fields=["rank", "due_on", "id"], name="obligation_list_rank"),
        models.Index(fields=["organisation", "rank", "due_on", "id"], name="obligation_list_org"),
        models.Index(
            fields=["also_visible_to", "rank", "due_on", "id"], name="obligation_list_seen"
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0005_list_rank"),
    ]

    operations = [
        *(
            migrations.RemoveIndex(model_name="obligation", name=name)
            for name in (
                "obligation_list_rank",
                "obligation_list_status",
                "obligation_list_org",
                "obligation_list_seen",
            )
        ),
        migrations.RemoveField(model_name="obligation", name="rank"),
        migrations.AddField(
            model_name="obligation",
            name="rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(status="overdue", then=models.Value(0)),
                    models.When(status="open", then=models.Value(1)),
                    default=models.Value(2),
                ),
                output_field=models.SmallIntegerField(),
            ),
        ),
        *(migrations.AddIndex(model_name="obligation", index=index) for index in _list_indexes()),
    ]
