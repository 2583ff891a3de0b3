"""Digests remember who claimed them, so a killed claimer's digest is finished in seconds;
partial indexes for what the liveness sweeper reads every second.

On PostgreSQL every process sweeps for dead processes (``storage.liveness``); with the
claimer's name on the row it frees that process's digest claims too, instead of leaving them
for the 10-minute stale check. Rows claimed before this revision have no claimer (NULL) and
keep the stale check. The sweeper's queries (owners of leased outbox rows and of digests in
flight) use small partial indexes instead of reading both growing tables every second.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LEASED = sa.text("lease_owner IS NOT NULL")
IN_FLIGHT = sa.text("status = 'claimed' AND claimed_by IS NOT NULL")


def upgrade() -> None:
    op.add_column("digests", sa.Column("claimed_by", sa.String(length=128), nullable=True))
    op.create_index(
        "ix_digests_claimed_by",
        "digests",
        ["claimed_by"],
        postgresql_where=IN_FLIGHT,
        sqlite_where=IN_FLIGHT,
    )
    op.create_index(
        "ix_outbox_lease_owner",
        "outbox",
        ["lease_owner"],
        postgresql_where=LEASED,
        sqlite_where=LEASED,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_lease_owner", table_name="outbox")
    op.drop_index("ix_digests_claimed_by", table_name="digests")
    with op.batch_alter_table("digests") as batch:  # SQLite rebuilds the table
        batch.drop_column("claimed_by")
