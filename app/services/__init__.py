"""Services: load rows, call the workflow, append history, flush (never commit)."""
