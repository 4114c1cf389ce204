"""What the register announces to the apps above it, which connect their receivers in their
hooks.py. The register only announces; each receiver calls its own services."""

from django.dispatch import Signal

# Sent once an import that changed the register has been committed (not for a dry run, nor
# for an extract that changed nothing). Keyword argument: run, the ImportRun.
import_succeeded = Signal()
