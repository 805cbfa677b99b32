"""Formats of dates and numbers per language (settings.FORMAT_MODULE_PATH), where Django's own
do not match the usage of the courts."""
