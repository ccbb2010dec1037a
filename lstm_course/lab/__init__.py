"""JupyterLab settings the course ships: ``overrides.json``, read by
``make lab`` (``--LabApp.app_settings_dir``), turns off the news and
update prompts, which would otherwise greet every student."""

from pathlib import Path

SETTINGS = Path(__file__).resolve().parent
