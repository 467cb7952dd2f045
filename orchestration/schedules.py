"""The daily schedule: pending work, every check again (corpus-level and cross-year), a fresh snapshot.

Built when the code location is loaded (orchestration.definitions), from the
settings of that moment: `$OGI_DAILY_CRON` and `$OGI_TIMEZONE` are never read
at import.
"""

from __future__ import annotations

import dagster as dg

from orchestration.jobs import daily_maintenance
from orchestration.settings import Settings

DAILY_RUN_CONFIG = {"ops": {"check_results": {"config": {"recheck_all": True}}}}


def daily_maintenance_schedule(settings: Settings) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="daily_maintenance_schedule",
        job=daily_maintenance,
        cron_schedule=settings.daily_cron,
        execution_timezone=settings.timezone,
        run_config=DAILY_RUN_CONFIG,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description=f"{settings.daily_cron} ({settings.timezone}; $OGI_DAILY_CRON, $OGI_TIMEZONE): "
        "pending ledger work, all checks re-run, snapshot republished.",
    )
