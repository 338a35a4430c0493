"""/v1/articles: search, export, detail, ingest and delete."""
