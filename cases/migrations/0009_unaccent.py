from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent, for searches that ignore accents ("Marechal" finds "Maréchal");
    nothing on SQLite, where cases.search registers an equivalent function."""

    dependencies = [("cases", "0008_corrections_meetings_withdrawals")]

    operations = [UnaccentExtension()]
