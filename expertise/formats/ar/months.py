"""The months as Tunisian courts write them (جانفي، فيفري، ... أوت), not the Mashriq names of
Django's own Arabic catalogue (يناير، فبراير، ... أغسطس). Django's msgids are marked here so that
`makemessages` keeps them in locale/ar/LC_MESSAGES/django.po, which comes before Django's
catalogue (LOCALE_PATHS). Nothing imports this module: it exists for the catalogue."""

from django.utils.translation import gettext_noop, pgettext_lazy

# The "F" date format (django.utils.dates.MONTHS).
MONTHS = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]

# The "E" date format (django.utils.dates.MONTHS_ALT).
MONTHS_ALT = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
