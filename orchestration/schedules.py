"""The daily schedule: pending work, every check again (corpus-level and cross-year), a fresh snapshot."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.jobs import daily_maintenance

DAILY_RUN_CONFIG = {"ops": {"check_results": {"config": {"recheck_all": True}}}}

daily_maintenance_schedule = dg.ScheduleDefinition(
    name="daily_maintenance_schedule",
    job=daily_maintenance,
    cron_schedule=os.environ.get("OGI_DAILY_CRON", "0 3 * * *"),
    execution_timezone=os.environ.get("OGI_TIMEZONE", "UTC"),
    run_config=DAILY_RUN_CONFIG,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Daily at 03:00 ($OGI_DAILY_CRON): pending ledger work, all checks re-run, snapshot republished.",
)
