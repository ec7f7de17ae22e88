"""The label's daily jobs, deferred by the task queue's worker (fabtown/tasks.py).

The same code as the management commands label_memberships_daily and
label_delete_rejected_personal_data, which stay for cron or systemd (README, "Daily jobs").
Crons are in UTC. Two workers never run a day's job twice: procrastinate defers a periodic job
once per task and scheduled time (a unique row in procrastinate_periodic_defers), and both jobs
are safe to run again anyway (nobody is reminded twice for the same term).
"""

import logging

from procrastinate.contrib.django import app

from label.services import (
    label_applications_delete_personal_data,
    memberships_expire,
    memberships_send_renewal_reminders,
)

logger = logging.getLogger(__name__)

DAILY_QUEUE = "daily"


@app.periodic(cron="15 4 * * *", periodic_id="daily")  # 05:15 / 06:15 in Bochum
@app.task(queue=DAILY_QUEUE)
def memberships_daily(timestamp: int) -> None:
    reminded = memberships_send_renewal_reminders()
    expired = memberships_expire()
    logger.info("%s renewal reminder(s) sent, %s expiry notice(s) sent.", reminded, expired)


@app.periodic(cron="20 4 * * *", periodic_id="daily")
@app.task(queue=DAILY_QUEUE)
def delete_rejected_personal_data(timestamp: int) -> None:
    count = label_applications_delete_personal_data()
    logger.info("Personal data of %s rejected application(s) deleted.", count)
