"""Pure validation helpers for forms (no Flask imports)."""
