"""Their data is theirs: everything held about the signed-in client, as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from flask import Response, render_template
from sqlalchemy import func, inspect, or_, select

from blueprints.booking.models import Booking
from blueprints.contact.models import Enquiry
from blueprints.me import bp
from blueprints.me.auth import CLIENT_KIND
from blueprints.me.models import Client, DrillLog, Plan, PlanDrill, SessionLog, SignInLink
from blueprints.me.routes import client_required
from blueprints.programs.models import Signup
from blueprints.shared.extensions import db
from blueprints.shared.models import OutboxMessage, UserSession

SKIP_COLUMNS = {"nonce", "body_html", "attachments", "message_id"}


def _row(record: Any) -> dict[str, Any]:
    skip = SKIP_COLUMNS | ({"id"} if isinstance(record, UserSession) else set())  # a token hash
    return {
        column.key: _plain(getattr(record, column.key))
        for column in inspect(record).mapper.column_attrs
        if column.key not in skip
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def everything_about(client: Client) -> dict[str, list[dict[str, Any]]]:
    """Every row held about the client, table by table."""
    email = client.email
    enquiry_ids = select(Enquiry.id).where(func.lower(Enquiry.email) == email)
    plan_ids = select(Plan.id).where(Plan.client_id == client.id)
    session_ids = select(SessionLog.id).where(SessionLog.client_id == client.id)
    queries = {
        "client": select(Client).where(Client.id == client.id),
        "sign_in_links": select(SignInLink).where(SignInLink.client_id == client.id),
        "program_signups": select(Signup).where(func.lower(Signup.email) == email),
        "enquiries": select(Enquiry).where(Enquiry.id.in_(enquiry_ids)),
        "bookings": select(Booking).where(Booking.enquiry_id.in_(enquiry_ids)),
        "sign_ins": select(UserSession).where(
            UserSession.subject_kind == CLIENT_KIND, UserSession.subject_id == client.id
        ),
        "plans": select(Plan).where(Plan.id.in_(plan_ids)),
        "plan_drills": select(PlanDrill).where(PlanDrill.plan_id.in_(plan_ids)),
        "sessions": select(SessionLog).where(SessionLog.id.in_(session_ids)),
        "drill_logs": select(DrillLog).where(DrillLog.session_id.in_(session_ids)),
        "emails": select(OutboxMessage).where(
            or_(
                func.lower(OutboxMessage.subject_email) == email,
                func.lower(OutboxMessage.to_addr) == email,
            )
        ),
    }
    return {name: [_row(r) for r in db.session.scalars(q)] for name, q in queries.items()}


@bp.get("/data")
@client_required
def data(client: Client) -> str:
    """What the client can download, and how to have it erased."""
    counts = {name: len(rows) for name, rows in everything_about(client).items()}
    return render_template("me/data.html", counts=counts)


@bp.get("/data.json")
@client_required
def data_json(client: Client) -> Response:
    """Everything, as one JSON document."""
    body = json.dumps(everything_about(client), indent=2, ensure_ascii=False)
    return _download(body, "application/json", "my-data.json")


@bp.get("/data.csv")
@client_required
def data_csv(client: Client) -> Response:
    """Everything, as one CSV: a line per stored value (table, row id, field, value)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "id", "field", "value"])
    for table, rows in everything_about(client).items():
        for row in rows:
            for key, value in row.items():
                text = "" if value is None else str(value)
                if text[:1] in ("=", "+", "-", "@"):  # no formulas when opened in a spreadsheet
                    text = "'" + text
                writer.writerow([table, row.get("id", ""), key, text])
    return _download(out.getvalue(), "text/csv", "my-data.csv")


def _download(body: str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=f"{mimetype}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
