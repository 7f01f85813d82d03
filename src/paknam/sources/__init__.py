"""Connectors that bring observations in from outside systems: CSV files, MQTT, the
air4thai feed. A platform layer: they write through the core store and import nothing but
``paknam.core``."""
