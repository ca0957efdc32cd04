"""The lists' rank: 0 outstanding (open or overdue), 1 met or waived (it was 0 overdue, 1 open,
2 the rest, which put a duty stored overdue today ahead of an open one that fell due days
earlier but was not yet marked). A duty is marked overdue only after its due date, so the
outstanding duties by due date are the overdue ones first, and "overdue today" is still one
range of the (rank, due_on, id) index.

A generated column cannot change its expression in place: it is dropped with its indexes and
added again, and the database computes it for every row, with no row read into Python.
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
        ("obligations", "0006_list_rank_by_status"),
    ]

    operations = [
        *(
            migrations.RemoveIndex(model_name="obligation", name=index.name)
            for index in _list_indexes()
        ),
        migrations.RemoveField(model_name="obligation", name="rank"),
        migrations.AddField(
            model_name="obligation",
            name="rank",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(status__in=["open", "overdue"], then=models.Value(0)),
                    default=models.Value(1),
                ),
                output_field=models.SmallIntegerField(),
            ),
        ),
        *(migrations.AddIndex(model_name="obligation", index=index) for index in _list_indexes()),
    ]
