"""Edges that bring observations in: CSV files, MQTT, the demo's sample data."""
