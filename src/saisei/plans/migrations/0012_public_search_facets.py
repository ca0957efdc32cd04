# The public search counts and filters by condition, reporting and orders: PublicPlan keeps each
# plan's kind of condition, order record and reporting (saisei.plans.search), and the facets' index
# holds them. On SQLite, adding a column remakes the table, which drops its text index's triggers:
# they go first and are made again after, the update trigger now only for a new text (the
# reporting and the orders are updated in place and move no text). The rows are written afresh.

from django.db import migrations, models

SQLITE_TRIGGERS = [
    """CREATE TRIGGER plans_publicplan_fts_insert AFTER INSERT ON plans_publicplan BEGIN
        INSERT INTO plans_publicplan_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER plans_publicplan_fts_delete AFTER DELETE ON plans_publicplan BEGIN
        DELETE FROM plans_publicplan_fts WHERE rowid = old.id;
    END""",
]
SQLITE_UPDATE = """CREATE TRIGGER plans_publicplan_fts_update AFTER UPDATE {of}ON plans_publicplan
    BEGIN
        DELETE FROM plans_publicplan_fts WHERE rowid = old.id;
        INSERT INTO plans_publicplan_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END"""
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS plans_publicplan_fts_update",
    "DROP TRIGGER IF EXISTS plans_publicplan_fts_delete",
    "DROP TRIGGER IF EXISTS plans_publicplan_fts_insert",
]


def _sqlite(schema_editor, statements):
    if schema_editor.connection.vendor == "sqlite":
        for sql in statements:
            schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    _sqlite(schema_editor, SQLITE_DROP)


def triggers(apps, schema_editor):
    _sqlite(schema_editor, [*SQLITE_TRIGGERS, SQLITE_UPDATE.format(of="OF search_text ")])


def old_triggers(apps, schema_editor):
    _sqlite(schema_editor, [*SQLITE_TRIGGERS, SQLITE_UPDATE.format(of="")])


def refill(apps, schema_editor):
    """Every row afresh, as `saisei plans reindex` writes them, by the search's own code when its
    model is this migration's state of it (else a later migration refills). A new database has
    nothing to write."""
    from saisei.plans import search

    db = schema_editor.connection.alias
    if not search.writes_state_of(apps):
        return
    plan = apps.get_model("plans", "Plan")
    listed_plan = apps.get_model("plans", "ListedPlan")
    if not plan.objects.using(db).exists() and not listed_plan.objects.using(db).exists():
        return
    search.rebuild(system="migration plans 0012")


class Migration(migrations.Migration):
    # The refill reads the duties (obligations), the adverse events (reporting) and writes an
    # audit event: their tables as this code knows them.
    dependencies = [
        ("plans", "0011_public_search_listed_plans"),
        ("registry", "0004_institution_match_keys"),
        ("obligations", "0008_committee_closed_and_verify_index"),
        ("reporting", "0004_outcome_values_index"),
        ("audit", "0003_sqlite_refuses_delete"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, old_triggers),
        migrations.RemoveIndex(
            model_name="publicplan",
            name="pubplan_facets",
        ),
        migrations.AddField(
            model_name="publicplan",
            name="condition",
            field=models.CharField(
                choices=[
                    ("joints", "Joints and cartilage"),
                    ("muscles", "Muscles, tendons and ligaments"),
                    ("pain", "Chronic pain"),
                    ("nerves", "Brain, spinal cord and nerves"),
                    ("heart", "Heart and blood vessels"),
                    ("cancer", "Cancer"),
                    ("skin", "Skin, scars and appearance"),
                    ("hair", "Hair loss"),
                    ("mouth", "Mouth, teeth and jaw"),
                    ("fertility", "Fertility and women's health"),
                    ("other", "Other, or not named"),
                ],
                default="other",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="publicplan",
            name="next_due",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="publicplan",
            name="orders",
            field=models.CharField(
                choices=[
                    ("in_force", "An order in force"),
                    ("lifted", "Past orders, all lifted"),
                    ("none", "No order recorded"),
                ],
                default="none",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="publicplan",
            name="reported",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="publicplan",
            name="reported_late",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="publicplan",
            index=models.Index(
                fields=["condition", "institution_name", "title", "id"], name="pubplan_condition"
            ),
        ),
        migrations.AddIndex(
            model_name="publicplan",
            index=models.Index(
                fields=["orders", "institution_name", "title", "id"], name="pubplan_orders"
            ),
        ),
        migrations.AddIndex(
            model_name="publicplan",
            index=models.Index(
                fields=[
                    "risk_class",
                    "prefecture",
                    "therapy",
                    "status",
                    "condition",
                    "orders",
                    "source",
                    "next_due",
                    "reported_late",
                    "reported",
                ],
                name="pubplan_facets",
            ),
        ),
        migrations.RunPython(triggers, drop_triggers),
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
