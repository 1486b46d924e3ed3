"""The published site: Datasette plugins for campaign pages, embeds, feeds and safety.

Registered with Datasette through the `datasette` entry points in pyproject.toml, so
they load wherever the project is installed (the web process, tests, `make serve`).
"""
