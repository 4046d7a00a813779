"""The domain of Pantau: complaints, categories, SKPDs, routing. Imports no Flask, Dash or SQLAlchemy."""
