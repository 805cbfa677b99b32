"""Arabic as written in Tunisia: day/month/year, the 24-hour clock, a decimal comma, the same
number grouping as French (a Tunisian page reads "450,000" whichever the language). Django's own
Arabic formats are those of the Mashriq (12-hour clock, "j F، Y") and give no input format, so a
date typed as 25/10/2026 would be read month first."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # '25/10/2026'
    "%d/%m/%y",  # '25/10/26'
    "%Y-%m-%d",  # '2026-10-25' (<input type="date">)
]
TIME_INPUT_FORMATS = [
    "%H:%M",  # '14:30'
    "%H:%M:%S",  # '14:30:59'
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",  # '25/10/2026 14:30:59'
    "%d/%m/%Y %H:%M",  # '25/10/2026 14:30'
    "%Y-%m-%dT%H:%M",  # '2026-10-25T14:30' (<input type="datetime-local">)
    "%Y-%m-%d %H:%M:%S",  # '2026-10-25 14:30:59'
    "%Y-%m-%d %H:%M",  # '2026-10-25 14:30'
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space, as in French
NUMBER_GROUPING = 3
