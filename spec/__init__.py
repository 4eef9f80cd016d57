"""The s0c environment spec: loading with positions, validation, JSON Schema."""

from .diagnostics import Diagnostic, Position, Severity, SpecPath
from .loader import Document, SourceMap, load_file, load_text
from .models import Spec
from .validate import validate

__all__ = ["Diagnostic", "Document", "Position", "Severity", "SourceMap", "Spec", "SpecPath",
           "load_file", "load_text", "validate"]
