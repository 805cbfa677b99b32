"""Writes: one function per business action, keyword-only, atomic, validated before saving."""
