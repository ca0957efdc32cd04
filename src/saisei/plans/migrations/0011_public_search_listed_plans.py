# The public search over MHLW's list too: PublicPlan gains an id of its own (the FTS5 rowid), a
# plan that may be empty, the listed plan and the source. The table is derived (saisei.plans.search),
# so it is made again rather than altered: the text index and its triggers go, the table is
# dropped and created, the index is made over the new table and its rows are written afresh.

import django.db.models.deletion
from django.db import migrations, models

SQLITE_TEXT_INDEX = [
    "CREATE VIRTUAL TABLE plans_publicplan_fts USING fts5(search_text, tokenize='trigram')",
    """CREATE TRIGGER plans_publicplan_fts_insert AFTER INSERT ON plans_publicplan BEGIN
        INSERT INTO plans_publicplan_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER plans_publicplan_fts_delete AFTER DELETE ON plans_publicplan BEGIN
        DELETE FROM plans_publicplan_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER plans_publicplan_fts_update AFTER UPDATE ON plans_publicplan BEGIN
        DELETE FROM plans_publicplan_fts WHERE rowid = old.id;
        INSERT INTO plans_publicplan_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS plans_publicplan_fts_update",
    "DROP TRIGGER IF EXISTS plans_publicplan_fts_delete",
    "DROP TRIGGER IF EXISTS plans_publicplan_fts_insert",
    "DROP TABLE IF EXISTS plans_publicplan_fts",
]
POSTGRESQL_TEXT_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX pubplan_text ON plans_publicplan USING gin (search_text gin_trgm_ops)",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS pubplan_text"]


def _run(schema_editor, by_vendor):
    for sql in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def text_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_TEXT_INDEX, "postgresql": POSTGRESQL_TEXT_INDEX})


def drop_text_index(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


def refill(apps, schema_editor):
    """Every row afresh, as `saisei plans reindex` writes them. A new database has nothing to
    write; a database with plans is refilled by the search's own code when its model is this
    migration's state of it (a later migration that alters it refills by itself)."""
    from saisei.plans import search

    db = schema_editor.connection.alias
    if not search.writes_state_of(apps):
        return  # the code's rows are a later migration's: that one refills
    plan = apps.get_model("plans", "Plan")
    listed_plan = apps.get_model("plans", "ListedPlan")
    if not plan.objects.using(db).exists() and not listed_plan.objects.using(db).exists():
        return
    search.rebuild(system="migration plans 0011")


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0010_listed_committees"),
        ("registry", "0004_institution_match_keys"),
    ]

    operations = [
        migrations.RunPython(drop_text_index, text_index),
        migrations.DeleteModel(name="PublicPlan"),
        migrations.CreateModel(
            name="PublicPlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "plan",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="public_entry",
                        to="plans.plan",
                    ),
                ),
                (
                    "listed",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="public_entry",
                        to="plans.listedplan",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("saisei", "Filed through Saisei"),
                            ("mhlw", "MHLW's public list"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "institution",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="registry.institution",
                    ),
                ),
                ("institution_name", models.CharField(max_length=200)),
                ("institution_name_en", models.CharField(blank=True, max_length=200)),
                ("title", models.CharField(max_length=500)),
                ("title_en", models.CharField(blank=True, max_length=150)),
                ("plan_number", models.CharField(blank=True, max_length=60)),
                (
                    "prefecture",
                    models.CharField(
                        choices=[
                            ("01", "Hokkaido"),
                            ("02", "Aomori"),
                            ("03", "Iwate"),
                            ("04", "Miyagi"),
                            ("05", "Akita"),
                            ("06", "Yamagata"),
                            ("07", "Fukushima"),
                            ("08", "Ibaraki"),
                            ("09", "Tochigi"),
                            ("10", "Gunma"),
                            ("11", "Saitama"),
                            ("12", "Chiba"),
                            ("13", "Tokyo"),
                            ("14", "Kanagawa"),
                            ("15", "Niigata"),
                            ("16", "Toyama"),
                            ("17", "Ishikawa"),
                            ("18", "Fukui"),
                            ("19", "Yamanashi"),
                            ("20", "Nagano"),
                            ("21", "Gifu"),
                            ("22", "Shizuoka"),
                            ("23", "Aichi"),
                            ("24", "Mie"),
                            ("25", "Shiga"),
                            ("26", "Kyoto"),
                            ("27", "Osaka"),
                            ("28", "Hyogo"),
                            ("29", "Nara"),
                            ("30", "Wakayama"),
                            ("31", "Tottori"),
                            ("32", "Shimane"),
                            ("33", "Okayama"),
                            ("34", "Hiroshima"),
                            ("35", "Yamaguchi"),
                            ("36", "Tokushima"),
                            ("37", "Kagawa"),
                            ("38", "Ehime"),
                            ("39", "Kochi"),
                            ("40", "Fukuoka"),
                            ("41", "Saga"),
                            ("42", "Nagasaki"),
                            ("43", "Kumamoto"),
                            ("44", "Oita"),
                            ("45", "Miyazaki"),
                            ("46", "Kagoshima"),
                            ("47", "Okinawa"),
                        ],
                        max_length=2,
                    ),
                ),
                (
                    "risk_class",
                    models.CharField(
                        choices=[("I", "Class I"), ("II", "Class II"), ("III", "Class III")],
                        max_length=3,
                    ),
                ),
                (
                    "therapy",
                    models.CharField(
                        choices=[
                            ("adipose_msc", "Adipose-derived stem cells"),
                            ("prp", "Platelet-rich plasma (PRP)"),
                            ("fibroblasts", "Cultured fibroblasts"),
                            ("lymphocytes", "Immune cells (lymphocytes, NK, dendritic)"),
                            ("chondrocytes", "Cultured chondrocytes"),
                            ("bone_marrow", "Bone-marrow-derived cells"),
                            ("pluripotent", "ES or iPS cell-derived cells"),
                            ("gene_therapy", "Gene therapy"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("under_review", "Under committee review"),
                            ("approved", "Approved by the committee"),
                            ("filed", "Filed"),
                            ("restricted", "Filed: Class I provision restriction"),
                            ("active", "Active"),
                            ("change_under_review", "Change under committee review"),
                            ("change_approved", "Change approved by the committee"),
                            ("discontinued", "Discontinued"),
                            ("closed", "Closed"),
                            ("suspended", "Suspended by order"),
                            ("listed", "In MHLW's list"),
                            ("delisted", "No longer in MHLW's list"),
                        ],
                        max_length=30,
                    ),
                ),
                ("filed_on", models.DateField(blank=True, null=True)),
                ("search_text", models.TextField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["institution_name", "title", "id"], name="pubplan_sort"),
                    models.Index(fields=["plan_number", "id"], name="pubplan_number"),
                    models.Index(
                        fields=["prefecture", "institution_name", "title", "id"],
                        name="pubplan_pref",
                    ),
                    models.Index(
                        fields=["risk_class", "institution_name", "title", "id"],
                        name="pubplan_class",
                    ),
                    models.Index(
                        fields=["therapy", "institution_name", "title", "id"],
                        name="pubplan_therapy",
                    ),
                    models.Index(
                        fields=["status", "institution_name", "title", "id"],
                        name="pubplan_status",
                    ),
                    models.Index(
                        fields=["institution", "institution_name", "title", "id"],
                        name="pubplan_inst",
                    ),
                    models.Index(
                        fields=["risk_class", "prefecture", "therapy", "status"],
                        name="pubplan_facets",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("plan__isnull", False), ("listed__isnull", False), _connector="OR"
                        ),
                        name="pubplan_of_something",
                    ),
                ],
            },
        ),
        migrations.RunPython(text_index, drop_text_index),
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
