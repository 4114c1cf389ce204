"""The register import: `run` orchestrates one import (reading, checking, recording the run),
`sync` writes the differences, `report` formats the outcome, `progress` tells how far it has
come and `liveness` whether the process running it is still alive. registry_import.services is
the entry point the rest of the portal uses."""
