"""Process templates: the usual steps of a process, with their durations and dependencies;
the dates follow from the start date (a step starts the day after the last step it depends
on is due), so a fresh plan never asks a step to start before its predecessors end.

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
    duration: int  # days from start to due date
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

    def schedule(self) -> dict[str, tuple[int, int]]:
        """key -> (start, due) in days after the process start."""
        result: dict[str, tuple[int, int]] = {}
        for phase in self.phases:
            for step in phase.steps:
                start = max((result[d][1] + 1 for d in step.depends_on), default=0)
                result[step.key] = (start, start + step.duration)
        return result


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
            S("grundsatzbeschluss", "Grundsatzbeschluss des Kreistags", 0,
              description="Auftrag an die Verwaltung, Mittel und Rahmen der Sozialplanung."),
            S("fachberatung", "Beratung durch eine Fachstelle (z. B. FSA) im Fachausschuss", 150,
              ("grundsatzbeschluss",)),
            S("beteiligung", "Kommunen und Freie Wohlfahrtspflege einbinden", 180,
              ("grundsatzbeschluss",),
              "Dienstbesprechung der Sozialdezernent*innen, Gespräche mit Jobcenter und Verbänden."),
        )),
        PhaseTemplate("Konzept und Finanzierung", (
            S("foerderantrag", "Förderantrag stellen", 90, ("fachberatung",),
              "z. B. „NRW hält zusammen …“, Modul Sozialplanung."),
            S("grundkonzept", "Grundkonzeption erarbeiten und beschließen", 240,
              ("fachberatung", "beteiligung")),
            S("planerstelle", "Stelle der Sozialplanung einrichten und besetzen", 120,
              ("foerderantrag", "grundkonzept")),
        )),
        PhaseTemplate("Datenbasis", (
            S("raumgliederung", "Sozialräumliche Gliederung festlegen", 150, ("grundkonzept",),
              "Sozialräume und Wohnplätze mit den Kommunen abstimmen."),
            S("indikatoren", "Indikatorenset und Liefervereinbarungen abstimmen", 120,
              ("raumgliederung",)),
            S("monitoring", "Kleinräumiges Sozialmonitoring aufbauen", 180,
              ("indikatoren", "planerstelle")),
        )),
        PhaseTemplate("Bericht und Maßnahmen", (
            S("sozialbericht", "Sozialbericht erstellen und abstimmen", 180, ("monitoring",)),
            S("fachplanerkonferenzen", "Fachplanerkonferenzen durchführen", 90,
              ("sozialbericht",)),
            S("massnahmen", "Maßnahmen ableiten und beschließen", 120,
              ("fachplanerkonferenzen",)),
        )),
        PhaseTemplate("Umsetzung und Fortschreibung", (
            S("wirkung", "Umsetzung begleiten und Wirkung prüfen", 540, ("massnahmen",)),
            S("fortschreibung", "Fortschreibung vorbereiten (neuer Berichtszyklus)", 180,
              ("wirkung",)),
        )),
    ),
)  # fmt: skip

PLAN_TEMPLATES: dict[str, PlanTemplate] = {STANDARD.key: STANDARD}
