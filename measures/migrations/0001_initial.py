"""
The measures' tables, created by the ``indicators`` app (its 0001), taken over here as they are: the state
learns of them and the database is not touched, so no row is lost. 0002 gives them this app's names.
"""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("childpopulation", "comparator", "target")


def content_types_follow(apps, schema_editor, old="indicators", new="measures"):
    """Permissions and admin history point at content types: move the three rows to this app too."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def content_types_go_back(apps, schema_editor):
    content_types_follow(apps, schema_editor, old="measures", new="indicators")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("indicators", "0003_measures_move_to_their_own_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ChildPopulation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(help_text='Collection year ending 31 March, e.g. 2025 for 2024-25.', unique=True)),
                        ('population', models.PositiveIntegerField(verbose_name='children aged 0 to 17')),
                        ('source', models.CharField(blank=True, max_length=255)),
                    ],
                    options={
                        'ordering': ['-year'],
                        'db_table': 'indicators_childpopulation',
                    },
                ),
                migrations.CreateModel(
                    name='Target',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('measure', models.CharField(max_length=80, unique=True)),
                        ('value', models.DecimalField(decimal_places=2, max_digits=9)),
                        ('amber_margin', models.DecimalField(decimal_places=2, default=5, max_digits=9)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['measure'],
                        'db_table': 'indicators_target',
                    },
                ),
                migrations.CreateModel(
                    name='Comparator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('measure', models.CharField(help_text="The measure's identifier, e.g. cla_rate_per_10000.", max_length=80)),
                        ('year', models.PositiveSmallIntegerField()),
                        ('england', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True)),
                        ('statistical_neighbours', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='statistical neighbours')),
                        ('source', models.CharField(blank=True, max_length=255)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['measure', '-year'],
                        'db_table': 'indicators_comparator',
                        'constraints': [models.UniqueConstraint(fields=('measure', 'year'), name='one_comparator_per_measure_year')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_go_back),
    ]
