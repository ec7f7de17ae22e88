"""The measure catalogue's daily job, deferred by the task queue's worker beside the label's and
the cadastre's (crons in UTC). Safe to run again: a reminder is sent once per measure and reason
until the tracking is updated, and the lead is written to once per reminder.
`manage.py send_measure_reminders` runs the same code by hand or from cron."""

import logging

from procrastinate.contrib.django import app

from measures.reminders import measure_reminders_send

logger = logging.getLogger(__name__)

DAILY_QUEUE = "daily"


# 04:50 UTC (05:50 / 06:50 in Bochum), after the cadastre's digest: in the offices' inboxes when
# the working day begins. Deferred once per day however many workers run (procrastinate).
@app.periodic(cron="50 4 * * *", periodic_id="daily")
@app.task(queue=DAILY_QUEUE)
def measure_reminders_daily(timestamp: int) -> None:
    report = measure_reminders_send()
    logger.info("Measure tracking reminders: %s", report)
