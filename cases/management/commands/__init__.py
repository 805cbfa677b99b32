from django.core.management.base import BaseCommand


class TranslatedCommand(BaseCommand):
    """A command whose `help` is marked for translation at class level (a lazy string): argparse lays
    the description out with `re`, which needs a plain str, so it is made one when the parser is built
    (in the language active then)."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if parser.description is not None:
            parser.description = str(parser.description)
        return parser
