"""Faust wiring only: the app, topics, wire records, tables. No analysis logic lives here."""
