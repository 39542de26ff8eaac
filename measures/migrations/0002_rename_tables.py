"""The taken-over tables get this app's names (indicators_comparator -> measures_comparator ...), rows and all."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("measures", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="childpopulation", table=None),
        migrations.AlterModelTable(name="comparator", table=None),
        migrations.AlterModelTable(name="target", table=None),
    ]
