from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Missions d'expertise"

    def ready(self):
        from cases import search

        search.install()  # searches that ignore accents, on PostgreSQL and SQLite alike
