"""application_history is append-only in the database too

Revision ID: 0007_history_append_only
Revises: 0006_continuing_education
"""

from alembic import op

revision = "0007_history_append_only"
down_revision = "0006_continuing_education"
branch_labels = None
depends_on = None

MESSAGE = "application_history rows are append-only"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION application_history_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER application_history_no_update BEFORE UPDATE ON application_history"
            " FOR EACH ROW EXECUTE FUNCTION application_history_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER application_history_no_update BEFORE UPDATE ON application_history"
            f" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade():
    op.execute(
        "DROP TRIGGER IF EXISTS application_history_no_update ON application_history"
        if op.get_bind().dialect.name == "postgresql"
        else "DROP TRIGGER IF EXISTS application_history_no_update"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS application_history_append_only()")
