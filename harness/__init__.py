"""Real parts that tests and benchmarks both run: the migrated database, the site on it, an SMTP
server on loopback, a live HTTP server and gunicorn. Neither tests/ nor bench/ owns them; both
import from here (and never from each other).
"""

from harness.database import (
    Database,
    base_test_config,
    build_migrated_database,
    clean_postgres_database,
    copy_database,
    database_uri,
    make_app,
    shutdown_app,
    stored,
    worker_postgres_database,
)
from harness.mail import ReceivedMail, SmtpRecorder, SmtpServer, attachment_named
from harness.servers import LiveServer, child_environment, free_port, wait_until

__all__ = [
    "Database",
    "LiveServer",
    "ReceivedMail",
    "SmtpRecorder",
    "SmtpServer",
    "attachment_named",
    "base_test_config",
    "build_migrated_database",
    "child_environment",
    "clean_postgres_database",
    "copy_database",
    "database_uri",
    "free_port",
    "make_app",
    "shutdown_app",
    "stored",
    "wait_until",
    "worker_postgres_database",
]
