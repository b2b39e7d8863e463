"""The in-process timer sweep of the embedded set-up (``scripts/start``).

A deployment runs ``flask --app wsgi workflows tick`` every minute from cron or a systemd
timer instead (docs/workflows.md); both call the same ``services.run_due_timers``.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)
INTERVAL_SECONDS = 60


def start(app) -> threading.Thread:
    stop = threading.Event()

    def loop() -> None:
        from victimcare.workflow import services

        while not stop.wait(INTERVAL_SECONDS):
            try:
                with app.app_context():
                    services.run_due_timers()
            except Exception:  # keep ticking; the next round retries
                logger.exception("timer sweep failed")

    thread = threading.Thread(target=loop, name="victimcare-timers", daemon=True)
    thread.start()
    return thread
