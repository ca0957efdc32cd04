"""The duty tally: the country's duties counted by place, rule, month due and month met.

The dashboard's duty figures (saisei.oversight.figures) count every duty due in a twelve-month
window and every duty overdue on a day, over a table of millions. The tally holds the same
duties already counted: one row per prefecture (or none), rule, month due, month met (0: not
met) and whether it was met by its due date, with the number of duties that share them. Waived
duties are left out (no figure counts them). Triggers on the duties, the institutions and the
facilities keep it (saisei.oversight.tally), in the transaction that changes them, so that it
is never behind the duties it counts; `saisei oversight check` compares it with a count
of the duties themselves, and `saisei oversight rebuild` makes it again.

A month is year * 12 + month - 1 (`month_index`), so that months compare as numbers.
"""

from __future__ import annotations

from datetime import date

from django.db import models


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


class DutyTally(models.Model):
    # The prefecture's code (registry.Prefecture) of the institution that owes the duties, or of
    # the facility for a facility with no account; "" for none (a committee's renewal).
    place = models.CharField(max_length=2)
    rule = models.CharField(max_length=40)
    due_month = models.IntegerField()
    # 0 while not met.
    met_month = models.IntegerField()
    # 1 where met on or before the due date.
    on_time = models.SmallIntegerField()
    duties = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["place", "rule", "due_month", "met_month", "on_time"],
                name="dutytally_key",
            )
        ]
        indexes = [
            # Met in the window (a range of months due), and not met by a day (met month 0 or
            # later): each one range of an index holding every column the figures read.
            models.Index(
                fields=["due_month", "met_month", "place", "rule", "on_time", "duties"],
                name="dutytally_due",
            ),
            models.Index(
                fields=["met_month", "due_month", "place", "rule", "on_time", "duties"],
                name="dutytally_met",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place or '-'} {self.rule} {self.due_month}/{self.met_month}: {self.duties}"


class FacilityTally(models.Model):
    """The plans that depend on each facility, counted per institution.

    One row per (facility, institution) with the number of that institution's plans that name
    the facility now and depend on it (in force or suspended: saisei.oversight.tally
    DEPENDENT_STATUSES), and the institution's prefecture, so that the dashboard ranks the
    facilities of an area by adding up rows rather than joining every link to its plan and its
    institution. A row's institutions count is 1 while its plans are more than 0. Kept by
    triggers like DutyTally (saisei.oversight.tally) and checked and rebuilt with it."""

    facility_id = models.BigIntegerField()
    institution_id = models.BigIntegerField()
    # The institution's prefecture (registry.Prefecture), "" where the institution is gone.
    place = models.CharField(max_length=2)
    plans = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["facility_id", "institution_id"], name="facilitytally_key"
            )
        ]
        indexes = [
            # The nation: every row in facility order, from the index alone.
            models.Index(fields=["facility_id", "plans"], name="facilitytally_facility"),
            # An area: its prefectures' rows.
            models.Index(fields=["place", "facility_id", "plans"], name="facilitytally_place"),
        ]

    def __str__(self) -> str:
        return f"facility {self.facility_id} ← institution {self.institution_id}: {self.plans}"


class EventTally(models.Model):
    """The country's adverse events counted by place, category and month learned.

    One row per (prefecture of the plan's institution, category, month the institution learned
    of the events: `month_index`) with the number of events that share them, so that the
    dashboard counts an area's events of a window by adding up a few hundred rows rather than
    placing every event of the window by its plan and its institution. An event of a plan not
    yet submitted counts at "" (none can be: an event is recorded only on a filed plan). Kept
    by triggers like DutyTally (saisei.oversight.tally) and checked and rebuilt with it."""

    place = models.CharField(max_length=2)
    category = models.CharField(max_length=30)
    learned_month = models.IntegerField()
    events = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["place", "category", "learned_month"], name="eventtally_key"
            )
        ]
        indexes = [
            # A window of months, every column the figures read in the index.
            models.Index(
                fields=["learned_month", "place", "category", "events"], name="eventtally_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place or '-'} {self.category} {self.learned_month}: {self.events}"
