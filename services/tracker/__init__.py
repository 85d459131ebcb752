"""Tracker service: cases, SLA clocks on a working-day calendar, customer and escalation mails, the staff API."""
