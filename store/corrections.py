"""Operators' corrections as labelled examples: the texts intake misread, with the category a person gave.

A correction is audited (store/users.py audit) with its before and after and its `label`: the
category the operator chose, or `lainnya` for a text that is no complaint. Those rows, with the
complaints' texts, are what `benchmarks/classifier.py --corrections` measures the classifier on,
and what grows crm/data/classifier_examples.csv when officials review and add them. Nothing is
written to the packaged CSV at run time.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import AuditRow, ComplaintRow

AUDIT_ACTION = "complaint.correction"


def labelled_examples(session: Session) -> list[tuple[str, str]]:
    """(text, category) of every complaint an operator labelled, the latest label of each, oldest first."""
    labels: dict[int, str] = {}
    for target, detail in session.execute(select(AuditRow.target, AuditRow.detail)
                                          .where(AuditRow.action == AUDIT_ACTION).order_by(AuditRow.id)):
        if detail.get("label") and target is not None:
            labels.pop(int(target), None)
            labels[int(target)] = detail["label"]
    found = session.execute(select(ComplaintRow.id, ComplaintRow.text).where(ComplaintRow.id.in_(list(labels))))
    texts = {complaint_id: text for complaint_id, text in found}
    return [(texts[complaint_id], label) for complaint_id, label in labels.items() if complaint_id in texts]
