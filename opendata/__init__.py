"""Open data: what Pantau publishes about complaints, never any personal data: the ranking
(ranking_api.py) and complaint exports as CSV and GeoJSON (exports.py)."""
