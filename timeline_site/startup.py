"""Datasette plugin: the published database always has the current schema.

The web process may start before the first nightly run, or after an upgrade that added
columns; bringing the schema up to date at startup means pages never fail on a missing
view or column.
"""

from datasette import hookimpl

from pipelines.schema import open_database


@hookimpl
def startup(datasette):
    database = datasette.databases.get("timeline")
    if database is None or database.path is None or database.is_memory:
        return
    open_database(database.path).conn.close()
