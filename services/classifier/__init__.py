"""Classifier service: labels kind, category and severity from a rule file and counts, with reasons."""
