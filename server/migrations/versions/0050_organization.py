"""The organization: its policy, invitations, the audit log; roles, activity and verified
addresses on users; scopes and expiry on API keys.

An installation that already has accounts gets its organization here: sign-up closed, the
oldest account its admin, every account a member. Addresses are not marked verified (nobody
ever proved them) except where a provider vouched for them (an OIDC identity with an address):
the others verify once, by the link mailed when they next sign in.

Revision ID: 0050_organization
Revises: 0041_scorecards
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kit.db import UTCDateTime, new_id, utcnow

revision: str = "0050_organization"
down_revision: str | None = "0041_scorecards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "the audit log is append-only"


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("signup_policy", sa.String(20), nullable=False),
        sa.Column("allowed_domains", sa.JSON(), nullable=False),
        sa.Column("required_providers", sa.JSON(), nullable=False),
        sa.Column("invite_domains", sa.JSON(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organizations")),
        sa.UniqueConstraint("slug", name=op.f("uq_organizations_slug")),
    )
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.add_column(sa.Column("organization_id", sa.String(32), nullable=True))
        batch.add_column(
            sa.Column("role", sa.String(20), nullable=False, server_default="interviewer")
        )
        batch.add_column(
            sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("email_verified_at", UTCDateTime(), nullable=True))
    op.create_index("ix_users_organization_id", "users", ["organization_id"])
    with op.batch_alter_table("api_keys", recreate="never") as batch:
        batch.add_column(sa.Column("scopes", sa.JSON(), nullable=False, server_default='["full"]'))
        batch.add_column(sa.Column("expires_at", UTCDateTime(), nullable=True))
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("invited_by", sa.String(32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invitations_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["users.id"],
            name=op.f("fk_invitations_invited_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_index("ix_invitations_org_created", "invitations", ["organization_id", "created_at"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("organization_id", sa.String(32), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("actor_id", sa.String(32), nullable=True),
        sa.Column("actor_email", sa.String(320), nullable=True),
        sa.Column("target", sa.String(400), nullable=True),
        sa.Column("ip", sa.String(64), nullable=True),
        sa.Column("user_agent", sa.String(300), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_org_at", "audit_events", ["organization_id", "at"])
    op.create_index("ix_audit_events_action_at", "audit_events", ["action", "at"])
    _make_audit_append_only()
    _adopt_existing_accounts()


def _make_audit_append_only() -> None:
    """No UPDATE or DELETE of an audit row succeeds, whatever code asks for it."""
    if op.get_context().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    )


def _adopt_existing_accounts() -> None:
    bind = op.get_bind()
    users = sa.table(
        "users",
        sa.column("id", sa.String),
        sa.column("created_at", UTCDateTime()),
        sa.column("organization_id", sa.String),
        sa.column("role", sa.String),
        sa.column("email_verified_at", UTCDateTime()),
    )
    oldest = bind.execute(
        sa.select(users.c.id).order_by(users.c.created_at, users.c.id).limit(1)
    ).scalar()
    if oldest is None:
        return  # a new installation: the organization is made with the first account
    organizations = sa.table(
        "organizations",
        sa.column("id", sa.String),
        sa.column("slug", sa.String),
        sa.column("name", sa.String),
        sa.column("signup_policy", sa.String),
        sa.column("allowed_domains", sa.JSON),
        sa.column("required_providers", sa.JSON),
        sa.column("invite_domains", sa.JSON),
        sa.column("retention_days", sa.Integer),
        sa.column("created_at", UTCDateTime()),
        sa.column("updated_at", UTCDateTime()),
    )
    org_id, now = new_id(), utcnow()
    op.bulk_insert(
        organizations,
        [
            {
                "id": org_id,
                "slug": "default",
                "name": "Onsite",
                "signup_policy": "closed",
                "allowed_domains": [],
                "required_providers": [],
                "invite_domains": [],
                "retention_days": None,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    bind.execute(users.update().values(organization_id=org_id))
    bind.execute(users.update().where(users.c.id == oldest).values(role="admin"))
    identities = sa.table(
        "oidc_identities", sa.column("user_id", sa.String), sa.column("email", sa.String)
    )
    vouched = sa.select(identities.c.user_id).where(identities.c.email.is_not(None))
    bind.execute(
        users.update().where(users.c.id.in_(vouched)).values(email_verified_at=users.c.created_at)
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    op.drop_index("ix_audit_events_action_at", table_name="audit_events")
    op.drop_index("ix_audit_events_org_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index("ix_invitations_org_created", table_name="invitations")
    op.drop_table("invitations")
    # Dropped in place (SQLite 3.35+ can): rebuilding ``users`` would cascade-delete on SQLite.
    for column in ("expires_at", "scopes"):
        op.drop_column("api_keys", column)
    op.drop_index("ix_users_organization_id", table_name="users")
    for column in ("email_verified_at", "is_active", "role", "organization_id"):
        op.drop_column("users", column)
    op.drop_table("organizations")
