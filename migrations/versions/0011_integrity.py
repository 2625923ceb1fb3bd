"""撤销职称: certificates can be revoked (date and reason); the 诚信档案 with its 3-year ban

Revision ID: 0011_integrity
Revises: 0010_notices
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_integrity"
down_revision = "0010_notices"
branch_labels = None
depends_on = None


def upgrade():
    # the certificate table first: on SQLite its CHECK rebuilds the table, before anything
    # references it
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("revoke_reason", sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            "ck_certificate_revoked",
            "(revoked_on IS NULL AND revoke_reason IS NULL)"
            " OR (revoked_on IS NOT NULL AND revoke_reason IS NOT NULL)",
        )

    op.create_table(
        "integrity_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("holder_name", sa.String(length=128), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("ban_ends_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("ban_ends_on >= recorded_on", name="ck_integrity_ban"),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificate.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("certificate_id"),
    )
    with op.batch_alter_table("integrity_record", schema=None) as batch_op:
        batch_op.create_index("ix_integrity_record_id_number", ["id_number"], unique=False)


def downgrade():
    with op.batch_alter_table("integrity_record", schema=None) as batch_op:
        batch_op.drop_index("ix_integrity_record_id_number")
    op.drop_table("integrity_record")
    with op.batch_alter_table("certificate", schema=None) as batch_op:
        batch_op.drop_constraint("ck_certificate_revoked", type_="check")
        batch_op.drop_column("revoke_reason")
        batch_op.drop_column("revoked_on")
