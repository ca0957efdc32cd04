# Two keys written before the code that now reads them differently:
# - a listed committee's founder key: saisei.core.text.normalise folds variant kanji (髙 as 高), as
#   the institutions' corporation keys now do (registry 0005), so that the institutions a founder
#   runs are found;
# - a plan number of the shape of MHLW's list accepted in full-width characters or lower case: kept
#   as the list writes it (saisei.plans.services.public_list.canonical_plan_number), linked to its
#   listing, and the search written afresh for the plans it changes.

from django.db import migrations


def fold(apps, schema_editor):
    from saisei.plans.services.public_list import canonical_plan_number
    from saisei.registry.names import founder_key

    db = schema_editor.connection.alias
    listed_committee = apps.get_model("plans", "ListedCommittee")
    for row in listed_committee.objects.using(db).only("pk", "founder", "founder_key").iterator():
        key = founder_key(row.founder)
        if key != row.founder_key:
            listed_committee.objects.using(db).filter(pk=row.pk).update(founder_key=key)

    plan = apps.get_model("plans", "Plan")
    listed_plan = apps.get_model("plans", "ListedPlan")
    changed = []
    numbered = plan.objects.using(db).exclude(plan_number="").exclude(plan_number__isnull=True)
    for pk, number in numbered.values_list("pk", "plan_number").iterator():
        canonical = canonical_plan_number(number)
        if canonical == number:
            continue
        if plan.objects.using(db).filter(plan_number=canonical).exclude(pk=pk).exists():
            continue  # another plan holds it: left for the authority to settle
        plan.objects.using(db).filter(pk=pk).update(plan_number=canonical)
        listed_plan.objects.using(db).filter(plan_number=canonical, plan__isnull=True).update(
            plan_id=pk
        )
        changed.append(pk)
    if changed:
        _resync(apps, changed)


def _resync(apps, plan_ids):
    """The search rows of these plans, by the search's own code when its model is this
    migration's state of it (else a later migration refills the whole table)."""
    from saisei.plans import search

    if search.writes_state_of(apps):
        search.sync(plan_ids)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0012_public_search_facets"),
        ("registry", "0005_institution_match_keys_itaiji"),
    ]

    operations = [migrations.RunPython(fold, migrations.RunPython.noop)]
