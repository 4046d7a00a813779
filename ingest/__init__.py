"""The doors complaints come in by: HTTP API now, one adapter per channel later."""
