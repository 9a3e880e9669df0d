"""Chokepoint model library: export thresholds → chip access → stockpile → capability.

The front door is ``run(scenario) -> Result``; scenarios come from ``load_scenario``; uncertainty from
``run_monte_carlo``. Nothing here imports Streamlit.
"""

from .catalog import CHIPS, CHIPS_BY_NAME, REFERENCE_CHIP, Chip, custom_chip, get_chip
from .errors import MissingSpecError, ScenarioError
from .levers import CONTRACT_LEVERS, LEVERS, POLICY_LEVERS, UNCERTAIN_LEVERS
from .model import CHANNELS, MODEL_VERSION, SUMMARY_KEYS, Result, run, status_table
from .rules import RULES, Classification, Rule, classify, custom_rule, get_rule
from .scenario import Scenario, list_presets, load_scenario
from .uncertainty import MonteCarloResult, run_monte_carlo

__version__ = MODEL_VERSION

__all__ = [
    "CHIPS", "CHIPS_BY_NAME", "REFERENCE_CHIP", "Chip", "custom_chip", "get_chip", "MissingSpecError", "ScenarioError",
    "CONTRACT_LEVERS", "LEVERS", "POLICY_LEVERS", "UNCERTAIN_LEVERS", "CHANNELS", "MODEL_VERSION", "SUMMARY_KEYS",
    "Result", "run", "status_table", "RULES", "Classification", "Rule", "classify", "custom_rule", "get_rule",
    "Scenario", "list_presets", "load_scenario", "MonteCarloResult", "run_monte_carlo",
]
