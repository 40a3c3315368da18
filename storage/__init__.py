"""Persistence: models, the database handle, repositories and migrations. Only here is SQL written."""
