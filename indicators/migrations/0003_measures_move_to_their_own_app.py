"""
The measures' tables (child population, comparators, targets) now belong to the ``measures`` app. This
migration only forgets them here; the tables and their rows stay, and ``measures`` 0001 takes them over.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0002_self_evaluation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ChildPopulation"),
                migrations.DeleteModel(name="Comparator"),
                migrations.DeleteModel(name="Target"),
            ],
            database_operations=[],
        )
    ]
