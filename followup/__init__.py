"""Follow-up by people: officials' transitions through the API, public tracking by ticket."""
