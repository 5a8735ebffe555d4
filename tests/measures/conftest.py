"""The monitoring's small area tree and file writer, for measures justified by its indicators."""

from tests.monitoring.conftest import Tree, tree, write_file  # noqa: F401
