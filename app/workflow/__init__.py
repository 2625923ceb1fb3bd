"""Pure workflow core: states, transitions, rules, permissions (no Flask, no SQLAlchemy)."""
