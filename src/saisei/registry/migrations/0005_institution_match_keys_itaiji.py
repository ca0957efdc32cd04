# The institutions' match keys again: saisei.core.text.normalise now folds variant kanji (髙 as
# 高), so a key written before would not meet the same name written the common way.

from django.db import migrations


def fill_keys(apps, schema_editor):
    """The match keys of the institutions registered (saisei.registry.names: a pure function of
    the name, as Institution.save keeps them); only a key that changes is written."""
    from saisei.registry.names import name_key

    Institution = apps.get_model("registry", "Institution")
    rows = Institution.objects.only("pk", "name", "corporation_key", "name_key")
    for institution in rows.iterator():
        corporation, facility = name_key(institution.name)
        if (corporation, facility) != (institution.corporation_key, institution.name_key):
            Institution.objects.filter(pk=institution.pk).update(
                corporation_key=corporation, name_key=facility
            )


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_institution_match_keys")]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
