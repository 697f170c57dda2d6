"""People and their records: organisations, people, accounts, ratings, plans and the audit trail.

Ratings and audit events are only ever added to; see planner/models/ for what each table keeps.

Revision ID: 0002_people
Revises: 0001_baseline
Create Date: 2026-11-26

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002_people"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        sa.UniqueConstraint("name", name=op.f("uq_regions_name")),
    )
    op.create_table(
        "integrated_care_systems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"],
            ["regions.id"],
            name=op.f("fk_integrated_care_systems_region_id_regions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrated_care_systems")),
        sa.UniqueConstraint("name", name=op.f("uq_integrated_care_systems_name")),
    )
    with op.batch_alter_table("integrated_care_systems", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integrated_care_systems_region_id"),
            ["region_id"],
            unique=False,
        )

    op.create_table(
        "trusts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["integrated_care_systems.id"],
            name=op.f("fk_trusts_system_id_integrated_care_systems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusts")),
        sa.UniqueConstraint("name", name=op.f("uq_trusts_name")),
    )
    with op.batch_alter_table("trusts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trusts_system_id"), ["system_id"], unique=False
        )

    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("trust_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["trust_id"], ["trusts.id"], name=op.f("fk_teams_trust_id_trusts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("trust_id", "name", name=op.f("uq_teams_trust_id")),
    )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_teams_trust_id"), ["trust_id"], unique=False
        )

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("trust_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.String(length=64), nullable=False),
        sa.Column("band", sa.String(length=4), nullable=False),
        sa.Column("started_in_role", sa.Date(), nullable=False),
        sa.Column("line_manager_id", sa.Integer(), nullable=True),
        sa.Column("protected_hours", sa.Float(), nullable=False),
        sa.Column("target_role_id", sa.String(length=64), nullable=True),
        sa.Column("mentor_opt_in", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "protected_hours > 0 AND protected_hours <= 200",
            name=op.f("ck_people_protected_hours_range"),
        ),
        sa.ForeignKeyConstraint(
            ["line_manager_id"],
            ["people.id"],
            name=op.f("fk_people_line_manager_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_people_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["trust_id"], ["trusts.id"], name=op.f("fk_people_trust_id_trusts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email", name=op.f("uq_people_email")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_people_line_manager_id"), ["line_manager_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_people_team_id"), ["team_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_people_trust_id"), ["trust_id"], unique=False
        )

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("roles", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_accounts_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("email", name=op.f("uq_accounts_email")),
        sa.UniqueConstraint("person_id", name=op.f("uq_accounts_person_id")),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("framework_version", sa.String(length=40), nullable=False),
        sa.Column("target_role_id", sa.String(length=64), nullable=True),
        sa.Column("route", sa.Integer(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("staff_agreed_at", sa.DateTime(), nullable=True),
        sa.Column("staff_agreed_by_id", sa.Integer(), nullable=True),
        sa.Column("manager_agreed_at", sa.DateTime(), nullable=True),
        sa.Column("manager_agreed_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'agreed')", name=op.f("ck_plans_status_kind")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_plans_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["manager_agreed_by_id"],
            ["people.id"],
            name=op.f("fk_plans_manager_agreed_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_plans_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["staff_agreed_by_id"],
            ["people.id"],
            name=op.f("fk_plans_staff_agreed_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("person_id", "version", name=op.f("uq_plans_person_id")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plans_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("rater", sa.String(length=8), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "rater IN ('self', 'manager')", name=op.f("ck_ratings_rater_kind")
        ),
        sa.CheckConstraint(
            "level >= 0 AND level <= 10", name=op.f("ck_ratings_level_range")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_ratings_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["rated_by_id"], ["people.id"], name=op.f("fk_ratings_rated_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ratings_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ratings_rated_by_id"), ["rated_by_id"], unique=False
        )

    op.create_table(
        "team_managers",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_team_managers_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_managers_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "person_id", name=op.f("pk_team_managers")),
    )
    with op.batch_alter_table("team_managers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_managers_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_audit_events_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_audit_events_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_events_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_person_id"), ["person_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_person_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_account_id"))

    op.drop_table("audit_events")
    with op.batch_alter_table("team_managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_managers_person_id"))

    op.drop_table("team_managers")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ratings_rated_by_id"))
        batch_op.drop_index(batch_op.f("ix_ratings_person_id"))

    op.drop_table("ratings")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_person_id"))

    op.drop_table("plans")
    op.drop_table("accounts")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_trust_id"))
        batch_op.drop_index(batch_op.f("ix_people_team_id"))
        batch_op.drop_index(batch_op.f("ix_people_line_manager_id"))

    op.drop_table("people")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_trust_id"))

    op.drop_table("teams")
    with op.batch_alter_table("trusts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusts_system_id"))

    op.drop_table("trusts")
    with op.batch_alter_table("integrated_care_systems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrated_care_systems_region_id"))

    op.drop_table("integrated_care_systems")
    op.drop_table("regions")
