"""Process templates: the usual steps of a process, with offsets from its start date.

A registry of small classes picked by key (ARCHITECTURE.md, "Registries for variants"); the
standard template follows the steps a Kreis takes towards strategic social planning (the
Rheinisch-Bergischer Kreis' path in the seed, and the FSA's advice).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StepTemplate:
    key: str
    title: str
    start: int  # days after the process start
    due: int  # days after the process start
    depends_on: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class PhaseTemplate:
    title: str
    steps: tuple[StepTemplate, ...]


@dataclass(frozen=True)
class PlanTemplate:
    key: str
    title: str
    description: str
    phases: tuple[PhaseTemplate, ...] = field(default_factory=tuple)
    cycle_years: int = 3


S = StepTemplate
STANDARD = PlanTemplate(
    key="standard",
    title="Strategische Sozialplanung (Standard)",
    description=(
        "Die üblichen Schritte vom Grundsatzbeschluss bis zur Fortschreibung nach etwa drei "
        "Jahren; die Termine werden aus dem Beginn berechnet und lassen sich danach ändern."
    ),
    phases=(
        PhaseTemplate("Auftrag und Beratung", (
            S("grundsatzbeschluss", "Grundsatzbeschluss des Kreistags", 0, 0,
              description="Auftrag an die Verwaltung, Mittel und Rahmen der Sozialplanung."),
            S("fachberatung", "Beratung durch eine Fachstelle (z. B. FSA) im Fachausschuss", 30, 180,
              ("grundsatzbeschluss",)),
            S("beteiligung", "Kommunen und Freie Wohlfahrtspflege einbinden", 60, 240,
              ("grundsatzbeschluss",),
              "Dienstbesprechung der Sozialdezernent*innen, Gespräche mit Jobcenter und Verbänden."),
        )),
        PhaseTemplate("Konzept und Finanzierung", (
            S("foerderantrag", "Förderantrag stellen", 120, 300, ("fachberatung",),
              "z. B. „NRW hält zusammen …“, Modul Sozialplanung."),
            S("grundkonzept", "Grundkonzeption erarbeiten und beschließen", 180, 540,
              ("fachberatung", "beteiligung")),
            S("planerstelle", "Stelle der Sozialplanung einrichten und besetzen", 300, 600,
              ("foerderantrag", "grundkonzept")),
        )),
        PhaseTemplate("Datenbasis", (
            S("raumgliederung", "Sozialräumliche Gliederung festlegen", 540, 720, ("grundkonzept",),
              "Sozialräume und Wohnplätze mit den Kommunen abstimmen."),
            S("indikatoren", "Indikatorenset und Liefervereinbarungen abstimmen", 600, 780,
              ("raumgliederung",)),
            S("monitoring", "Kleinräumiges Sozialmonitoring aufbauen", 720, 900,
              ("indikatoren", "planerstelle")),
        )),
        PhaseTemplate("Bericht und Maßnahmen", (
            S("sozialbericht", "Sozialbericht erstellen und abstimmen", 900, 1080, ("monitoring",)),
            S("fachplanerkonferenzen", "Fachplanerkonferenzen durchführen", 1080, 1170,
              ("sozialbericht",)),
            S("massnahmen", "Maßnahmen ableiten und beschließen", 1140, 1260,
              ("fachplanerkonferenzen",)),
        )),
        PhaseTemplate("Umsetzung und Fortschreibung", (
            S("wirkung", "Umsetzung begleiten und Wirkung prüfen", 1260, 1800, ("massnahmen",)),
            S("fortschreibung", "Fortschreibung vorbereiten (neuer Berichtszyklus)", 1800, 1980,
              ("wirkung",)),
        )),
    ),
)  # fmt: skip

PLAN_TEMPLATES: dict[str, PlanTemplate] = {STANDARD.key: STANDARD}
