"""
The DfE's own validation rules, run on every import: what they found, beside the import (the count per rule and
its first rows), and on the loaded return its total or, blank, why it was not checked (reversing: blank is 0).
"""
import django.db.models.deletion
from django.db import migrations, models


def blank_to_zero(apps, schema_editor):
    apps.get_model("children", "CohortReturn").objects.filter(validation_error_count=None).update(validation_error_count=0)


class Migration(migrations.Migration):

    dependencies = [
        ('children', '0009_adoption_tables'),
    ]

    operations = [
        migrations.AddField(
            model_name='cohortreturn',
            name='validation_note',
            field=models.TextField(blank=True, help_text="Why the return was not checked against the DfE's rules (no rule pack for its year...)."),
        ),
        migrations.AlterField(
            model_name='cohortreturn',
            name='validation_error_count',
            field=models.PositiveIntegerField(blank=True, help_text="How many of the DfE's validation rule failures the loaded return carries (blank: not checked).", null=True, verbose_name='DfE validation errors'),
        ),
        migrations.RunPython(migrations.RunPython.noop, blank_to_zero),
        migrations.CreateModel(
            name='DfeRuleCheck',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('ran', 'Checked'), ('no_pack', 'No DfE rule pack for the year'), ('off', 'Switched off'), ('not_run', 'Could not be run')], max_length=10)),
                ('message', models.TextField(blank=True, help_text='Why the rules were not run, in words for the officer.')),
                ('pack', models.CharField(blank=True, help_text="The engine's pack, e.g. lac2024_25.", max_length=20, verbose_name='rule pack')),
                ('failure_count', models.PositiveIntegerField(default=0, help_text='Rows flagged, over every rule.')),
                ('not_run', models.JSONField(blank=True, default=list, help_text='Rules the engine could not apply.')),
                ('files_not_checked', models.JSONField(blank=True, default=list, help_text='[file, why] the engine was not given.')),
                ('seconds', models.FloatField(blank=True, null=True)),
                ('cohort_import', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='rule_check', to='children.cohortimport')),
            ],
        ),
        migrations.CreateModel(
            name='DfeRuleFailure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=20)),
                ('message', models.TextField()),
                ('fields', models.JSONField(blank=True, default=list)),
                ('count', models.PositiveIntegerField()),
                ('findings', models.JSONField(blank=True, default=list, help_text='[table, row, child] of the first rows flagged.')),
                ('position', models.PositiveIntegerField(default=0, help_text='The rules in code order (101 before 1001).')),
                ('rule_check', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='failures', to='children.dferulecheck')),
            ],
            options={
                'ordering': ['rule_check', 'position'],
            },
        ),
    ]
