"""Where each of the five steps lives, for templates (the step bar) and redirects."""

from __future__ import annotations

from flask import Flask, url_for

from app.models import Section

SECTION_ENDPOINTS = {
    Section.BASIC: ("ApplicantBasicView.index", {}),
    Section.EDUCATION: ("ApplicantItemView.section", {"number": 2}),
    Section.EXPERIENCE: ("ApplicantItemView.section", {"number": 3}),
    Section.ACHIEVEMENT: ("ApplicantItemView.section", {"number": 4}),
    Section.SUMMARY: ("ApplicantSummaryView.index", {}),
}


def section_url(section: Section) -> str:
    endpoint, args = SECTION_ENDPOINTS[section]
    try:
        return url_for(endpoint, **args)
    except Exception:  # the step's page is not registered in this build
        return "#"


def register(app: Flask) -> None:
    app.jinja_env.globals.update(section_url=section_url, sections=list(Section))
